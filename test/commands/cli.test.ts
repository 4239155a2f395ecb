import { describe, expect, it } from '@jest/globals';
import { isolatedEnv, runCli, tempDir } from '../helpers/run.js';

describe('the command line', () => {
	it('prints help on stdout and exits 0', async () => {
		const result = await runCli(['--help']);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('Usage: amp-import');
		expect(result.stdout).toContain('auth');
	});

	it('treats unknown options and commands as usage errors (exit 64)', async () => {
		expect((await runCli(['--bogus'])).code).toBe(64);
		const result = await runCli(['frobnicate']);
		expect(result.code).toBe(64);
		expect(result.stderr).toContain("unknown command 'frobnicate'");
	});

	it('writes errors as one JSON object per line with --log-format json', async () => {
		const home = tempDir();
		const result = await runCli(['--log-format', 'json', 'auth', 'test'], { env: isolatedEnv(home.path) });
		home.cleanup();
		expect(result.code).toBe(78);
		const line = JSON.parse(result.stderr.trim()) as Record<string, unknown>;
		expect(line).toMatchObject({ level: 'error', code: 'ERR_AMP_CONFIG', exitCode: 78 });
		expect(line.msg).toMatch(/^no Amplitude credentials: no authorization in \/.*credentials\.json, and AMPLITUDE_API_KEY is not set$/);
	});

	it('keeps --quiet runs silent except for errors', async () => {
		const home = tempDir();
		const result = await runCli(['--quiet', 'auth', 'list'], { env: isolatedEnv(home.path) });
		home.cleanup();
		expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
	});
});
