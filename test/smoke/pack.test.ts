import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/run.js';

/*
`npm pack` makes a package that runs without the repository: unpacked elsewhere, with only the dependencies beside
it (this repository's node_modules stand in for what npm would install), the demo runs from another folder.
*/

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = tempDir();
afterAll(() => work.cleanup());

const run = (file: string, args: string[], cwd: string, env: Record<string, string>) =>
	new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
		execFile(file, args, { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(Object.assign(error, { stderr })) : resolve({ stdout, stderr }))),
	);

describe('the packed package', () => {
	it('holds the bin, the build and the demo data, no sources or tests, and runs on its own', async () => {
		const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work.path], { cwd: root, encoding: 'utf8' }).trim().split('\n').at(-1)!;
		const listed = execFileSync('tar', ['tzf', join(work.path, tarball)], { encoding: 'utf8' }).split('\n').filter(Boolean);
		expect(listed).toContain('package/bin/amp-import.js');
		expect(listed).toContain('package/dist/cli/main.js');
		expect(listed).toContain('package/fixtures/demo/export.zip');
		expect(listed.filter((f) => /^package\/(src|test|scripts)\//.test(f))).toEqual([]);

		const installed = join(work.path, 'installed');
		mkdirSync(installed);
		execFileSync('tar', ['xzf', join(work.path, tarball), '-C', installed]);
		symlinkSync(join(root, 'node_modules'), join(installed, 'package', 'node_modules'));
		const elsewhere = join(work.path, 'elsewhere');
		mkdirSync(elsewhere);
		const env = { PATH: process.env.PATH ?? '', HOME: join(work.path, 'home') };
		const bin = join(installed, 'package', 'bin', 'amp-import.js');
		const events = await run(bin, ['events', '--demo', '-o', '-'], elsewhere, env);
		expect(events.stdout.split('\n').filter(Boolean)).toHaveLength(12);
		const cohorts = await run(bin, ['cohorts', '--demo', '-o', 'cohorts-{time}.ndjson'], elsewhere, env);
		expect(cohorts.stderr).toContain('cohorts run summary');
		expect(readdirSync(elsewhere).filter((f) => f.startsWith('cohorts-'))).toHaveLength(1);
		expect((await run(bin, ['--version'], elsewhere, env)).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
	}, 120_000);
});
