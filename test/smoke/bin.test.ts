import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run.js';
import { nodeFlags } from '../../src/runtime/node-flags.js';

const bin = fileURLToPath(new URL('../../bin/amp-import.js', import.meta.url));
const pkg = await import('../../package.json', { with: { type: 'json' } });

describe('the built bin', () => {
	it('runs --help and --version as a real process', async () => {
		const help = await promisify(execFile)(process.execPath, [bin, '--help'], { env: { PATH: process.env.PATH, NO_COLOR: '1' } });
		expect(help.stdout).toContain('Usage: amp-import [options] [command]');
		expect(help.stderr).toBe('');
		const version = await promisify(execFile)(process.execPath, [bin, '--version']);
		expect(version.stdout.trim()).toBe(pkg.default.version);
	});

	it('runs as an executable through its sh line: node gets the V8 flag, the arguments arrive verbatim', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'amp-import-smoke-'));
		try {
			// A config file is code when it is .cjs: this one reports how node was started.
			const config = join(dir, 'a b $HOME "quoted".cjs');
			const report = join(dir, 'exec-argv.json');
			writeFileSync(config, `require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(process.execArgv)); module.exports = {};`);
			const status = await promisify(execFile)(bin, ['--config', config, 'status'], { env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', AMPLITUDE_API_KEY: 'k', AMPLITUDE_SECRET_KEY: 's' } });
			expect(status.stderr).toBe('');
			expect(JSON.parse(readFileSync(report, 'utf8'))).toEqual(nodeFlags);
			const failure = await promisify(execFile)(bin, ['--config', join(dir, 'missing  two spaces.json'), 'status']).catch((e: { code: number; stderr: string }) => e);
			expect((failure as { code: number }).code).toBe(78);
			expect((failure as { stderr: string }).stderr).toContain('missing  two spaces.json');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('exits 64 on a usage error', async () => {
		const failure = await promisify(execFile)(process.execPath, [bin, '--nope']).catch((e: { code: number; stderr: string }) => e);
		expect((failure as { code: number }).code).toBe(64);
	});

	it('maps on worker threads as a real process, with the same output as in-process (inline) mapping', async () => {
		const home = mkdtempSync(join(tmpdir(), 'amp-import-smoke-'));
		try {
			const env = { PATH: process.env.PATH, HOME: home, XDG_STATE_HOME: join(home, 'state'), AMP_IMPORT_HOME: join(home, 'config'), NO_COLOR: '1' };
			for (const shape of [[], ['--raw']]) {
				const real = await promisify(execFile)(process.execPath, [bin, '-v', 'events', '--demo', ...shape], { env, maxBuffer: 64 << 20 });
				const cores = availableParallelism();
				expect(real.stderr).toContain(`mapping on ${cores < 2 ? 0 : Math.min(cores, 4)} worker thread(s)`);
				const inProcess = await runCli(['-v', 'events', '--demo', ...shape], { env });
				expect(inProcess.stderr).toContain('mapping on 0 worker thread(s)');
				expect(real.stdout.length).toBeGreaterThan(1000);
				expect(real.stdout).toBe(inProcess.stdout);
			}
		} finally {
			rmSync(home, { recursive: true, force: true });
		}
	});

	it('reads cohort files on worker threads as a real process, with the same output as in-process', async () => {
		const home = mkdtempSync(join(tmpdir(), 'amp-import-smoke-'));
		try {
			const env = { PATH: process.env.PATH, HOME: home, XDG_STATE_HOME: join(home, 'state'), AMP_IMPORT_HOME: join(home, 'config'), NO_COLOR: '1' };
			for (const shape of [[], ['--raw']]) {
				const real = await promisify(execFile)(process.execPath, [bin, '-v', 'cohorts', '--demo', ...shape], { env });
				const cores = availableParallelism();
				expect(real.stderr).toContain(`parsing and mapping on ${cores < 2 ? 0 : Math.min(cores, 4)} worker thread(s)`);
				const inProcess = await runCli(['-v', 'cohorts', '--demo', ...shape], { env });
				expect(inProcess.stderr).toContain('parsing and mapping on 0 worker thread(s)');
				expect(real.stdout.split('\n').length).toBeGreaterThan(8);
				expect(real.stdout).toBe(inProcess.stdout);
			}
		} finally {
			rmSync(home, { recursive: true, force: true });
		}
	});
});
