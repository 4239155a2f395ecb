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
	unavailable: 69,
	internal: 70,
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

/** Turns anything thrown into an AmpImportError: unknown errors are bugs by definition. */
export function toAmpImportError(error: unknown): AmpImportError {
	if (error instanceof AmpImportError) return error;
	const message = error instanceof Error ? error.message : String(error);
	return internalError(`unexpected error: ${message}`, error);
}

export function exitCodeOf(error: unknown): number {
	return toAmpImportError(error).exitCode;
}
