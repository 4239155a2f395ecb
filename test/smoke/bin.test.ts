import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

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

	it('exits 64 on a usage error', async () => {
		const failure = await promisify(execFile)(process.execPath, [bin, '--nope']).catch((e: { code: number; stderr: string }) => e);
		expect((failure as { code: number }).code).toBe(64);
	});
});
