import type { Logger } from '../io/logger.js';
import { toAmpImportError } from '../errors.js';

/** Prints a failure: one line with code and message, the details, the hint; the stack chain only with --verbose. */
export function reportError(logger: Logger, error: unknown, verbose: boolean): number {
	const e = toAmpImportError(error);
	if (logger.options.format === 'json') {
		logger.write(
			JSON.stringify({
				level: 'error',
				code: e.code,
				msg: e.message,
				details: e.details.length ? e.details : undefined,
				hint: e.hint,
				exitCode: e.exitCode,
				stack: verbose ? stackChain(e) : undefined,
			}),
		);
		return e.exitCode;
	}
	const c = logger.color;
	logger.write(`${logger.stamp()}${c.red('error')} ${c.bold(e.code)} ${e.message}`);
	for (const line of e.details) logger.write(`  - ${line}`);
	if (e.hint) logger.write(`  ${c.dim('hint:')} ${e.hint}`);
	if (verbose || e.kind === 'internal') logger.write(c.dim(stackChain(e)));
	return e.exitCode;
}

/** The error's stack and its causes' stacks. Never util.inspect: got errors carry request headers. */
function stackChain(error: unknown): string {
	const parts: string[] = [];
	let current: unknown = error;
	for (let depth = 0; current instanceof Error && depth < 5; depth++) {
		parts.push(depth === 0 ? String(current.stack) : `caused by: ${current.stack}`);
		current = current.cause;
	}
	return parts.join('\n');
}
