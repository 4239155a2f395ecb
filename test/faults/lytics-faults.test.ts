import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeAmplitude, uuidsForHours, type FakeAmplitude } from '../helpers/fake-amplitude-server.js';
import { startFakeLytics, type FakeLytics } from '../helpers/fake-lytics.js';
import { spawnCli, type Fault } from '../helpers/spawn-cli.js';
import { isolatedEnv, tempDir } from '../helpers/run.js';

/*
kill -9 of the real process at each batch sent to Lytics and at each step of a window's commit, then a rerun;
the fake Lytics' log against ground truth: every event exactly once, except the one case no client can settle (a
batch Lytics stored whose answer never arrived), which repeats that batch alone and says so.
*/

const perHour = 4;
let amplitude: FakeAmplitude;
let lytics: FakeLytics;
let home: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;

beforeAll(async () => {
	amplitude = await startFakeAmplitude({ eventsPerHour: perHour });
});
afterAll(() => amplitude.close());
beforeEach(async () => {
	lytics = await startFakeLytics();
	home = tempDir();
	mkdirSync(join(home.path, 'tmp'));
	env = isolatedEnv(home.path, {
		AMPLITUDE_API_KEY: 'lytics-fault-key',
		AMPLITUDE_SECRET_KEY: 'lytics-fault-secret',
		AMPLITUDE_BASE_URL: amplitude.url,
		LYTICS_API_TOKEN: lytics.token,
		LYTICS_ENDPOINT: lytics.url,
		TMPDIR: join(home.path, 'tmp'),
	});
	// Two days in 12-hour windows, batches of about 8 records: several batches a window, several windows.
	writeFileSync(join(home.path, '.amp-importrc.json'), JSON.stringify({ events: { windowHours: 12 }, lytics: { batchBytes: 12_000 } }));
});
afterEach(async () => {
	await lytics.close();
	home.cleanup();
});

const run = (fault?: Fault, onSpawn?: (pid: number) => void) => spawnCli(['events', '--raw', '--backfill-days', '2', '-o', 'lytics:'], { env, fault, onSpawn, cwd: home.path });
const stored = () => lytics.stored('amplitude_events').map((r) => r.uuid as string);
const firstHour = (stderr: string) => Date.parse(`${/exporting events (\d{4}-\d{2}-\d{2}T\d{2})/.exec(stderr)![1]}:00:00Z`);
const truth = (first: number) => uuidsForHours(first, first + 47 * 3_600_000, perHour);
const leftovers = () => [...readdirSync(join(home.path, 'tmp'))];

describe('events into Lytics: kill -9 at a batch, then a rerun', () => {
	it.each([2, 5, 9])('killed while batch %i is on the wire (not stored): the rerun sends exactly the rest', async (at) => {
		let pid = 0;
		lytics.fault = ({ n }) => {
			if (n === at) process.kill(pid, 'SIGKILL');
			return n === at ? 'cut-before-store' : undefined;
		};
		const killed = await run(undefined, (p) => (pid = p));
		expect(killed.signal).toBe('SIGKILL');
		lytics.fault = undefined;
		const rerun = await run();
		expect(rerun.code).toBe(0);
		expect(stored()).toEqual(truth(firstHour(killed.stderr)));
		expect(rerun.stderr).toContain('possibly duplicated');
		expect(leftovers()).toEqual([]);
	}, 60_000);

	it('killed after Lytics stored batch 4 but before it answered: only that batch repeats, counted', async () => {
		let pid = 0;
		lytics.fault = ({ n }) => {
			if (n !== 4) return undefined;
			setTimeout(() => process.kill(pid, 'SIGKILL'), 0);
			return 'cut-after-store';
		};
		const killed = await run(undefined, (p) => (pid = p));
		const fourth = lytics.requests[3]!.records.map((r) => r.uuid as string);
		lytics.fault = undefined;
		const rerun = await run();
		expect(rerun.code).toBe(0);
		const all = truth(firstHour(killed.stderr));
		expect(new Set(stored())).toEqual(new Set(all));
		expect(stored()).toHaveLength(all.length + fourth.length);
		expect(rerun.stderr).toContain(`${fourth.length} possibly duplicated`);
	}, 60_000);
});

describe('events into Lytics: a full disk where the delivery log is written', () => {
	it('exit 74 before the batch goes out; the rerun sends exactly what Lytics does not have', async () => {
		// The log is written before each batch and when a unit is complete: the third write is the one before the
		// second hour's batch.
		const failed = await run({ op: 'open', match: 'lytics-events-.*\\.tmp$', nth: 3, action: 'ENOSPC' });
		expect([failed.code, failed.stderr]).toEqual([74, expect.stringMatching(/ERR_AMP_IO .*ENOSPC/)]);
		expect(lytics.requests).toHaveLength(1);
		const rerun = await run();
		expect(rerun.code).toBe(0);
		expect(stored()).toEqual(truth(firstHour(failed.stderr)));
		expect(rerun.stderr).not.toContain('possibly duplicated');
	}, 60_000);
});

describe('events into Lytics: kill -9 at each step of a window\'s commit, then a rerun: every event exactly once', () => {
	const steps: Array<[string, Fault]> = [
		['recording a batch as sent (the delivery log)', { op: 'rename', match: 'lytics-events-.*\\.tmp$', nth: 3, action: 'kill' }],
		['writing the next state', { op: 'open', match: '\\.json\\.next$', action: 'kill' }],
		['deciding the commit (before)', { op: 'rename', match: '\\.commit\\.next$', action: 'kill' }],
		['deciding the commit (after)', { op: 'rename', match: '\\.commit\\.next$', action: 'kill', when: 'after' }],
		['renaming the state into place', { op: 'rename', match: 'events-[^/]*\\.json\\.next$', action: 'kill' }],
		['recording the window as complete', { op: 'rename', match: 'lytics-events-.*\\.tmp$', nth: 6, action: 'kill' }],
	];
	it.each(steps)('%s', async (_step, fault) => {
		const killed = await run(fault);
		expect(killed.signal).toBe('SIGKILL');
		const rerun = await run();
		expect(rerun.code).toBe(0);
		const all = truth(firstHour(killed.stderr));
		const got = stored();
		// Any batch on the wire at the kill may repeat (and is counted); nothing is ever missing.
		expect(new Set(got)).toEqual(new Set(all));
		const repeated = got.length - all.length;
		if (repeated > 0) expect(rerun.stderr).toContain(`${repeated} possibly duplicated`);
		else expect(got).toEqual(all);
		const stateDir = join(home.path, 'state', 'amp-import');
		expect(existsSync(stateDir) ? readdirSync(stateDir).filter((f) => f.endsWith('.next') || f.endsWith('.commit') || f.endsWith('.tmp')) : []).toEqual([]);
		expect(JSON.parse(readFileSync(join(stateDir, readdirSync(stateDir).find((f) => /^events-.*\.json$/.test(f))!), 'utf8'))).toMatchObject({ cursor: expect.any(String) });
	}, 60_000);
});
