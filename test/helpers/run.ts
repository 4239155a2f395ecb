import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/io/io.js';
import type { TestHooks } from '../../src/cli/context.js';

export interface RunResult {
	code: number;
	stdout: string;
	stderr: string;
}

export interface RunOptions {
	env?: Record<string, string | undefined>;
	cwd?: string;
	stdin?: string;
	now?: Date;
	signal?: AbortSignal;
	hooks?: TestHooks;
	/** Replaces the real sleep (polling, lock waits): tests record the waits instead of waiting. */
	sleeps?: number[];
	/** A stdout of the test's own (a reader that goes away, say); its output is then not captured. */
	stdout?: Writable;
	/** A clock that moves only when the command sleeps (see FakeClock); replaces `now` and `sleeps`. */
	clock?: { now: () => Date; sleep: (ms: number, signal?: AbortSignal) => Promise<void> };
	/** Makes stderr look like a terminal of this many columns (progress line, no timestamps). */
	ttyColumns?: number;
}

function capture(): { stream: PassThrough; text: () => string } {
	const stream = new PassThrough();
	const chunks: Buffer[] = [];
	stream.on('data', (c: Buffer) => chunks.push(c));
	return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Fast retries for every command test: the policy still counts attempts and honours the budget. */
export const fastRetry: TestHooks = { retry: { baseMs: 1, maxDelayMs: 5 } };

/** Runs the CLI in-process with captured streams, a fixed environment and (optionally) a fixed clock. */
export async function runCli(argv: string[], options: RunOptions = {}): Promise<RunResult> {
	const out = capture();
	const err = capture();
	if (options.ttyColumns) {
		// What a spinner needs of a terminal: its size and the cursor moves, as escape codes.
		const write = (text: string, callback?: () => void) => err.stream.write(text, callback);
		Object.assign(err.stream, {
			isTTY: true,
			columns: options.ttyColumns,
			rows: 24,
			cursorTo: (x: number, callback?: () => void) => write(`\x1b[${x + 1}G`, callback),
			clearLine: (_dir: number, callback?: () => void) => write('\x1b[2K', callback),
			moveCursor: (dx: number, dy: number, callback?: () => void) => write(`${dy < 0 ? `\x1b[${-dy}A` : dy > 0 ? `\x1b[${dy}B` : ''}${dx ? `\x1b[${Math.abs(dx)}${dx < 0 ? 'D' : 'C'}` : ''}`, callback),
		});
	}
	const io: Io = {
		stdout: options.stdout ?? out.stream,
		stderr: err.stream,
		stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
		env: { PATH: process.env.PATH, ...options.env },
		cwd: options.cwd ?? process.cwd(),
		now: options.clock?.now ?? (() => options.now ?? new Date()),
		sleep:
			options.clock?.sleep ??
			(async (ms) => {
				options.sleeps?.push(ms);
			}),
	};
	const code = await run(argv, io, { signal: options.signal, hooks: options.hooks ?? fastRetry });
	await new Promise((resolve) => setImmediate(resolve));
	return { code, stdout: out.text(), stderr: err.text() };
}

/** A temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'amp-import-test-'): { path: string; cleanup: () => void } {
	const path = mkdtempSync(join(tmpdir(), prefix));
	return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** An isolated HOME with its own credentials and state folders. */
export function isolatedEnv(home: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
	return {
		HOME: home,
		AMP_IMPORT_HOME: join(home, 'config'),
		XDG_STATE_HOME: join(home, 'state'),
		...extra,
	};
}
