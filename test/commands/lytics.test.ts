import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeAmplitude, uuidsForHours, type FakeAmplitude } from '../helpers/fake-amplitude-server.js';
import { startFakeLytics, type FakeLytics } from '../helpers/fake-lytics.js';
import { zipForHours } from '../helpers/fake-export.js';
import { buildZip, syntheticEntries } from '../../scripts/synthetic-export.js';
import { isolatedEnv, runCli, tempDir, type RunOptions } from '../helpers/run.js';

/*
`-o lytics:` end to end: the real pipeline in-process against the fake Amplitude and the fake Lytics, both real
HTTP servers on 127.0.0.1; faults injected at each batch, then a rerun compared with the ground truth (the fake
Lytics' log holds each record exactly once).
*/

const now = new Date('2026-11-28T10:41:07Z');
const day = { first: Date.parse('2026-11-27T08:00:00Z'), last: Date.parse('2026-11-28T07:00:00Z') };
const perHour = 6;

let amplitude: FakeAmplitude;
let lytics: FakeLytics;
beforeAll(async () => {
	amplitude = await startFakeAmplitude({ eventsPerHour: perHour });
});
afterAll(() => amplitude.close());

let home: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
beforeEach(async () => {
	lytics = await startFakeLytics();
	home = tempDir();
	env = isolatedEnv(home.path, {
		AMPLITUDE_API_KEY: 'lytics-test-api-key',
		AMPLITUDE_SECRET_KEY: 'lytics-test-secret',
		AMPLITUDE_BASE_URL: amplitude.url,
		LYTICS_API_TOKEN: lytics.token,
		LYTICS_ENDPOINT: lytics.url,
	});
	amplitude.onExport = undefined;
});
afterEach(async () => {
	await lytics.close();
	home.cleanup();
});

const fast = { retry: { retries: 0, baseMs: 1, maxDelayMs: 5 }, pollMs: 1 };
const config = (value: object) => writeFileSync(join(home.path, '.amp-importrc.json'), JSON.stringify(value));
const cli = (args: string[], options: RunOptions = {}) => runCli(args, { env, now, cwd: home.path, hooks: fast, ...options });
/** Raw events carry their uuid: the ground truth is every uuid of the day, once. */
const rawDay = (extra: string[] = []) => cli(['events', '--raw', '--backfill-days', '1', '-o', 'lytics:', ...extra]);
const storedUuids = () => lytics.stored('amplitude_events').map((r) => r.uuid as string);
const truth = () => uuidsForHours(day.first, day.last, perHour);
const stateDir = () => join(home.path, 'state', 'amp-import');
const cursor = () => {
	const file = readdirSync(stateDir()).find((f) => /^events-.*\.json$/.test(f));
	return file && (JSON.parse(readFileSync(join(stateDir(), file), 'utf8')) as { cursor: string }).cursor;
};
const posts = () => lytics.requests.filter((r) => r.query.get('dryrun') !== 'true');

describe('events into Lytics', () => {
	it('delivers every event once, in batches under the limit, with the raw token, timestamp_field and filename', async () => {
		config({ lytics: { batchBytes: 20_000 } });
		const result = await rawDay();
		expect(result.code).toBe(0);
		expect(storedUuids()).toEqual(truth());
		expect(posts().length).toBeGreaterThan(3);
		for (const r of posts()) {
			expect(r.bytes).toBeLessThanOrEqual(20_000);
			expect(r.authorization).toBe(lytics.token);
			expect(r.query.get('timestamp_field')).toBe('event_time');
			// Each hour is a unit (sent and committed as soon as it is read).
			expect(r.query.get('filename')).toMatch(/^amplitude-events-(\d{8}T\d{2})-\1$/);
		}
		expect(cursor()).toBe('2026-11-28T07');
		expect(result.stderr).toMatch(/lytics {7}144 records to amplitude_events in \d+ batches/);
		expect(result.stderr).toContain('lytics said  144 messages, 0 rejected');
		expect(result.stdout).toBe('');
		expect(result.stderr).not.toContain(lytics.token);
	});

	it('mapped events use amplitude_event_time; lytics:<stream> names another stream', async () => {
		const result = await cli(['events', '--backfill-days', '1', '-o', 'lytics:my_events']);
		expect(result.code).toBe(0);
		expect(lytics.stored('my_events')).toHaveLength(144);
		expect(lytics.requests[0]!.query.get('timestamp_field')).toBe('amplitude_event_time');
		const status = await cli(['status', '--job', 'events']);
		expect(status.stdout).toMatch(/delivered +last run: 144 records to Lytics stream my_events in \d+ batches/);
	});

	it.each([
		['a 500 after retries', { status: 500 }],
		['a connection cut before Lytics stores the batch', 'cut-before-store' as const],
	])('%s at any batch: the rerun sends exactly the missing batches', async (_name, fault) => {
		config({ lytics: { batchBytes: 5_000 } });
		const clean = await rawDay();
		expect(clean.code).toBe(0);
		const batches = posts().length;
		let resumed = 0;
		// The first batches, some inside an hour and at its start, and the last: each failure point once.
		const points = [...new Set([1, 2, 3, 4, 5, Math.ceil(batches / 2), batches - 1, batches])];
		for (const failAt of points) {
			await lytics.close();
			lytics = await startFakeLytics(lytics.token);
			env = { ...env, LYTICS_ENDPOINT: lytics.url };
			const fresh = tempDir();
			env = { ...env, HOME: fresh.path, AMP_IMPORT_HOME: join(fresh.path, 'config'), XDG_STATE_HOME: join(fresh.path, 'state') };
			writeFileSync(join(fresh.path, '.amp-importrc.json'), JSON.stringify({ lytics: { batchBytes: 5_000 } }));
			lytics.fault = ({ n }) => (n === failAt ? fault : undefined);
			const failed = await runCli(['events', '--raw', '--backfill-days', '1', '-o', 'lytics:'], { env, now, cwd: fresh.path, hooks: fast });
			expect(failed.code).toBe(69);
			lytics.fault = undefined;
			const rerun = await runCli(['events', '--raw', '--backfill-days', '1', '-o', 'lytics:'], { env, now, cwd: fresh.path, hooks: fast });
			expect(rerun.code).toBe(0);
			expect(storedUuids()).toEqual(truth());
			if (/resuming after the \d+ batch\(es\) Lytics accepted before/.test(rerun.stderr)) resumed++;
			fresh.cleanup();
		}
		// Batches of an hour failed after its first: those reruns resumed inside the hour.
		expect(resumed).toBeGreaterThan(0);
	});

	it('a batch stored whose answer never came is sent once more and counted as possibly duplicated', async () => {
		config({ lytics: { batchBytes: 20_000 } });
		lytics.fault = ({ n }) => (n === 2 ? 'cut-after-store' : undefined);
		const failed = await rawDay();
		expect(failed.code).toBe(69);
		lytics.fault = undefined;
		const rerun = await rawDay();
		expect(rerun.code).toBe(0);
		const second = lytics.requests[1]!.records.map((r) => r.uuid);
		const stored = storedUuids();
		expect(new Set(stored)).toEqual(new Set(truth()));
		expect(stored.length).toBe(truth().length + second.length);
		expect(rerun.stderr).toContain(`duplicates   ${second.length} possibly duplicated`);
	});

	it('each hour is a unit as soon as the zip moves past it; an empty hour joins the next, the last hour read runs to the window end', async () => {
		const first = Date.parse('2026-11-27T08:00:00Z');
		amplitude.onExport = async (_call, response) => {
			const entries = [first, first + 2 * 3_600_000].flatMap((hour) => syntheticEntries({ seed: hour / 3_600_000, firstHourMs: hour, hours: 1, eventsPerHour: 3, partitions: 2 }));
			const zip = await buildZip(entries);
			response.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length });
			response.end(zip);
			return true;
		};
		const result = await rawDay();
		expect(result.code).toBe(0);
		expect([...new Set(posts().map((r) => r.query.get('filename')))]).toEqual(['amplitude-events-20261127T08-20261127T08', 'amplitude-events-20261127T09-20261128T07']);
		expect(cursor()).toBe('2026-11-28T07');
		expect(storedUuids()).toHaveLength(6);
	});

	it('429 and 5xx are retried with backoff; the summary counts the retries', async () => {
		lytics.fault = ({ n }) => (n === 1 ? { status: 429 } : n === 2 ? { status: 503 } : undefined);
		const result = await cli(['events', '--raw', '--backfill-days', '1', '-o', 'lytics:'], { hooks: { retry: { retries: 3, baseMs: 1, maxDelayMs: 5 } } });
		expect(result.code).toBe(0);
		expect(storedUuids()).toEqual(truth());
		expect(result.stderr).toMatch(/HTTP 429; retry 1 of 3/);
		expect(result.stderr).toMatch(/\(2 retries\)/);
	});

	it('an expired token exits 77 naming the Lytics token; nothing moves', async () => {
		const result = await cli(['events', '--backfill-days', '1', '-o', 'lytics:'], { env: { ...env, LYTICS_API_TOKEN: 'expired' } });
		expect(result.code).toBe(77);
		expect(result.stderr).toContain('Lytics refused the API token (HTTP 401 from 127.0.0.1');
		expect(result.stderr).toContain('"Expired Token"');
		expect(lytics.stored('amplitude_events')).toEqual([]);
		expect(cursor()).toBeUndefined();
	});

	it('refused records are found by splitting the batch, written with the reason, and the rest delivered (exit 65)', async () => {
		const refusedUuids = new Set(truth().filter((_, i) => i % 37 === 5));
		lytics.refuse = (record) => (refusedUuids.has(record.uuid as string) ? 'field "event_type" is invalid' : undefined);
		const result = await rawDay();
		expect(result.code).toBe(65);
		expect(new Set(storedUuids())).toEqual(new Set(truth().filter((u) => !refusedUuids.has(u))));
		expect(storedUuids()).toHaveLength(truth().length - refusedUuids.size);
		const rejectsDir = join(stateDir(), 'rejects');
		const [file] = readdirSync(rejectsDir);
		const lines = readFileSync(join(rejectsDir, file!), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { unit: string; status: number; message: string; record: { uuid: string } });
		expect(new Set(lines.map((l) => l.record.uuid))).toEqual(refusedUuids);
		expect(lines[0]).toMatchObject({ unit: expect.stringMatching(/^amplitude-events-\d{8}T\d{2}-\d{8}T\d{2}$/), status: 400, message: 'field "event_type" is invalid' });
		expect(result.stderr).toContain(`error ERR_AMP_DATA Lytics refused ${refusedUuids.size} record(s); the rest was delivered`);
		expect(cursor()).toBe('2026-11-28T07');
		// The rerun has nothing to send: the window is committed.
		expect((await rawDay()).code).toBe(0);
		expect(storedUuids()).toHaveLength(truth().length - refusedUuids.size);
	});

	it('records Lytics counts as rejected in a 200 are located with dryrun=true and not sent twice', async () => {
		const dropped = new Set(truth().filter((_, i) => i % 41 === 3));
		lytics.drop = (record) => dropped.has(record.uuid as string);
		const result = await rawDay();
		expect(result.code).toBe(65);
		const sent = storedUuids();
		expect(sent).toEqual(truth().filter((u) => !dropped.has(u)));
		const located = lytics.requests.filter((r) => r.query.get('dryrun') === 'true');
		expect(located.length).toBeGreaterThan(0);
		const rejectsDir = join(stateDir(), 'rejects');
		const lines = readFileSync(join(rejectsDir, readdirSync(rejectsDir)[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { message: string; record: { uuid: string } });
		expect(new Set(lines.map((l) => l.record.uuid))).toEqual(dropped);
		expect(lines[0]!.message).toBe('counted in rejected_count by Lytics');
		expect(result.stderr).toContain(`lytics said  144 messages, ${dropped.size} rejected`);
	});

	it('a record over the record limit goes to the rejects file before it is sent', async () => {
		config({ lytics: { maxRecordBytes: 1200 } });
		const result = await rawDay();
		expect(result.code).toBe(65);
		const sent = storedUuids();
		const rejectsDir = join(stateDir(), 'rejects');
		const lines = readFileSync(join(rejectsDir, readdirSync(rejectsDir)[0]!), 'utf8').trim().split('\n');
		expect(lines.length).toBeGreaterThan(0);
		expect(lines.length + sent.length).toBe(truth().length);
		expect(lines[0]).toContain('over the 1200-byte record limit; not sent');
		for (const r of lytics.requests) for (const record of r.records) expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThanOrEqual(1200);
	});

	it('--dry-run sends with dryrun=true: Lytics stores nothing, the counts are printed, the cursor stays', async () => {
		const result = await cli(['events', '--backfill-days', '1', '-o', 'lytics:', '--dry-run']);
		expect(result.code).toBe(0);
		expect(lytics.requests.length).toBeGreaterThan(0);
		expect(lytics.requests.every((r) => r.query.get('dryrun') === 'true')).toBe(true);
		expect(lytics.stored('amplitude_events')).toEqual([]);
		expect(result.stderr).toContain('dry run (dryrun=true, nothing stored): 144 records');
		expect(existsSync(stateDir()) ? readdirSync(stateDir()).filter((f) => /^events-.*\.json$/.test(f)) : []).toEqual([]);
	});

	it('when the window\'s data changed after an interrupted run, the whole window is sent again and counted', async () => {
		config({ lytics: { batchBytes: 20_000 } });
		lytics.fault = ({ n }) => (n === 3 ? { status: 500 } : undefined);
		expect((await rawDay()).code).toBe(69);
		lytics.fault = undefined;
		amplitude.onExport = async (call, response) => {
			const zip = await zipForHours(day.first, day.last, perHour + 1);
			response.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length });
			response.end(zip);
			return true;
		};
		const rerun = await rawDay();
		expect(rerun.code).toBe(0);
		expect(rerun.stderr).toContain('its data changed since the interrupted run');
		expect(rerun.stderr).toMatch(/sent again \(the data changed/);
		const now = uuidsForHours(day.first, day.last, perHour + 1);
		expect(storedUuids().slice(-now.length)).toEqual(now);
	});
});

describe('cohorts into Lytics', () => {
	it('members, then leavers as false, each cohort committed with its member list', async () => {
		const members = ['1001', '1002', '1003'];
		amplitude.cohorts = [{ id: 'c1', name: 'Buyers', lastComputed: 1_700_000_000, csv: () => `amplitude_id,user_id\n${members.map((m) => `"${m}","u${m}"`).join('\n')}\n` }];
		const first = await cli(['cohorts', '-o', 'lytics:']);
		expect(first.code).toBe(0);
		expect(lytics.stored('amplitude_cohorts').map((r) => [r.amplitude_id, r.amplitude_cohort_ids])).toEqual(members.map((m) => [m, { c1: true }]));
		expect(lytics.requests[0]!.query.get('filename')).toBe('amplitude-cohort-c1');
		expect(lytics.requests[0]!.query.has('timestamp_field')).toBe(false);
		members.splice(1, 1);
		amplitude.cohorts[0]!.lastComputed = 1_700_086_400;
		const second = await cli(['cohorts', '-o', 'lytics:', '--changes-only']);
		expect(second.code).toBe(0);
		expect(lytics.stored('amplitude_cohorts').slice(3).map((r) => [r.amplitude_id, r.amplitude_cohort_ids])).toEqual([['1002', { c1: false }]]);
	});

	it('a failure mid-cohort: the rerun sends the rest of that cohort and nothing twice', async () => {
		const ids = Array.from({ length: 400 }, (_, i) => String(5000 + i));
		amplitude.cohorts = [
			{ id: 'c1', name: 'One', lastComputed: 1_700_000_000, csv: () => `amplitude_id,user_id\n${ids.slice(0, 200).map((m) => `"${m}","u${m}"`).join('\n')}\n` },
			{ id: 'c2', name: 'Two', lastComputed: 1_700_000_000, csv: () => `amplitude_id,user_id\n${ids.slice(200).map((m) => `"${m}","u${m}"`).join('\n')}\n` },
		];
		config({ lytics: { batchBytes: 4000 } });
		lytics.fault = ({ n }) => (n === 5 ? { status: 502 } : undefined);
		expect((await cli(['cohorts', '-o', 'lytics:'])).code).toBe(69);
		lytics.fault = undefined;
		const rerun = await cli(['cohorts', '-o', 'lytics:']);
		expect(rerun.code).toBe(0);
		expect(lytics.stored('amplitude_cohorts').map((r) => r.amplitude_id)).toEqual(ids);
	});
});

describe('Lytics tokens', () => {
	it('auth add --lytics checks the token with a dry run and stores it; auth test --lytics; auth list masks it', async () => {
		const bare = { ...env, LYTICS_API_TOKEN: undefined };
		const refused = await runCli(['auth', 'add', 'lx', '--lytics'], { env: bare, stdin: 'not-the-token\n', hooks: fast });
		expect(refused.code).toBe(77);
		expect(refused.stderr).toContain('not saved: ');
		const saved = await runCli(['auth', 'add', 'lx', '--lytics'], { env: bare, stdin: `${lytics.token}\n`, hooks: fast });
		expect(saved.code).toBe(0);
		expect(saved.stderr).toContain('checked: 127.0.0.1');
		expect(lytics.stored('amplitude_events')).toEqual([]);
		const tested = await runCli(['auth', 'test', '--lytics'], { env: bare, hooks: fast });
		expect(tested.stdout).toMatch(/^ok lx lytics host=127\.0\.0\.1:\d+ stream=amplitude_events\n$/);
		const listed = await runCli(['auth', 'list', '--json'], { env: bare });
		expect(listed.stdout).toContain('"for":"lytics"');
		expect(listed.stdout + listed.stderr + saved.stderr).not.toContain(lytics.token);
	});

	it('no token anywhere is a config error naming where it looked', async () => {
		const result = await cli(['events', '--backfill-days', '1', '-o', 'lytics:'], { env: { ...env, LYTICS_API_TOKEN: undefined } });
		expect(result.code).toBe(78);
		expect(result.stderr).toMatch(/no Lytics API token: none stored in \/.*credentials\.json, and LYTICS_API_TOKEN is not set/);
	});
});

describe('Lytics with the rest of the tool', () => {
	it('-v logs each batch request without the token; schedule and --keep-updated take a lytics: output', async () => {
		const verbose = await cli(['-v', 'events', '--backfill-days', '1', '-o', 'lytics:']);
		expect(verbose.code).toBe(0);
		expect(verbose.stderr).toMatch(/debug HTTP POST \/collect\/json\/amplitude_events 200 \d+ ms \d+ bytes/);
		expect(verbose.stderr).not.toContain(lytics.token);
		config({ events: { output: 'lytics:' }, cohorts: { output: 'lytics:' } });
		const schedule = await cli(['schedule', '--format', 'cron']);
		expect(schedule.code).toBe(0);
		const lines = schedule.stdout.split('\n').filter((l) => /^\d/.test(l));
		expect(lines).toHaveLength(2);
		for (const line of lines) expect(line).not.toContain(' -o ');
		expect(schedule.stderr).toContain('LYTICS_API_TOKEN is set in this shell only');
	});
});

describe('the demo into Lytics', () => {
	it('events --demo -o lytics: prints what the Lytics stand-in stored', async () => {
		const result = await runCli(['events', '--demo', '-o', 'lytics:'], { env: isolatedEnv(home.path) });
		expect(result.code).toBe(0);
		expect(result.stdout.trim().split('\n')).toHaveLength(12);
		expect(result.stderr).toContain('the Lytics stand-in stored 12 records in stream amplitude_events');
	});
});
