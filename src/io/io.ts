import type { Readable, Writable } from 'node:stream';

/**
Everything a command touches outside itself. The real process provides it in production; tests pass their own
streams, environment and clock, so whole commands run in-process and deterministically.
*/
export interface Io {
	/** Data only (NDJSON, tables the user asked for). Never a log line. */
	stdout: Writable;
	/** Logs, spinners, summaries, errors. */
	stderr: Writable & { isTTY?: boolean; columns?: number };
	stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
	env: NodeJS.ProcessEnv;
	cwd: string;
	now: () => Date;
	/** Injected so tests of retries and polling need not wait. */
	sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(signal.reason);
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal?.reason);
		};
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

export function processIo(): Io {
	return {
		stdout: process.stdout,
		stderr: process.stderr,
		stdin: process.stdin,
		env: process.env,
		cwd: process.cwd(),
		now: () => new Date(),
		sleep,
	};
}
