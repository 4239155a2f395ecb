import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { HttpResponse } from 'msw';
import { useMsw } from '../helpers/msw.js';
import { body, exportApi, parseExportHour, type ExportCall } from '../helpers/fake-export.js';
import { cohortsApi, csv, type FakeCohort } from '../helpers/fake-cohorts.js';
import { buildZip } from '../../scripts/synthetic-export.js';
import { isolatedEnv, runCli, tempDir, type RunOptions } from '../helpers/run.js';

/* The delivery contract, case by case: what users saw lose or duplicate data, each now refused or kept exact. */

const server = useMsw();
const now = new Date('2026-11-28T10:41:07Z');
let home: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
let out: string;
beforeEach(() => {
	home = tempDir();
	out = join(home.path, 'out');
	mkdirSync(out);
	env = isolatedEnv(home.path, { AMPLITUDE_API_KEY: 'contract-api-key', AMPLITUDE_SECRET_KEY: 'contract-secret-key' });
});
afterEach(() => home.cleanup());

const fast = { retry: { retries: 0, baseMs: 1, maxDelayMs: 5 }, pollMs: 5 };
const cli = (args: string[], options: RunOptions = {}) => runCli(args, { env, now, hooks: fast, ...options });
const lines = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const stateDir = () => join(home.path, 'state', 'amp-import');
const cursor = () => {
	const file = existsSync(stateDir()) ? readdirSync(stateDir()).find((f) => /^events-.*\.json$/.test(f)) : undefined;
	return file && (JSON.parse(readFileSync(join(stateDir(), file), 'utf8')) as { cursor: string }).cursor;
};
const zipOf = (events: object[]) => buildZip([{ name: '187520/187520_2026-10-01_0#70.json.gz', ndjson: `${events.map((e) => JSON.stringify(e)).join('\n')}\n` }]);
const zipResponse = (zip: Buffer) => HttpResponse.arrayBuffer(body(zip), { headers: { 'content-type': 'application/zip' } });

describe('1. a published file is never overwritten, and a failed run publishes nothing', () => {
	it('a run whose second window fails leaves no file and the cursor as it was; the rerun writes every window', async () => {
		let calls = 0;
		server.use(exportApi({ answer: () => (calls++ === 1 ? new HttpResponse('Raw data files were too large to export', { status: 400 }) : undefined) }));
		const failed = await cli(['events', '--backfill-days', '2', '--window-hours', '1', '-o', join(out, 'events.ndjson')]);
		expect(failed.code).toBe(69);
		expect(readdirSync(out)).toEqual([]);
		expect(cursor()).toBeUndefined();
		server.use(exportApi({}));
		const rerun = await cli(['events', '--backfill-days', '2', '-o', join(out, 'events.ndjson')]);
		expect(rerun.code).toBe(0);
		expect(lines(readFileSync(join(out, 'events.ndjson'), 'utf8'))).toHaveLength(48 * 4);
	});

	it('a later stateful run refuses to replace the file (73, before any request) unless --overwrite', async () => {
		const calls: ExportCall[] = [];
		server.use(exportApi({ calls }));
		expect((await cli(['events', '--backfill-days', '1', '-o', join(out, 'events.ndjson')])).code).toBe(0);
		const before = readFileSync(join(out, 'events.ndjson'));
		calls.length = 0;
		const again = await cli(['events', '-o', join(out, 'events.ndjson')], { now: new Date('2026-11-28T13:00:00Z') });
		expect(again.code).toBe(73);
		expect(again.stderr).toContain('already exists');
		expect(again.stderr).toContain('{start}-{end}');
		expect(calls).toEqual([]);
		expect(readFileSync(join(out, 'events.ndjson')).equals(before)).toBe(true);
		const replaced = await cli(['events', '--overwrite', '-o', join(out, 'events.ndjson')], { now: new Date('2026-11-28T13:00:00Z') });
		expect(replaced.code).toBe(0);
		expect(lines(readFileSync(join(out, 'events.ndjson'), 'utf8'))).toHaveLength(3 * 4); // 08, 09 and 10
		expect(cursor()).toBe('2026-11-28T10');
	});

	it('cohorts with {date} twice in a day: the second run is refused and the first file kept; {time} names runs apart', async () => {
		const header = ['amplitude_id', 'user_id'];
		const cohort = (id: string, name: string, n: number): FakeCohort => ({ id, name, size: n, lastComputed: 1679440233, csv: csv(header, Array.from({ length: n }, (_, i) => [String(100 + i), `u${i}`])) });
		server.use(...cohortsApi([cohort('big', 'Big', 190), cohort('small', 'Small', 12)]));
		expect((await cli(['cohorts', '--cohort', 'big', '-o', join(out, 'cohorts-{date}.ndjson')])).code).toBe(0);
		const second = await cli(['cohorts', '--cohort', 'small', '-o', join(out, 'cohorts-{date}.ndjson')]);
		expect(second.code).toBe(73);
		expect(second.stderr).toContain('{time}');
		expect(lines(readFileSync(join(out, 'cohorts-2026-11-28.ndjson'), 'utf8'))).toHaveLength(190);
		const named = await cli(['cohorts', '--cohort', 'small', '-o', join(out, 'cohorts-{time}.ndjson')]);
		expect(named.code).toBe(0);
		expect(readdirSync(out).sort()).toEqual(['cohorts-2026-11-28.ndjson', 'cohorts-20261128T104107.ndjson']);
	});

	it('a failed cohorts run publishes none of its cohorts and records none as imported', async () => {
		const header = ['amplitude_id', 'user_id'];
		const good: FakeCohort = { id: 'a', name: 'A', size: 2, lastComputed: 1, csv: csv(header, [['1', 'u1'], ['2', 'u2']]) };
		const bad: FakeCohort = { id: 'b', name: 'B', size: 1, lastComputed: 1, csv: '"user_id"\n"x"\n' };
		server.use(...cohortsApi([good, bad]));
		const failed = await cli(['cohorts', '-o', join(out, 'c.ndjson')]);
		expect(failed.code).toBe(65);
		expect(readdirSync(out)).toEqual([]);
		const state = JSON.parse(readFileSync(join(stateDir(), readdirSync(stateDir()).find((f) => /^cohorts-.*\.json$/.test(f))!), 'utf8'));
		expect(state.cohorts.a?.importedAt).toBeUndefined();
	});
});

describe('1b. a pipe or a device named with -o is written, never replaced', () => {
	it('a FIFO stays a FIFO and its reader gets every window; a second run writes to it again', async () => {
		server.use(exportApi({}));
		const fifo = join(out, 'events.fifo');
		execFileSync('mkfifo', [fifo]);
		for (const args of [['--backfill-days', '1'], ['--start', '2026-11-26', '--end', '2026-11-26']]) {
			const reader = new Promise<string>((resolve, reject) => {
				const chunks: Buffer[] = [];
				createReadStream(fifo).on('data', (c) => chunks.push(c as Buffer)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', reject);
			});
			const result = await cli(['events', ...args, '-o', fifo]);
			expect(result.code).toBe(0);
			expect(lines(await reader)).toHaveLength(24 * 4);
			expect(statSync(fifo).isFIFO()).toBe(true);
		}
		expect(readdirSync(out)).toEqual(['events.fifo']);
	});
});

describe('2. the cursor never passes the newest exportable hour', () => {
	it('a future --end exports up to the newest hour, records that, and the next run continues from it', async () => {
		const calls: ExportCall[] = [];
		server.use(exportApi({ calls }));
		const run = await cli(['events', '--start', '2026-11-27T00', '--end', '2027-06-30', '--state-dir', stateDir()]);
		expect(run.code).toBe(0);
		expect(run.stderr).toContain('not exportable yet');
		expect(cursor()).toBe('2026-11-28T07');
		calls.length = 0;
		const later = await cli(['events', '--state-dir', stateDir()], { now: new Date('2026-11-28T12:05:00Z') });
		expect(later.code).toBe(0);
		expect(calls).toEqual([{ start: '20261128T08', end: '20261128T09' }]);
	});
});

describe('4. numbers keep their exact text', () => {
	const event = {
		uuid: 'a1b2c3d4-0000-4000-8000-000000000001',
		event_type: 'buy',
		amplitude_id: 12345678901234567890,
		user_id: 'u1',
		server_upload_time: '2026-10-01 00:10:00.000000',
		event_time: '2026-10-01 00:09:00.000000',
		event_properties: { big: 12345678901234567890, odd: 9007199254740993, huge: 1e400, tiny: 1e-400, price: 1.5 },
		groups: { list: [{ id: 9007199254740993 }] },
	};
	// JSON.stringify cannot write these: the line is written by hand, as Amplitude's own writer would.
	const text = JSON.stringify(event)
		.replace('"amplitude_id":12345678901234567000', '"amplitude_id":12345678901234567890')
		.replace('"big":12345678901234567000', '"big":12345678901234567890')
		.replace('"odd":9007199254740992', '"odd":9007199254740993')
		.replace('"huge":null', '"huge":1e400')
		.replace('"tiny":0', '"tiny":1e-400')
		.replace('"price":1.5', '"price":1.50')
		.replace('{"id":9007199254740992}', '{"id":9007199254740993}');
	const zip = () => buildZip([{ name: '187520/187520_2026-10-01_0#70.json.gz', ndjson: `${text}\n` }]);

	it('in mapped property maps and identity fields, none counted as a bad value', async () => {
		expect(text).toContain('1e-400');
		const z = await zip();
		server.use(exportApi({ answer: () => zipResponse(z) }));
		const result = await cli(['events', '--start', '2026-10-01T00', '--end', '2026-10-01T00']);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('"amplitude_id":"12345678901234567890"');
		expect(result.stdout).toContain('"amplitude_event_properties":{"big":"12345678901234567890","odd":"9007199254740993","huge":"1e400","tiny":"1e-400","price":"1.50"}');
		expect(result.stderr).not.toContain('could not be converted');
	});

	it('in raw events, also those the raw shape repairs', async () => {
		const z = await zip();
		server.use(exportApi({ answer: () => zipResponse(z) }));
		const result = await cli(['events', '--start', '2026-10-01T00', '--end', '2026-10-01T00', '--raw']);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('"amplitude_id":12345678901234567890');
		expect(result.stdout).toContain('"huge":1e400,"tiny":1e-400,"price":1.50');
		expect(result.stdout).toContain('"list":"[{\\"id\\":9007199254740993}]"');
	});

	it('cohort members with an amplitude_id past 2^53 are kept, exact, and told apart', async () => {
		const header = ['amplitude_id', 'user_id'];
		const ids = ['9007199254740993', '9007199254740992', '12345678901234567'];
		server.use(...cohortsApi([{ id: 'c', name: 'C', size: 3, lastComputed: 1, csv: csv(header, ids.map((id, i) => [id, `u${i}`])) }]));
		const result = await cli(['cohorts']);
		expect(result.code).toBe(0);
		expect(lines(result.stdout).map((r) => r.amplitude_id)).toEqual(ids);
		expect(result.stderr).not.toContain('not an integer');
	});
});

describe('8. bad output names are refused before any request', () => {
	it.each([
		['an unknown placeholder', 'ev-{foo}.ndjson', 64, 'unknown placeholder {foo}'],
		['a folder', '.', 73, 'is a folder'],
		['a name ending in /', 'newdir/', 73, 'names a folder'],
		['a missing folder', 'nope/ev.ndjson', 73, 'no such file or directory'],
		['a file as a folder', 'file.txt/ev.ndjson', 73, 'not a folder'],
	])('%s (-o %s): exit %d', async (_what, output, code, says) => {
		writeFileSync(join(out, 'file.txt'), 'x');
		const calls: ExportCall[] = [];
		server.use(exportApi({ calls }));
		const result = await cli(['events', '--backfill-days', '1', '-o', output], { cwd: out });
		expect([result.code, result.stderr]).toEqual([code, expect.stringContaining(says)]);
		expect(calls).toEqual([]);
		expect(readdirSync(out)).toEqual(['file.txt']);
	});
});

describe('9. exit codes by cause', () => {
	it('a bad flag value is a usage error on one line (64)', async () => {
		for (const args of [['events', '--window-hours', '0'], ['cohorts', '--concurrency', '99']]) {
			const result = await cli(args);
			expect(result.code).toBe(64);
			expect(result.stderr.trim().split('\n')[0]).toMatch(/^(\S+Z )?error ERR_AMP_USAGE .*(--window-hours|--concurrency)/);
		}
	});

	it('a state file that cannot be read is missing input (66), a state folder that cannot be made cannot be created (73)', async () => {
		server.use(exportApi({}));
		mkdirSync(join(stateDir(), `events-${(await import('../../src/state/project-key.js')).projectKey('contract-api-key', 'us')}.json`), { recursive: true });
		expect((await cli(['events'])).code).toBe(66);
		writeFileSync(join(home.path, 'not-a-dir'), 'x');
		expect((await cli(['events', '--state-dir', join(home.path, 'not-a-dir', 'state')])).code).toBe(73);
	});
});

describe('10. a member the file lists twice is written once', () => {
	it('one record per member, and one leaver record when that member leaves', async () => {
		const header = ['amplitude_id', 'user_id'];
		let rows = [['1', 'u1'], ['2', 'u2'], ['1', 'u1'], ['3', 'u3'], ['2', 'u2']];
		const cohort = (): FakeCohort => ({ id: 'c', name: 'C', size: rows.length, lastComputed: rows.length, csv: csv(header, rows) });
		const list = [cohort()];
		server.use(...cohortsApi(list, { onList: () => (list[0] = cohort()) }));
		const first = await cli(['cohorts']);
		expect(first.code).toBe(0);
		expect(lines(first.stdout).map((r) => r.amplitude_id)).toEqual(['1', '2', '3']);
		expect(first.stderr).toContain('repeat a member');
		rows = [['3', 'u3']];
		const second = await cli(['cohorts']);
		expect(second.code).toBe(0);
		const leavers = lines(second.stdout).filter((r) => (r.amplitude_cohort_ids as Record<string, boolean>).c === false);
		expect(leavers.map((r) => r.amplitude_id).sort()).toEqual(['1', '2']);
	});
});

describe('11. a long backfill adds no abort listener per window', () => {
	it('90 windows, no MaxListenersExceededWarning', async () => {
		const warnings: string[] = [];
		const onWarning = (w: Error) => warnings.push(w.name);
		process.on('warning', onWarning);
		try {
			server.use(exportApi({ answer: () => new HttpResponse('', { status: 404 }) }));
			const result = await cli(['events', '--backfill-days', '90']);
			expect(result.code).toBe(0);
			await new Promise((r) => setTimeout(r, 50));
		} finally {
			process.off('warning', onWarning);
		}
		expect(warnings).not.toContain('MaxListenersExceededWarning');
	});
});

describe('12. status shows a cohort computed in epoch seconds as its date', () => {
	it('not 1970', async () => {
		server.use(...cohortsApi([{ id: 'c', name: 'C', size: 1, lastComputed: 1679440233, csv: csv(['amplitude_id', 'user_id'], [['1', 'u']]) }]));
		expect((await cli(['cohorts'])).code).toBe(0);
		const status = await cli(['status', '--job', 'cohorts']);
		expect(status.stdout).toContain('computed 2023-03-21T23:10:33.000Z');
	});
});

describe('13. a 400 from the Export API says which it was, quoting Amplitude', () => {
	it('a size message splits the window; any other message is the request refused (64), quoted', async () => {
		const calls: ExportCall[] = [];
		server.use(exportApi({ calls, answer: (c) => (parseExportHour(c.end) - parseExportHour(c.start) > 3_600_000 * 11 ? new HttpResponse('Raw data files were too large (exceeds 4GB)', { status: 400 }) : undefined) }));
		const split = await cli(['events', '--start', '2026-10-01T00', '--end', '2026-10-01T23']);
		expect(split.code).toBe(0);
		expect(split.stderr).toContain('exceeds 4GB');
		expect(calls.length).toBe(3);
		server.use(exportApi({ answer: () => new HttpResponse('Invalid time range: start must not be more than 365 days before end', { status: 400 }) }));
		const refused = await cli(['events', '--start', '2026-10-01T00', '--end', '2026-10-01T23']);
		expect(refused.code).toBe(64);
		expect(refused.stderr).toContain('not about its size');
		expect(refused.stderr).toContain('Invalid time range');
	});
});

describe('6. a lock whose holder is dead is taken over, wherever it ran', () => {
	it('a lock left by PID 1 of a container, or another host, stops no run once stale; a fresh one turns the run away (75)', async () => {
		const { projectKey } = await import('../../src/state/project-key.js');
		const { lockStaleMs } = await import('../../src/state/lock.js');
		const { statSync, utimesSync } = await import('node:fs');
		server.use(exportApi({}));
		const lock = join(stateDir(), `events-${projectKey('contract-api-key', 'us')}.lock`);
		const leave = (ageMs: number, owner: object) => {
			mkdirSync(lock, { recursive: true });
			writeFileSync(`${lock}.owner.json`, JSON.stringify({ startedAt: 'then', command: 'events', lockIno: statSync(lock).ino, ...owner }));
			const then = new Date(Date.now() - ageMs);
			utimesSync(lock, then, then);
		};
		leave(1_000, { pid: 1, host: 'container-a1b2', pidNamespace: 'pid:[4026532999]' });
		expect((await cli(['events', '--backfill-days', '1'])).code).toBe(75);
		leave(lockStaleMs + 60_000, { pid: 1, host: 'container-a1b2', pidNamespace: 'pid:[4026532999]' });
		const taken = await cli(['events', '--backfill-days', '1']);
		expect(taken.code).toBe(0);
		expect(existsSync(lock)).toBe(false);
		expect(cursor()).toBe('2026-11-28T07');
	});
});
