/**
One error taxonomy for the whole tool. Every failure a user can meet is one of these kinds: a stable `code` for
scripts, an `exitCode` from sysexits.h that cron can act on, a one-line message that says what happened, and a
`hint` that says what to do. The CLI prints `code: message` and the hint; stacks only with --verbose.
*/

/** Exit codes (sysexits.h), the contract with cron and shell scripts. */
export const ExitCode = {
	ok: 0,
	usage: 64,
	dataError: 65,
	noInput: 66,
	unavailable: 69,
	internal: 70,
	cantCreate: 73,
	ioError: 74,
	tempFail: 75,
	noPermission: 77,
	config: 78,
	sigint: 130,
	sigterm: 143,
} as const;

export type ErrorKind =
	| 'usage'
	| 'config'
	| 'auth'
	| 'transient'
	| 'rate-limited'
	| 'lock-held'
	| 'unavailable'
	| 'export-too-large'
	| 'data'
	| 'no-input'
	| 'output'
	| 'io'
	| 'interrupted'
	| 'internal';

/** The table behind every error: kind → stable code and exit code. */
const kinds: Record<ErrorKind, { code: string; exitCode: number }> = {
	usage: { code: 'ERR_AMP_USAGE', exitCode: ExitCode.usage },
	config: { code: 'ERR_AMP_CONFIG', exitCode: ExitCode.config },
	auth: { code: 'ERR_AMP_AUTH', exitCode: ExitCode.noPermission },
	transient: { code: 'ERR_AMP_TRANSIENT', exitCode: ExitCode.tempFail },
	'rate-limited': { code: 'ERR_AMP_RATE_LIMITED', exitCode: ExitCode.tempFail },
	'lock-held': { code: 'ERR_AMP_LOCKED', exitCode: ExitCode.tempFail },
	unavailable: { code: 'ERR_AMP_UNAVAILABLE', exitCode: ExitCode.unavailable },
	'export-too-large': { code: 'ERR_AMP_EXPORT_TOO_LARGE', exitCode: ExitCode.unavailable },
	data: { code: 'ERR_AMP_DATA', exitCode: ExitCode.dataError },
	'no-input': { code: 'ERR_AMP_NO_INPUT', exitCode: ExitCode.noInput },
	output: { code: 'ERR_AMP_OUTPUT', exitCode: ExitCode.cantCreate },
	io: { code: 'ERR_AMP_IO', exitCode: ExitCode.ioError },
	interrupted: { code: 'ERR_AMP_INTERRUPTED', exitCode: ExitCode.sigint },
	internal: { code: 'ERR_AMP_INTERNAL', exitCode: ExitCode.internal },
};

export interface AmpImportErrorOptions {
	hint?: string;
	cause?: unknown;
	/** Overrides the kind's exit code (used for SIGTERM = 143 on an `interrupted` error). */
	exitCode?: number;
	/** Further lines, one per problem, when one error stands for several (every config problem at once). */
	details?: string[];
	/** The HTTP status behind it, when there is one. */
	httpStatus?: number;
}

export class AmpImportError extends Error {
	readonly kind: ErrorKind;
	readonly code: string;
	readonly exitCode: number;
	readonly hint?: string;
	readonly details: string[];
	readonly httpStatus?: number;

	constructor(kind: ErrorKind, message: string, options: AmpImportErrorOptions = {}) {
		super(message, options.cause === undefined ? undefined : { cause: options.cause });
		this.name = 'AmpImportError';
		this.kind = kind;
		this.code = kinds[kind].code;
		this.exitCode = options.exitCode ?? kinds[kind].exitCode;
		this.hint = options.hint;
		this.details = options.details ?? [];
		this.httpStatus = options.httpStatus;
	}
}

export const usageError = (message: string, hint?: string) => new AmpImportError('usage', message, { hint });
export const configError = (message: string, hint?: string, details?: string[]) =>
	new AmpImportError('config', message, { hint, details });
export const dataError = (message: string, hint?: string, cause?: unknown) =>
	new AmpImportError('data', message, { hint, cause });
export const internalError = (message: string, cause?: unknown) =>
	new AmpImportError('internal', message, {
		hint: 'This is a bug in amp-import; please report it with the output of --verbose.',
		cause,
	});

/**
What a file system error means for the user, by errno: a full or failing disk is an I/O error (74), a path that
cannot be written is an output that cannot be created (73), a file that cannot be read is missing input (66).
None of them is a bug (70), and none is temporary (75): retrying does not free a disk or fix a permission.
*/
const fsErrnoKinds: Record<string, { kind: ErrorKind; says: string; hint: string }> = {
	ENOSPC: { kind: 'io', says: 'no space left on the device', hint: 'Free disk space (or point TMPDIR, --output or --state-dir elsewhere) and rerun.' },
	EDQUOT: { kind: 'io', says: 'disk quota exceeded', hint: 'Free space within your quota and rerun.' },
	EIO: { kind: 'io', says: 'input/output error', hint: 'The disk or file system failed; check it (dmesg) and rerun.' },
	EFBIG: { kind: 'io', says: 'file too large for the file system', hint: 'Write to another file system, or use --gzip.' },
	EROFS: { kind: 'output', says: 'read-only file system', hint: 'Choose a writable folder.' },
	EACCES: { kind: 'output', says: 'permission denied', hint: 'Check the permissions of the file and its folder.' },
	EPERM: { kind: 'output', says: 'operation not permitted', hint: 'Check the permissions of the file and its folder.' },
	EISDIR: { kind: 'output', says: 'it is a directory', hint: 'Name a file, such as DIR/events-{start}-{end}.ndjson.' },
	ENOTDIR: { kind: 'output', says: 'a part of the path is not a directory', hint: 'Check the path.' },
	ENOENT: { kind: 'output', says: 'no such file or directory', hint: 'Create the folder first, or check the path.' },
	ENAMETOOLONG: { kind: 'output', says: 'file name too long', hint: 'Use a shorter path.' },
	EEXIST: { kind: 'output', says: 'the file already exists', hint: 'Remove it or choose another name.' },
	EMFILE: { kind: 'io', says: 'too many open files', hint: 'Raise the open-file limit (ulimit -n) and rerun.' },
};

/**
A file system failure as a clear error: `doing` says what amp-import was doing (`writing /out/events.ndjson`).
`reading` turns a missing or unreadable file into missing input (66) instead of an output problem.
*/
export function fsError(error: unknown, doing: string, options: { reading?: boolean } = {}): AmpImportError {
	if (error instanceof AmpImportError) return error;
	const code = (error as NodeJS.ErrnoException)?.code ?? '';
	const known = fsErrnoKinds[code];
	if (!known) return internalError(`${doing} failed: ${(error as Error)?.message ?? String(error)}`, error);
	const kind = options.reading && known.kind === 'output' ? 'no-input' : known.kind;
	return new AmpImportError(kind, `${doing} failed: ${known.says} (${code})`, { hint: known.hint, cause: error });
}

/** Turns anything thrown into an AmpImportError: file system errors by their errno, anything else is a bug. */
export function toAmpImportError(error: unknown): AmpImportError {
	if (error instanceof AmpImportError) return error;
	const errno = error as NodeJS.ErrnoException;
	if (errno?.code && fsErrnoKinds[errno.code] && errno.syscall) {
		return fsError(error, `${errno.syscall}${errno.path ? ` ${errno.path}` : ''}`);
	}
	const message = error instanceof Error ? error.message : String(error);
	return internalError(`unexpected error: ${message}`, error);
}
