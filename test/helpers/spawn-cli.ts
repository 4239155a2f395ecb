import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nodeFlags } from '../../src/runtime/node-flags.js';

const bin = fileURLToPath(new URL('../../bin/amp-import.js', import.meta.url));
const preload = fileURLToPath(new URL('./fault-preload.mjs', import.meta.url));

export interface Fault {
	op: 'rename' | 'sync' | 'datasync' | 'write' | 'read' | 'open' | 'writeFile' | 'mkdtemp';
	match: string;
	nth?: number;
	action: 'kill' | 'ENOSPC' | 'EIO' | 'EACCES';
	when?: 'before' | 'after';
}

export interface SpawnResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/** Runs the built amp-import as a real process (as cron would), with a fault injected where `fault` says. */
export function spawnCli(
	args: string[],
	options: {
		env: Record<string, string | undefined>;
		cwd?: string;
		fault?: Fault;
		onSpawn?: (pid: number) => void;
		fsLog?: string;
		/** A reader like `| head -1`: stdout is closed once its first chunk has come. */
		closeStdoutAfterFirstChunk?: boolean;
	},
): Promise<SpawnResult> {
	const env: Record<string, string> = { PATH: process.env.PATH ?? '', NO_COLOR: '1' };
	for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
	if (options.fault) env.AMP_IMPORT_TEST_FAULT = JSON.stringify(options.fault);
	if (options.fsLog) env.AMP_IMPORT_TEST_FSLOG = options.fsLog;
	const child = spawn(process.execPath, [...nodeFlags, '--import', preload, bin, ...args], { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
	options.onSpawn?.(child.pid!);
	const out: Buffer[] = [];
	const err: Buffer[] = [];
	child.stdout.on('data', (c: Buffer) => out.push(c));
	if (options.closeStdoutAfterFirstChunk) child.stdout.once('data', () => child.stdout.destroy());
	child.stderr.on('data', (c: Buffer) => err.push(c));
	return new Promise((resolve, reject) => {
		child.on('error', reject);
		child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
	});
}
