import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { isolatedEnv, runCli, tempDir } from '../helpers/run.js';

/* What a new user meets in the first hour: help, mistakes at the command line, the logs and the summary. */

let home: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
beforeEach(() => {
	home = tempDir();
	env = isolatedEnv(home.path);
});
afterEach(() => home.cleanup());

const stamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /;

describe('help', () => {
	it.each([
		[[]],
		[['events']],
		[['cohorts']],
		[['cohorts', 'import']],
		[['cohorts', 'list']],
		[['auth', 'add']],
		[['auth', 'test']],
		[['schedule']],
		[['status']],
		[['doctor']],
	])('`%j --help` exits 0 with examples', async (names) => {
		const result = await runCli([...names, '--help'], { env });
		expect(result.code).toBe(0);
		expect(result.stdout).toContain(`Usage: amp-import${names.length ? ` ${names.join(' ')}` : ''}`);
		expect(result.stdout).toMatch(/\nExamples:\n {2}\$ amp-import /);
		expect(result.stderr).toBe('');
	});

	it('`help <command>` is the same as `<command> --help`, nested commands too, and exits 0', async () => {
		for (const names of [['events'], ['cohorts', 'import'], ['auth', 'add']]) {
			const viaHelp = await runCli(['help', ...names], { env });
			expect(viaHelp.code).toBe(0);
			expect(viaHelp.stdout).toBe((await runCli([...names, '--help'], { env })).stdout);
		}
	});

	it('`cohorts --help` shows the import flags', async () => {
		const result = await runCli(['cohorts', '--help'], { env });
		for (const flag of ['--cohort <id|name>', '--changes-only', '--output <file>', '--keep-updated']) expect(result.stdout).toContain(flag);
		expect(result.stdout).toContain('list [options]');
	});

	it('`auth add --help` says where Amplitude shows the keys', async () => {
		const result = await runCli(['auth', 'add', '--help'], { env });
		expect(result.stdout).toContain('Settings → Organization settings → Projects');
	});
});

describe('mistakes at the command line', () => {
	it.each([
		[['cohorts', 'lst'], "error ERR_AMP_USAGE unknown command 'lst'; did you mean list? (see `amp-import cohorts --help`)"],
		[['evnts'], "error ERR_AMP_USAGE unknown command 'evnts'; did you mean events? (see `amp-import --help`)"],
		[['auth', 'lsit'], "error ERR_AMP_USAGE unknown command 'lsit'; did you mean list? (see `amp-import auth --help`)"],
		[['help', 'cohort'], "error ERR_AMP_USAGE unknown command 'cohort'; did you mean cohorts? (see `amp-import --help`)"],
		[['events', '--bogus'], "error ERR_AMP_USAGE unknown option '--bogus' (see `amp-import events --help`)"],
		[['events', '--dry-rn'], "error ERR_AMP_USAGE unknown option '--dry-rn'; did you mean --dry-run? (see `amp-import events --help`)"],
		[['auth', 'add'], "error ERR_AMP_USAGE missing required argument 'label' (see `amp-import auth add --help`)"],
		[['--log-format', 'xml', 'status'], "error ERR_AMP_USAGE option '--log-format <format>' argument 'xml' is invalid. Allowed choices are text, json. (see `amp-import --help`)"],
	])('%j: one line in the tool\'s own form, exit 64', async (argv, line) => {
		const result = await runCli(argv, { env });
		expect(result.code).toBe(64);
		expect(result.stderr).toBe(`${line}\n`);
		expect(result.stdout).toBe('');
	});

	it('a cohorts import flag after `import` belongs to import', async () => {
		const result = await runCli(['cohorts', 'import', '--concurrency', '9'], { env });
		expect(result.code).toBe(64);
		expect(result.stderr).toContain('--concurrency');
	});
});

describe('logs and the summary', () => {
	it('off a terminal: every line timestamped, a line per unit (a window, or an hour on stdout) with its own counts, a summary for people', async () => {
		const file = await runCli(['events', '--demo', '-o', join(home.path, 'demo.ndjson')], { env });
		expect(file.stderr).toMatch(/ info 2026-10-01T00\.\.2026-10-01T02 \(window 1\/1\): 12 events, 6 files, [\d.]+ kB in \d+ ms\n/);
		const result = await runCli(['events', '--demo', '-o', '-'], { env });
		expect(result.code).toBe(0);
		const lines = result.stderr.trimEnd().split('\n');
		for (const line of lines) expect(line).toMatch(new RegExp(`${stamp.source}|^ {2}\\S`));
		expect(result.stderr).toMatch(/ info 2026-10-01T00\.\.2026-10-01T00 \(window 1\/1\): 4 events, 2 files, /);
		expect(result.stderr).toMatch(/ info 2026-10-01T02\.\.2026-10-01T02 \(window 1\/1\): 4 events, 2 files, /);
		const summary = result.stderr.slice(result.stderr.indexOf('events run summary'));
		expect(summary).toMatch(/\n {2}events {6}12\n/);
		expect(summary).toMatch(/\n {2}downloaded {2}[\d.]+ kB \([\d.]+ kB of JSON\)\n/);
		expect(summary).toMatch(/\n {2}took {8}[\d.]+ m?s \(\d+ events\/s\)\n/);
		expect(summary).not.toMatch(/[{}]/);
	});

	it('on a terminal: no timestamps, and the same summary', async () => {
		const result = await runCli(['events', '--demo', '-o', '-'], { env, ttyColumns: 80 });
		expect(result.code).toBe(0);
		const plain = result.stderr.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
		expect(plain).not.toMatch(/\d\d:\d\d:\d\dZ /);
		expect(plain).toContain('events run summary');
	});

	it('--log-format json keeps the machine form of the summary', async () => {
		const result = await runCli(['--log-format', 'json', 'events', '--demo', '-o', '-'], { env });
		const summary = result.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; summary?: Record<string, unknown> }).find((l) => l.summary);
		expect(summary?.summary).toMatchObject({ events: 12, windows: 1, files: 6, badValuesByField: {} });
	});

	it('cohorts: a summary for people', async () => {
		const result = await runCli(['cohorts', '--demo', '-o', '-'], { env, hooks: { pollMs: 1 } });
		expect(result.code).toBe(0);
		const summary = result.stderr.slice(result.stderr.indexOf('cohorts run summary'));
		expect(summary).toMatch(/\n {2}cohorts {2}2 selected: 2 imported\n/);
		expect(summary).toMatch(/\n {2}members {2}10 \(0 joined, 0 left\)\n/);
		expect(summary).not.toMatch(/[{}]/);
	});

	it('-v names the config, credentials and state paths and logs each HTTP request, secrets masked', async () => {
		const result = await runCli(['-v', 'events', '--demo', '-o', '-'], { env });
		expect(result.code).toBe(0);
		expect(result.stderr).toContain('debug config: no file found from');
		expect(result.stderr).toContain(`debug credentials: ${home.path}/config/credentials.json`);
		expect(result.stderr).toContain(`debug state dir: ${home.path}/state/amp-import`);
		expect(result.stderr).toMatch(/debug HTTP GET \/api\/2\/export 200 \d+ ms \d+ bytes/);
		expect(result.stderr).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
		expect(result.stderr).not.toContain('start=');
	});
});

describe('config logFormat', () => {
	it('a config file with logFormat json makes the logs JSON', async () => {
		const { writeFileSync } = await import('node:fs');
		const { join } = await import('node:path');
		writeFileSync(join(home.path, '.amp-importrc.json'), JSON.stringify({ logFormat: 'json' }));
		const result = await runCli(['events', '--demo', '-o', '-'], { env, cwd: home.path });
		expect(result.code).toBe(0);
		const lines = result.stderr.trim().split('\n');
		for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
	});
});
