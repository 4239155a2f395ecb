import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeAmplitude, type FakeAmplitude } from '../helpers/fake-amplitude-server.js';
import { runCli, tempDir } from '../helpers/run.js';

/*
The lines `schedule` prints run as cron runs them: `sh -c` under `env -i` (no HOME, no XDG_*, a short PATH), from
another folder, against the fake Amplitude, with the credentials and state in non-default places.
*/

let fake: FakeAmplitude;
let home: ReturnType<typeof tempDir>;
beforeAll(async () => {
	fake = await startFakeAmplitude({ eventsPerHour: 5 });
	home = tempDir();
});
afterAll(async () => {
	await fake.close();
	home.cleanup();
});

describe('schedule under a bare environment', () => {
	it('the printed crontab line exports events with no variable from the shell that printed it', async () => {
		const project = join(home.path, 'project');
		const env = { HOME: home.path, XDG_CONFIG_HOME: join(home.path, 'xdg-config'), XDG_STATE_HOME: join(home.path, 'xdg-state') };
		execFileSync('mkdir', ['-p', join(project, 'out')]);
		writeFileSync(join(project, '.amp-importrc.json'), JSON.stringify({ endpoint: fake.url, events: { backfillDays: 1, output: 'out/events-{start}-{end}.ndjson' } }));
		const added = await runCli(['auth', 'add', 'prod', '--no-verify'], { env, stdin: 'cron-api-key\ncron-secret-key\n' });
		expect(added.code).toBe(0);
		const printed = await runCli(['schedule', '--job', 'events', '--format', 'cron'], { env, cwd: project });
		expect(printed.code).toBe(0);
		const line = printed.stdout.split('\n').find((l) => /^\d+ \* \* \* \* /.test(l))!;
		const command = line.replace(/^\S+ \S+ \S+ \S+ \S+ /, '').replaceAll('\\%', '%');
		// Not execFileSync: the fake Amplitude answers from this very process.
		await new Promise<void>((resolve, reject) => execFile('env', ['-i', 'PATH=/usr/bin:/bin', 'sh', '-c', command], { cwd: '/' }, (error) => (error ? reject(error) : resolve())));
		const files = readdirSync(join(project, 'out'));
		expect(files).toHaveLength(1);
		expect(readFileSync(join(project, 'out', files[0]!), 'utf8').split('\n').filter(Boolean)).toHaveLength(24 * 5);
		const log = readFileSync(join(home.path, 'xdg-state', 'amp-import', 'events.log'), 'utf8');
		expect(log).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ info exporting events/m);
		expect(log).not.toContain('error');
	}, 60_000);
});
