import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { HttpResponse } from 'msw';
import { useMsw } from '../helpers/msw.js';
import { body, exportApi, zipForHours, parseExportHour, type ExportCall } from '../helpers/fake-export.js';
import { buildZip, syntheticEntries } from '../../scripts/synthetic-export.js';
import { isolatedEnv, runCli, tempDir, type RunOptions } from '../helpers/run.js';

const server = useMsw();
const now = new Date('2026-11-28T10:41:07Z');
const SECRET = 'events-secret-key-123456';

let home: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
beforeEach(() => {
	home = tempDir();
	env = isolatedEnv(home.path, { AMPLITUDE_API_KEY: 'events-api-key', AMPLITUDE_SECRET_KEY: SECRET });
});
afterEach(() => home.cleanup());

const events = (args: string[], options: RunOptions = {}) => runCli(['events', ...args], { env, now, ...options });
const lines = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const stateDir = () => join(home.path, 'state', 'amp-import');
const readState = () => {
	const file = readdirSync(stateDir()).find((f) => f.endsWith('.json'));
	return file ? (JSON.parse(readFileSync(join(stateDir(), file), 'utf8')) as { cursor: string }) : undefined;
};
const zipResponse = (zip: Buffer) => HttpResponse.arrayBuffer(body(zip), { headers: { 'content-type': 'application/zip' } });

describe('events: explicit range', () => {
	it('streams the export zip into mapped NDJSON on stdout, and touches no state', async () => {
		const calls: ExportCall[] = [];
		server.use(exportApi({ calls }));
		const result = await events(['--start', '2026-10-01T00', '--end', '2026-10-01T02']);
		expect(result.code).toBe(0);
		expect(calls).toEqual([{ start: '20261001T00', end: '20261001T02' }]);
		const out = lines(result.stdout);
		expect(out).toHaveLength(12);
		for (const record of out) {
			expect(typeof record.amplitude_id).toBe('string');
			expect(record.amplitude_events).toEqual({ [String(Object.keys(record.amplitude_events as object)[0])]: 1 });
			expect(record.amplitude_server_upload_time).toMatch(/^2026-10-01T0[0-2]:\d{2}:\d{2}\.\d{6}Z$/);
			expect(Object.values(record)).not.toContain(null);
		}
		expect(existsSync(stateDir())).toBe(false);
		expect(result.stderr).toContain('events run summary');
	});

	it('reads entries in (date, hour, partition) order whatever the zip order, and inflates deflated entries', async () => {
		server.use(exportApi({ answer: async (c) => zipResponse(await zipForHours(parseExportHour(c.start), parseExportHour(c.end), 6, { reverse: true, deflate: true })) }));
		const result = await events(['--start', '2026-10-01T08', '--end', '2026-10-01T11', '--raw']);
		expect(result.code).toBe(0);
		const hours = lines(result.stdout).map((r) => String(r.server_upload_time).slice(0, 13));
		expect(hours).toEqual([...hours].sort());
		expect(hours).toHaveLength(24);
		expect(lines(result.stdout)[0]!.server_upload_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
	});

	it('reads entries larger than one read of the zip, stored or deflated, every event in order', async () => {
		// 2,500 events an entry: about 700 KB of gzip, many reads of the zip.
		const entries = syntheticEntries({ seed: 9, firstHourMs: Date.UTC(2026, 9, 1, 0), hours: 1, eventsPerHour: 5_000, partitions: 2 });
		const uuids = entries.flatMap((e) => e.ndjson.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { uuid: string }).uuid));
		expect(Math.min(...entries.map((e) => gzipSync(e.ndjson).length))).toBeGreaterThan(600_000);
		for (const deflate of [false, true]) {
			const zip = await buildZip(entries, { deflate });
			server.use(exportApi({ answer: () => zipResponse(zip) }));
			const result = await events(['--start', '2026-10-01T00', '--end', '2026-10-01T00', '--raw']);
			expect(result.code).toBe(0);
			expect(lines(result.stdout).map((r) => r.uuid)).toEqual(uuids);
		}
	});

	it('fails with exit 65, naming the entry, when a gzip entry breaks off after several reads of the zip', async () => {
		const [entry] = syntheticEntries({ seed: 10, firstHourMs: Date.UTC(2026, 9, 1, 0), hours: 1, eventsPerHour: 2_500, partitions: 1 });
		const gzipped = gzipSync(entry!.ndjson);
		expect(gzipped.length).toBeGreaterThan(600_000);
		const zip = await buildZip([{ name: entry!.name, raw: gzipped.subarray(0, 550_000) }]);
		server.use(exportApi({ answer: () => zipResponse(zip) }));
		const result = await events(['--start', '2026-10-01T00', '--end', '2026-10-01T00']);
		expect(result.code).toBe(65);
		expect(result.stderr).toContain(`entry ${entry!.name} cannot be decompressed`);
		expect(result.stdout).toBe('');
	});

	it('stops reading an entry mid-way when a line is too long, and the next run reads the same zip whole', async () => {
		const entries = syntheticEntries({ seed: 11, firstHourMs: Date.UTC(2026, 9, 1, 0), hours: 1, eventsPerHour: 5_000, partitions: 2 });
		const [first, second] = entries;
		const lines0 = first!.ndjson.split('\n');
		// A long line deep in the first entry: the entry is abandoned while its zip reads are in flight.
		const long = JSON.stringify({ uuid: 'x', event_type: 'y'.repeat(3_000) });
		const zip = await buildZip([{ name: first!.name, ndjson: [...lines0.slice(0, 2_000), long, ...lines0.slice(2_000)].join('\n') }, second!]);
		server.use(exportApi({ answer: () => zipResponse(zip) }));
		const config = join(home.path, 'amp.json');
		writeFileSync(config, JSON.stringify({ events: { maxLineBytes: 2_500 } }));
		const failed = await events(['--config', config, '--start', '2026-10-01T00', '--end', '2026-10-01T00']);
		expect(failed.code).toBe(65);
		expect(failed.stderr).toContain(`entry ${first!.name}: line 2001 is longer than 2500 bytes`);
		const whole = await events(['--start', '2026-10-01T00', '--end', '2026-10-01T00', '--raw']);
		expect(whole.code).toBe(0);
		expect(lines(whole.stdout)).toHaveLength(5_001);
	});

	it('prints the requests with --dry-run and makes none', async () => {
		const calls: ExportCall[] = [];
		server.use(exportApi({ calls }));
		const result = await events(['--start', '2026-10-01', '--end', '2026-10-02T05', '--dry-run']);
		expect(result.code).toBe(0);
		expect(calls).toEqual([]);
		expect(result.stdout).toBe('GET /api/2/export?start=20261001T00&end=20261001T23\t24 h\nGET /api/2/export?start=20261002T00&end=20261002T05\t6 h\n');
	});
});

describe('events: incremental', () => {
	it('backfills N days on the first run, then exports only what is new, then nothing', async () => {
		const calls: ExportCall[] = [];
		server.use(exportApi({ calls, eventsPerHour: 2 }));
		const first = await events(['--backfill-days', '2']);
		expect(first.code).toBe(0);
		expect(calls).toEqual([
			{ start: '20261126T08', end: '20261127T07' },
			{ start: '20261127T08', end: '20261128T07' },
		]);
		expect(lines(first.stdout)).toHaveLength(96);
		expect(readState()?.cursor).toBe('2026-11-28T07');

		calls.length = 0;
		const later = await events([], { now: new Date('2026-11-28T12:05:00Z') });
		expect(later.code).toBe(0);
		expect(calls).toEqual([{ start: '20261128T08', end: '20261128T09' }]);
		expect(readState()?.cursor).toBe('2026-11-28T09');

		calls.length = 0;
		const again = await events([], { now: new Date('2026-11-28T12:59:00Z') });
		expect(again.code).toBe(0);
		expect(calls).toEqual([]);
		expect(again.stdout).toBe('');
		expect(again.stderr).toContain('up to date');
	});

	it('with --backfill-days 0 records the cursor at the newest exportable hour and exports nothing', async () => {
		const calls: ExportCall[] = [];
		server.use(exportApi({ calls }));
		const result = await events(['--backfill-days', '0']);
		expect(result.code).toBe(0);
		expect(calls).toEqual([]);
		expect(readState()?.cursor).toBe('2026-11-28T07');
	});

	it('takes a 404 as an empty window and advances', async () => {
		server.use(exportApi({ answer: () => new HttpResponse('', { status: 404 }) }));
		const result = await events(['--backfill-days', '1', '--log-format', 'json']);
		expect(result.code).toBe(0);
		expect(result.stdout).toBe('');
		expect(readState()?.cursor).toBe('2026-11-28T07');
		const summary = result.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.msg === 'events run summary');
		expect(summary.summary).toMatchObject({ windows: 1, emptyHours: 24, events: 0 });
	});

	it('keeps the cursor unchanged when the run fails (persistent 503: exit 69)', async () => {
		mkdirSync(stateDir(), { recursive: true });
		server.use(exportApi({}));
		expect((await events(['--backfill-days', '1'])).code).toBe(0);
		expect(readState()?.cursor).toBe('2026-11-28T07');
		let calls = 0;
		server.use(exportApi({ answer: () => (calls++, new HttpResponse('unavailable', { status: 503 })) }));
		const failed = await events([], { now: new Date('2026-11-28T15:00:00Z') });
		expect(failed.code).toBe(69);
		expect(calls).toBe(6);
		expect(failed.stdout).toBe('');
		expect(readState()?.cursor).toBe('2026-11-28T07');
	});

	it('turns away a second run for the same project with exit 75', async () => {
		const { eventsStateFiles } = await import('../../src/state/events-state.js');
		const { lock } = eventsStateFiles(stateDir(), 'events-api-key', 'us');
		await lock.acquire('events', now);
		server.use(exportApi({}));
		const result = await events(['--backfill-days', '1']);
		await lock.release();
		expect(result.code).toBe(75);
		expect(result.stderr).toContain('ERR_AMP_LOCKED');
	});
});

describe('events: what Amplitude can answer', () => {
	it('splits a window on 400 (over 4 GB) down to a size that works, and keeps that size', async () => {
		const calls: ExportCall[] = [];
		const hours = (c: ExportCall) => (parseExportHour(c.end) - parseExportHour(c.start)) / 3_600_000 + 1;
		server.use(exportApi({ calls, eventsPerHour: 1, answer: (c) => (hours(c) > 6 ? new HttpResponse('too big', { status: 400 }) : undefined) }));
		const result = await events(['--start', '2026-10-01', '--end', '2026-10-01', '--log-format', 'json']);
		expect(result.code).toBe(0);
		expect(calls.map((c) => `${c.start}-${c.end}`)).toEqual([
			'20261001T00-20261001T23',
			'20261001T00-20261001T11',
			'20261001T00-20261001T05',
			'20261001T06-20261001T11',
			'20261001T12-20261001T17',
			'20261001T18-20261001T23',
		]);
		expect(lines(result.stdout)).toHaveLength(24);
		expect(result.stderr).toContain('"splits":2');
	});

	it('splits on 504 as well', async () => {
		const calls: ExportCall[] = [];
		server.use(exportApi({ calls, answer: (c) => (c.start !== c.end.replace(/T\d\d$/, (t) => t) && c.end === '20261001T03' && c.start === '20261001T00' ? new HttpResponse('', { status: 504 }) : undefined) }));
		const result = await events(['--start', '2026-10-01T00', '--end', '2026-10-01T03']);
		expect(result.code).toBe(0);
		expect(calls.map((c) => `${c.start}-${c.end}`)).toEqual(['20261001T00-20261001T03', '20261001T00-20261001T01', '20261001T02-20261001T03']);
	});

	it('fails with exit 69 naming the hour when a single hour is still too large', async () => {
		server.use(exportApi({ answer: () => new HttpResponse('too big', { status: 400 }) }));
		const result = await events(['--start', '2026-10-01T05', '--end', '2026-10-01T06']);
		expect(result.code).toBe(69);
		expect(result.stderr).toContain('ERR_AMP_EXPORT_TOO_LARGE');
		expect(result.stderr).toContain('export hour 2026-10-01T05 is too large');
		expect(result.stderr).toContain('S3');
		expect(result.stdout).toBe('');
	});

	it('retries a 429 and then succeeds', async () => {
		const calls: ExportCall[] = [];
		server.use(exportApi({ calls, answer: (_c, i) => (i === 0 ? new HttpResponse('', { status: 429, headers: { 'Retry-After': '1' } }) : undefined) }));
		const result = await events(['--start', '2026-10-01T00', '--end', '2026-10-01T00']);
		expect(result.code).toBe(0);
		expect(calls).toHaveLength(2);
		expect(lines(result.stdout)).toHaveLength(4);
	});

	it('never takes a 200 that is not a zip for an empty window: retried, then exit 69', async () => {
		let calls = 0;
		server.use(exportApi({ answer: () => (calls++, new HttpResponse('<!DOCTYPE html><html>Service maintenance</html>', { status: 200, headers: { 'content-type': 'text/html' } })) }));
		const result = await events(['--start', '2026-10-01T00', '--end', '2026-10-01T00']);
		expect(result.code).toBe(69);
		expect(calls).toBe(6);
		expect(result.stderr).toContain('the body is not a zip (starts with "<!DOCTYPE html><html>Service maintenance</html>")');
		expect(result.stdout).toBe('');
	});

	it('downloads a truncated zip again', async () => {
		const zip = await zipForHours(Date.UTC(2026, 9, 1, 0), Date.UTC(2026, 9, 1, 0), 4);
		let calls = 0;
		server.use(exportApi({ answer: () => zipResponse(calls++ === 0 ? zip.subarray(0, zip.length - 30) : zip) }));
		const result = await events(['--start', '2026-10-01T00', '--end', '2026-10-01T00']);
		expect(result.code).toBe(0);
		expect(calls).toBe(2);
		expect(result.stderr).toContain('probably truncated');
		expect(lines(result.stdout)).toHaveLength(4);
	});

	it('fails with exit 65 on a corrupt gzip entry, naming it', async () => {
		const zip = await buildZip([{ name: '187520/187520_2026-10-01_0#70.json.gz', raw: Buffer.from('this is not gzip at all') }]);
		server.use(exportApi({ answer: () => zipResponse(zip) }));
		const result = await events(['--start', '2026-10-01T00', '--end', '2026-10-01T00']);
		expect(result.code).toBe(65);
		expect(result.stderr).toContain('entry 187520/187520_2026-10-01_0#70.json.gz cannot be decompressed');
	});

	it('fails with exit 65 on a line that is not JSON (entry and line named), or skips and counts it', async () => {
		const [entry] = syntheticEntries({ seed: 3, firstHourMs: Date.UTC(2026, 9, 1, 0), hours: 1, eventsPerHour: 3, partitions: 1 });
		const [a, b, c] = entry!.ndjson.trim().split('\n');
		const zip = await buildZip([{ name: entry!.name, ndjson: `${a}\n${b}\n{"truncated":\n${c}\n` }, { name: '187520/notes.txt', ndjson: 'x' }]);
		server.use(exportApi({ answer: () => zipResponse(zip) }));
		const failed = await events(['--start', '2026-10-01T00', '--end', '2026-10-01T00']);
		expect(failed.code).toBe(65);
		expect(failed.stderr).toContain(`entry ${entry!.name} line 3 is not a JSON object`);
		expect(failed.stderr).toContain('skipping zip entry "187520/notes.txt"');
		expect(failed.stdout).toBe('');

		const skipped = await events(['--start', '2026-10-01T00', '--end', '2026-10-01T00', '--on-bad-record', 'skip', '--log-format', 'json']);
		expect(skipped.code).toBe(0);
		expect(lines(skipped.stdout)).toHaveLength(3);
		expect(skipped.stderr).toContain('"badRecordsSkipped":1');
	});

	it('drops an event whose uuid was already emitted in this run, and counts it', async () => {
		const [entry] = syntheticEntries({ seed: 4, firstHourMs: Date.UTC(2026, 9, 1, 0), hours: 1, eventsPerHour: 3, partitions: 1 });
		const first = entry!.ndjson.split('\n')[0];
		const zip = await buildZip([entry!, { name: '187520/187520_2026-10-01_0#900.json.gz', ndjson: `${first}\n` }]);
		server.use(exportApi({ answer: () => zipResponse(zip) }));
		const result = await events(['--start', '2026-10-01T00', '--end', '2026-10-01T00', '--log-format', 'json']);
		expect(result.code).toBe(0);
		expect(lines(result.stdout)).toHaveLength(3);
		expect(result.stderr).toContain('"duplicatesDropped":1');
	});

	it('keeps secrets out of every output of a failing run', async () => {
		server.use(exportApi({ answer: () => new HttpResponse('forbidden', { status: 403 }) }));
		const result = await events(['--verbose', '--start', '2026-10-01T00', '--end', '2026-10-01T00']);
		expect(result.code).toBe(77);
		expect(result.stdout + result.stderr).not.toContain(SECRET);
	});
});

describe('events: output files', () => {
	it('writes a gzip file atomically, named from the {start}/{end}/{date} placeholders', async () => {
		server.use(exportApi({}));
		const out = join(home.path, 'out');
		mkdirSync(out);
		const result = await events(['--start', '2026-10-01T00', '--end', '2026-10-01T01', '-o', join(out, 'events-{start}-{end}-{date}.ndjson.gz')]);
		expect(result.code).toBe(0);
		expect(result.stdout).toBe('');
		expect(readdirSync(out)).toEqual(['events-20261001T00-20261001T01-2026-11-28.ndjson.gz']);
		expect(lines(gunzipSync(readFileSync(join(out, readdirSync(out)[0]!))).toString())).toHaveLength(8);
	});

	it('on failure keeps only the complete windows, names the file after them, and resumes after them', async () => {
		const out = join(home.path, 'out');
		mkdirSync(out);
		let calls = 0;
		server.use(exportApi({ answer: () => (calls++ === 1 ? new HttpResponse('', { status: 502 }) : undefined) }));
		const target = join(out, 'ev-{start}-{end}.ndjson');
		const failed = await events(['--backfill-days', '2', '-o', target], { hooks: { retry: { retries: 0, baseMs: 1 } } });
		expect(failed.code).toBe(69);
		expect(readdirSync(out)).toEqual(['ev-20261126T08-20261127T07.ndjson']);
		expect(lines(readFileSync(join(out, 'ev-20261126T08-20261127T07.ndjson'), 'utf8'))).toHaveLength(96);
		expect(readState()?.cursor).toBe('2026-11-27T07');

		server.use(exportApi({}));
		const resumed = await events(['-o', target]);
		expect(resumed.code).toBe(0);
		expect(readdirSync(out).sort()).toEqual(['ev-20261126T08-20261127T07.ndjson', 'ev-20261127T08-20261128T07.ndjson']);
		expect(readState()?.cursor).toBe('2026-11-28T07');
	});

	it('leaves no file at all when no window completed', async () => {
		const out = join(home.path, 'out');
		mkdirSync(out);
		server.use(exportApi({ answer: () => new HttpResponse('', { status: 500 }) }));
		const result = await events(['--start', '2026-10-01T00', '--end', '2026-10-01T00', '-o', join(out, 'x.ndjson')], { hooks: { retry: { retries: 1, baseMs: 1 } } });
		expect(result.code).toBe(69);
		expect(readdirSync(out)).toEqual([]);
	});
});

describe('events: interruptions', () => {
	it('a corrupt hour read ahead while the hour before it commits fails the run only after that hour is delivered, whole; a rerun of the rest gives every event once', async () => {
		// Hours 00-05 in one window, several blocks an hour; hour 03's first entry is not gzip. The run reads hour 03
		// ahead while 02 is handed to stdout: 00-02 reach the reader whole, nothing of 03 does, then the run fails.
		const byHour = [0, 1, 2, 3, 4, 5].map((h) => syntheticEntries({ seed: h, firstHourMs: Date.UTC(2026, 9, 1, h), hours: 1, eventsPerHour: 1_500, partitions: 2 }));
		const entriesOf = (h: number) => byHour[h]!;
		const uuidsOf = (hours: number[]) => hours.flatMap((h) => entriesOf(h).flatMap((e) => e.ndjson.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { uuid: string }).uuid)));
		const corrupt = entriesOf(3).map((e, i) => (i === 0 ? { name: e.name, raw: Buffer.from('this is not gzip at all') } : e));
		const broken = await buildZip([...[0, 1, 2].flatMap(entriesOf), ...corrupt, ...[4, 5].flatMap(entriesOf)]);
		const rest = await buildZip([3, 4, 5].flatMap(entriesOf));
		server.use(exportApi({ answer: (_call, index) => zipResponse(index === 0 ? broken : rest) }));
		const first = await events(['--start', '2026-10-01T00', '--end', '2026-10-01T05', '--window-hours', '6', '--raw']);
		expect(first.code).toBe(65);
		expect(first.stderr).toContain('cannot be decompressed');
		expect(lines(first.stdout).map((r) => r.uuid)).toEqual(uuidsOf([0, 1, 2]));
		const second = await events(['--start', '2026-10-01T03', '--end', '2026-10-01T05', '--window-hours', '6', '--raw']);
		expect(second.code).toBe(0);
		expect([...lines(first.stdout), ...lines(second.stdout)].map((r) => r.uuid)).toEqual(uuidsOf([0, 1, 2, 3, 4, 5]));
	});

	it('stops quietly when the reader closes stdout, with the cursor only past the hours fully written', async () => {
		const { Writable } = await import('node:stream');
		let writes = 0;
		const stdout = new Writable({
			write(_chunk, _enc, cb) {
				writes++;
				if (writes === 1) return cb();
				const error = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
				cb(error);
			},
		});
		stdout.on('error', () => undefined);
		server.use(exportApi({ eventsPerHour: 2 }));
		const result = await events(['--backfill-days', '3'], { stdout });
		expect(result.code).toBe(0);
		expect(result.stderr).toContain('output closed by the reader');
		expect(result.stderr).not.toContain('Error:');
		// Stdout gets each hour as it is read: the reader took the first one.
		expect(readState()?.cursor).toBe('2026-11-25T08');
	});

	it('exits 130 on SIGINT leaving the output path and the state as they were, and no temp files', async () => {
		const { AmpImportError } = await import('../../src/errors.js');
		const controller = new AbortController();
		server.use(exportApi({ answer: (_c, i) => { if (i === 1) controller.abort(new AmpImportError('interrupted', 'interrupted by SIGINT', { exitCode: 130 })); return undefined; } }));
		const out = join(home.path, 'out');
		mkdirSync(out);
		const result = await events(['--backfill-days', '3', '-o', join(out, 'events.ndjson')], { signal: controller.signal });
		expect(result.code).toBe(130);
		expect(result.stderr).toContain('interrupted by SIGINT');
		expect(readState()).toBeUndefined();
		expect(readdirSync(out)).toEqual([]);
		expect(readdirSync(stateDir()).filter((f) => f.endsWith('.lock'))).toEqual([]);
	});
});

describe('events --demo', () => {
	it('runs the whole pipeline against the bundled sample project without credentials', async () => {
		const result = await runCli(['events', '--demo'], { env: isolatedEnv(home.path), now });
		expect(result.code).toBe(0);
		const out = lines(result.stdout);
		expect(out).toHaveLength(12);
		expect(out[0]).toHaveProperty('amplitude_id');
		expect(out[0]).toHaveProperty('amplitude_events');
	});
});

// Unused helpers kept honest: gzipSync/writeFileSync imported for fixture edits in future cases.
void gzipSync;
void writeFileSync;

describe('events: explicit range with --state-dir', () => {
	it('advances the cursor only when the range continues it', async () => {
		const dir = join(home.path, 'custom-state');
		server.use(exportApi({ eventsPerHour: 1 }));
		expect((await events(['--state-dir', dir, '--start', '2026-10-01T00', '--end', '2026-10-01T05'])).code).toBe(0);
		const read = () => JSON.parse(readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('.json'))!), 'utf8')).cursor;
		expect(read()).toBe('2026-10-01T05');
		expect((await events(['--state-dir', dir, '--start', '2026-10-01T06', '--end', '2026-10-01T07'])).code).toBe(0);
		expect(read()).toBe('2026-10-01T07');
		const gap = await events(['--state-dir', dir, '--start', '2026-10-03T00', '--end', '2026-10-03T01']);
		expect(gap.code).toBe(0);
		expect(gap.stderr).toContain('does not continue the cursor');
		expect(read()).toBe('2026-10-01T07');
	});
});
