import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpResponse } from 'msw';
import { useMsw } from '../helpers/msw.js';
import { exportApi, type ExportCall } from '../helpers/fake-export.js';
import { cohortsApi, csv, type CohortsLog, type FakeCohort } from '../helpers/fake-cohorts.js';
import { FakeClock, iso } from '../helpers/clock.js';
import { isolatedEnv, runCli, tempDir } from '../helpers/run.js';
import { AmpImportError } from '../../src/errors.js';
import { nodeFlags } from '../../src/runtime/node-flags.js';
import { fileURLToPath } from 'node:url';

/**
The Keep Updated loops, whole-command, with a clock that jumps when the loop sleeps. `npm test` runs this file
under two host zones; the schedule's zone comes from config or TZ in the command's own environment.
*/
const server = useMsw();
const SECRET = 'keep-updated-secret-4242';

let home: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
beforeEach(() => {
	home = tempDir();
	env = isolatedEnv(home.path, { AMPLITUDE_API_KEY: 'keep-updated-key', AMPLITUDE_SECRET_KEY: SECRET, TZ: 'Asia/Kolkata' });
});
afterEach(() => home.cleanup());

const hooks = { retry: { baseMs: 1, maxDelayMs: 5, retries: 1 }, pollMs: 5 };
const stateDir = () => join(home.path, 'state', 'amp-import');
const eventsCursor = () => {
	const file = readdirSync(stateDir()).find((f) => f.startsWith('events-') && f.endsWith('.json'));
	return (JSON.parse(readFileSync(join(stateDir(), file!), 'utf8')) as { cursor: string }).cursor;
};

/** Runs a loop until the clock passes `until`, then aborts it as SIGTERM would. */
function loop(argv: string[], clock: FakeClock, until: string, extra: { signal?: AbortController } = {}) {
	const controller = extra.signal ?? new AbortController();
	clock.onSleep = (at) => {
		if (at >= Date.parse(until)) controller.abort(new AmpImportError('interrupted', 'interrupted by SIGTERM', { exitCode: 143 }));
	};
	return runCli(argv, { env, cwd: home.path, clock, signal: controller.signal, hooks });
}

describe('events --keep-updated', () => {
	it('runs now, then hourly at the local minute (:15 in Kolkata is :45 UTC), each run from the saved cursor', async () => {
		const calls: (ExportCall & { at: string })[] = [];
		const clock = new FakeClock(Date.parse('2026-11-28T10:41:07Z'));
		server.use(exportApi({ answer: (c) => void calls.push({ ...c, at: iso(clock.time) }) }));
		const result = await loop(['events', '--keep-updated', '--backfill-days', '1', '-o', 'ev-{start}-{end}.ndjson'], clock, '2026-11-28T12:50:00Z');
		expect(result.code).toBe(0);
		expect(calls).toEqual([
			{ start: '20261127T08', end: '20261128T07', at: '2026-11-28T10:41:07.000Z' }, // first run: one day of backfill
			{ start: '20261128T08', end: '20261128T08', at: '2026-11-28T11:45:00.000Z' }, // 10:45 had nothing new (lag 3 h)
			{ start: '20261128T09', end: '20261128T09', at: '2026-11-28T12:45:00.000Z' },
		]);
		expect(eventsCursor()).toBe('2026-11-28T09');
		expect(readdirSync(home.path).filter((f) => f.startsWith('ev-')).sort()).toEqual([
			'ev-20261127T08-20261128T07.ndjson',
			'ev-20261128T08-20261128T08.ndjson',
			'ev-20261128T09-20261128T09.ndjson',
		]);
		expect(result.stderr).toContain('next events run at 2026-11-28 16:15 GMT+5:30 (Asia/Kolkata)\n');
		expect(result.stderr).not.toContain('2026-11-28T10:45:00.000Z');
		expect(result.stderr).toContain('events stopped between runs');
		expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(60_000); // naps, re-reading the clock
		expect(result.stderr).not.toContain(SECRET);
	});

	it('logs a transient failure and retries at the next run; nothing is lost', async () => {
		const clock = new FakeClock(Date.parse('2026-11-28T10:50:00Z'));
		let failing = true;
		const calls: ExportCall[] = [];
		server.use(exportApi({ calls, answer: () => (failing ? new HttpResponse('down', { status: 503 }) : undefined) }));
		clock.onSleep = undefined;
		const controller = new AbortController();
		const result = await runCli(['events', '--keep-updated', '--backfill-days', '0', '--log-format', 'json'], {
			env: { ...env, TZ: 'UTC' },
			cwd: home.path,
			clock: Object.assign(clock, {
				onSleep: (at: number) => {
					if (at >= Date.parse('2026-11-28T14:15:00Z')) failing = false;
					if (at >= Date.parse('2026-11-28T15:20:00Z')) controller.abort(new AmpImportError('interrupted', 'SIGTERM', { exitCode: 143 }));
				},
			}),
			signal: controller.signal,
			hooks,
		});
		expect(result.code).toBe(0);
		// The first run sets the cursor at 07 (backfill 0, lag 3 h); 11:15, 12:15 and 13:15 fail; 14:15 catches up.
		const logs = result.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: string; msg: string; code?: string });
		expect(logs.filter((l) => l.level === 'error').map((l) => l.code)).toEqual(['ERR_AMP_UNAVAILABLE', 'ERR_AMP_UNAVAILABLE', 'ERR_AMP_UNAVAILABLE']);
		expect(logs.filter((l) => l.msg.includes('retrying at the next scheduled time'))).toHaveLength(3);
		expect(calls.at(-2)).toEqual({ start: '20261128T08', end: '20261128T11' });
		expect(calls.at(-1)).toEqual({ start: '20261128T12', end: '20261128T12' });
		expect(eventsCursor()).toBe('2026-11-28T12');
		expect(result.stdout.split('\n').filter(Boolean).length).toBeGreaterThan(0);
	});

	it('stops at an authentication failure with its exit code (77), without waiting for another run', async () => {
		const clock = new FakeClock(Date.parse('2026-11-28T10:50:00Z'));
		const calls: ExportCall[] = [];
		server.use(exportApi({ calls, answer: () => HttpResponse.json({ error: 'unauthorized' }, { status: 401 }) }));
		const result = await loop(['events', '--keep-updated', '--backfill-days', '1'], clock, '2026-11-29T00:00:00Z');
		expect(result.code).toBe(77);
		expect(calls).toHaveLength(1);
		expect(clock.sleeps).toEqual([]);
		expect(result.stderr).toContain('events stopped: this failure needs attention');
	});

	it('a SIGTERM during a run ends it by the run\'s rules: exit 143, the cursor at the last durable window', async () => {
		const clock = new FakeClock(Date.parse('2026-11-28T10:50:00Z'));
		const controller = new AbortController();
		server.use(
			exportApi({
				answer: (_c, i) => {
					if (i === 1) controller.abort(new AmpImportError('interrupted', 'interrupted by SIGTERM', { exitCode: 143 }));
					return undefined;
				},
			}),
		);
		const result = await loop(['events', '--keep-updated', '--backfill-days', '2', '--window-hours', '24', '-o', 'ev-{start}-{end}.ndjson'], clock, '2026-12-01T00:00:00Z', {
			signal: controller,
		});
		expect(result.code).toBe(143);
		expect(eventsCursor()).toBe('2026-11-27T07'); // the first window of the first run only
		expect(clock.sleeps).toEqual([]);
	});

	it('stops when the reader of stdout goes away, instead of running on for no one', async () => {
		const { Writable } = await import('node:stream');
		let writes = 0;
		const stdout = new Writable({
			write(_chunk, _enc, cb) {
				if (++writes === 1) return cb();
				cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
			},
		});
		stdout.on('error', () => undefined);
		server.use(exportApi({ eventsPerHour: 2 }));
		const clock = new FakeClock(Date.parse('2026-11-28T10:50:00Z'));
		const result = await runCli(['events', '--keep-updated', '--backfill-days', '3'], { env, cwd: home.path, clock, stdout, hooks });
		expect(result.code).toBe(0);
		expect(result.stderr).toContain('output closed by the reader; stopped');
		expect(clock.sleeps).toEqual([]);
	});

	it('refuses a fixed output file, which each run would overwrite (exit 78)', async () => {
		const result = await loop(['events', '--keep-updated', '-o', 'events.ndjson'], new FakeClock(0), '2026-01-01T00:00:00Z');
		expect(result.code).toBe(78);
		expect(result.stderr).toContain('amplitude-events-{start}-{end}.ndjson.gz');
	});

	it('refuses --start/--end and --dry-run (usage, 64)', async () => {
		expect((await loop(['events', '--keep-updated', '--start', '2026-10-01'], new FakeClock(0), '2026-01-01T00:00:00Z')).code).toBe(64);
		expect((await loop(['events', '--keep-updated', '--dry-run'], new FakeClock(0), '2026-01-01T00:00:00Z')).code).toBe(64);
	});
});

describe('cohorts --keep-updated', () => {
	it('imports now, then daily at cohorts.timeOfDay in cohorts.timezone, across the spring-forward night', async () => {
		const log: CohortsLog = { requests: [], polls: [], files: [], s3: [] };
		const clock = new FakeClock(Date.parse('2026-03-27T12:00:00Z'));
		const at: string[] = [];
		const buyers: FakeCohort = { id: 'c1', name: 'Buyers', size: 1, lastComputed: 1_774_000_000_000, published: true, csv: csv(['amplitude_id', 'user_id'], [['1', 'u1']]) };
		// Amplitude recomputes the cohort before every run, so every run imports it.
		server.use(...cohortsApi([buyers], { log, onList: () => (at.push(iso(clock.time)), (buyers.lastComputed! += 3_600_000)) }));
		writeFileSync(join(home.path, '.amp-importrc.json'), JSON.stringify({ cohorts: { timeOfDay: '02:30', timezone: 'Europe/Berlin', output: 'cohorts-{start}.ndjson' } }));
		const result = await loop(['cohorts', '--keep-updated'], clock, '2026-03-30T12:00:00Z');
		expect(result.code).toBe(0);
		expect(at).toEqual([
			'2026-03-27T12:00:00.000Z', // now
			'2026-03-28T01:30:00.000Z', // 02:30 CET
			'2026-03-29T01:00:00.000Z', // 02:30 does not exist: 03:00 CEST, when the clocks jump
			'2026-03-30T00:30:00.000Z', // 02:30 CEST
		]);
		expect(log.requests).toHaveLength(4);
		expect(readdirSync(home.path).filter((f) => f.startsWith('cohorts-'))).toHaveLength(4);
	});
});

describe('schedule', () => {
	it('prints crontab lines (CRON_TZ only for a job in another zone) and systemd units, all by absolute path', async () => {
		writeFileSync(join(home.path, '.amp-importrc.json'), JSON.stringify({ cohorts: { timeOfDay: '02:30', timezone: 'America/New_York' }, events: { minuteOfHour: 5, output: 'out/ev-{start}-{end}.ndjson.gz' } }));
		const result = await runCli(['--auth', 'prod', 'schedule', '--command', '/opt/amp import/bin/amp-import'], { env, cwd: home.path });
		expect(result.code).toBe(0);
		const config = join(home.path, '.amp-importrc.json');
		const log = join(home.path, 'state', 'amp-import');
		const cron = result.stdout.split('\n').filter((l) => l && !l.startsWith('#'));
		expect(cron.slice(0, 3)).toEqual([
			`5 * * * * cd ${home.path} && mkdir -p ${log} && AMP_IMPORT_HOME=${home.path}/config '/opt/amp import/bin/amp-import' --config ${config} --auth prod events --state-dir ${log} 2>> ${log}/events.log`,
			'CRON_TZ=America/New_York',
			`30 2 * * * cd ${home.path} && mkdir -p ${log} && AMP_IMPORT_HOME=${home.path}/config '/opt/amp import/bin/amp-import' --config ${config} --auth prod cohorts --state-dir ${log} -o 'amplitude-cohorts-{time}.ndjson.gz' 2>> ${log}/cohorts.log`,
		]);
		expect(result.stdout).toContain('# System zone: Asia/Kolkata.');
		expect(result.stdout).toContain(`Environment=AMP_IMPORT_HOME=${home.path}/config\n`);
		expect(result.stdout).toContain(`ExecStart="/opt/amp import/bin/amp-import" --config ${config} --auth prod cohorts --state-dir ${log} -o "amplitude-cohorts-{time}.ndjson.gz"`);
		expect(result.stdout).toContain('OnCalendar=*-*-* 02:30:00 America/New_York');
		expect(result.stdout).toContain('OnCalendar=*-*-* *:05:00');
		expect(result.stdout).toContain('systemctl --user enable --now amp-import-events.timer amp-import-cohorts.timer');
	});

	it('runs this node by path with amp-import\'s V8 flags by default (cron\'s PATH may not find node)', async () => {
		const result = await runCli(['schedule', '--job', 'events', '--format', 'systemd'], { env, cwd: home.path });
		expect(result.code).toBe(0);
		const bin = fileURLToPath(new URL('../../bin/amp-import.js', import.meta.url));
		expect(result.stdout).toContain(`ExecStart=${process.execPath} ${nodeFlags.join(' ')} ${bin} events `);
	});

	it('escapes % in crontab commands (cron would cut the command there)', async () => {
		writeFileSync(join(home.path, '.amp-importrc.json'), JSON.stringify({ events: { output: 'out/ev-%-{start}.ndjson' } }));
		const result = await runCli(['schedule', '--job', 'events', '--format', 'cron', '--command', '/opt/100%/amp-import'], { env, cwd: home.path });
		expect(result.stdout).toContain(' /opt/100\\%/amp-import --config ');
		expect(result.stdout.split('\n').filter((l) => /^\d/.test(l)).join('')).not.toMatch(/[^\\]%/);
	});

	it('prints no CRON_TZ when the job is in the system zone, and warns of a fixed output name', async () => {
		writeFileSync(join(home.path, '.amp-importrc.json'), JSON.stringify({ cohorts: { timeOfDay: '06:00', output: 'cohorts.ndjson' } }));
		const result = await runCli(['schedule', '--job', 'cohorts', '--format', 'cron', '--command', 'amp-import'], { env, cwd: home.path });
		expect(result.code).toBe(0);
		expect(result.stdout).not.toContain('CRON_TZ=');
		expect(result.stdout).toMatch(/^0 6 \* \* \* .* cohorts --state-dir \S+ 2>> /m);
		expect(result.stdout).not.toContain('[Timer]');
		expect(result.stderr).toContain('cohorts.output "cohorts.ndjson" names no run apart');
	});
});

describe('status', () => {
	it('shows, per job, the last success, the cursor, pending requests, a live run and the next run in zone and UTC', async () => {
		const { projectKey } = await import('../../src/state/project-key.js');
		const { mkdirSync } = await import('node:fs');
		const key = projectKey('keep-updated-key', 'us');
		mkdirSync(stateDir(), { recursive: true });
		writeFileSync(join(stateDir(), `events-${key}.json`), JSON.stringify({ version: 1, job: 'events', region: 'us', cursor: '2026-11-28T07', updatedAt: '2026-11-28T10:45:12.000Z' }));
		writeFileSync(
			join(stateDir(), `cohorts-${key}.json`),
			JSON.stringify({
				version: 1,
				job: 'cohorts',
				region: 'us',
				cohorts: {
					c1: { name: 'Buyers', lastComputed: 1_764_300_000_000, importedAt: '2026-11-28T05:00:03.000Z', members: 1200 },
					c2: { name: 'Churned', pending: { requestId: 'req-9', requestedAt: '2026-11-28T05:00:01.000Z' } },
				},
			}),
		);
		writeFileSync(join(stateDir(), `cohorts-${key}.lock`), JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), startedAt: '2026-11-28T10:59:00.000Z', command: 'cohorts' }));
		writeFileSync(join(home.path, '.amp-importrc.json'), JSON.stringify({ cohorts: { timeOfDay: '06:00', timezone: 'Europe/Berlin' } }));
		const now = new Date('2026-11-28T11:00:00Z');
		const text = await runCli(['status'], { env, cwd: home.path, now });
		expect(text.code).toBe(0);
		expect(text.stdout).toContain('cursor        2026-11-28T07 (next export starts at 2026-11-28T08)');
		expect(text.stdout).toContain('next run      2026-11-28 17:15 GMT+5:30 (Asia/Kolkata) = 2026-11-28T11:45:00.000Z');
		expect(text.stdout).toContain('c2 "Churned": request req-9 since 2026-11-28T05:00:01.000Z');
		expect(text.stdout).toContain('next run      2026-11-29 06:00 GMT+1 (Europe/Berlin) = 2026-11-29T05:00:00.000Z');
		expect(text.stdout).toContain(`running       pid ${process.pid}`);
		const json = await runCli(['status', '--json'], { env, cwd: home.path, now });
		const parsed = JSON.parse(json.stdout) as { jobs: { job: string; lastSuccess?: string; pending?: unknown[]; nextRun: { utc: string } }[] };
		expect(parsed.jobs.map((j) => [j.job, j.lastSuccess, j.nextRun.utc])).toEqual([
			['events', '2026-11-28T10:45:12.000Z', '2026-11-28T11:45:00.000Z'],
			['cohorts', '2026-11-28T05:00:03.000Z', '2026-11-29T05:00:00.000Z'],
		]);
		expect(parsed.jobs[1]!.pending).toEqual([{ cohortId: 'c2', name: 'Churned', requestId: 'req-9', requestedAt: '2026-11-28T05:00:01.000Z' }]);
		expect(json.stdout + text.stdout + text.stderr).not.toContain(SECRET);
	});

	it('reports a job that never ran as such', async () => {
		const result = await runCli(['status', '--job', 'events'], { env, cwd: home.path, now: new Date('2026-11-28T11:00:00Z') });
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('last success  never');
		expect(result.stdout).toContain('none (the first run backfills)');
		expect(result.stdout).not.toContain('cohorts');
	});
});
