import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { HttpResponse } from 'msw';
import { useMsw } from '../helpers/msw.js';
import { cohortsApi, csv, type CohortsLog, type FakeCohort } from '../helpers/fake-cohorts.js';
import { isolatedEnv, runCli, tempDir, type RunOptions } from '../helpers/run.js';

const server = useMsw();
const now = new Date('2026-11-28T06:00:00Z');
const SECRET = 'cohort-secret-key-98765';
const header = ['amplitude_id', 'user_id', 'city', 'country', 'platform', 'region', 'plan'];

let home: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
let log: CohortsLog;
beforeEach(() => {
	home = tempDir();
	env = isolatedEnv(home.path, { AMPLITUDE_API_KEY: 'cohort-api-key', AMPLITUDE_SECRET_KEY: SECRET });
	log = { requests: [], polls: [], files: [], s3: [] };
});
afterEach(() => home.cleanup());

const cohorts = (args: string[], options: RunOptions = {}) => runCli(['cohorts', ...args], { env, now, hooks: { retry: { baseMs: 1, maxDelayMs: 5 }, pollMs: 5 }, ...options });
const lines = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const buyers = (rows: string[][], extra: Partial<FakeCohort> = {}): FakeCohort => ({ id: 'c1buy', name: 'Buyers', size: rows.length, lastComputed: 1679440233, published: true, csv: csv(header, rows), ...extra });
const member = (id: string, user = '') => [id, user, 'Austin', 'United States', 'iOS', 'Texas', 'pro'];

describe('cohorts import', () => {
	it('requests, polls (202 then 200), downloads and maps each member, then records the import', async () => {
		const sleeps: number[] = [];
		server.use(...cohortsApi([buyers([member('356896327775', 'u1'), member('356893815359')])], { pollsUntilDone: 2, log }));
		const result = await cohorts([], { sleeps });
		expect(result.code).toBe(0);
		expect(log.requests).toEqual(['c1buy']);
		expect(log.polls).toHaveLength(3);
		expect(sleeps).toEqual([5, 8]); // growing backoff between polls
		expect(lines(result.stdout)).toEqual([
			{
				amplitude_id: '356896327775',
				city: 'Austin',
				country: 'United States',
				amplitude_cohort_ids: { c1buy: true },
				amplitude_cohort_names: { Buyers: true },
				amplitude_platform: 'iOS',
				region: 'Texas',
				state: 'Texas',
				amplitude_last_computed: '2023-03-21T23:10:33.000000Z',
				amplitude_user_id: 'u1',
			},
			expect.objectContaining({ amplitude_id: '356893815359', amplitude_cohort_ids: { c1buy: true } }),
		]);
		expect(lines(result.stdout)[1]).not.toHaveProperty('amplitude_user_id');
		expect(result.stderr).toContain('cohorts run summary');
	});

	it('follows a 302 to S3 without the Authorization header, and asks for a fresh link when it expired', async () => {
		server.use(...cohortsApi([buyers([member('1001'), member('1002')], { viaS3: true })], { s3Expired: 1, log }));
		const result = await cohorts([]);
		expect(result.code).toBe(0);
		expect(log.s3).toHaveLength(2);
		expect(log.s3.every((r) => r.authorization === null)).toBe(true);
		expect(log.s3[0]!.url).toContain('X-Amz-Signature=sig1');
		expect(log.files).toHaveLength(2);
		expect(lines(result.stdout)).toHaveLength(2);
		expect(result.stderr).toContain('probably expired');
	});

	it('parses RFC 4180 edge cases: quotes, commas, newlines, repeated columns, and a gzip body', async () => {
		const body = '"amplitude_id","user_id","note","amplitude_id","city","__proto__","we""ird"\n"7","a ""quoted"" id","one, two\nthree","7","Köln","p","w"\n';
		server.use(...cohortsApi([buyers([], { csv: gzipSync(body), fileHeaders: { 'content-type': 'application/octet-stream' } })], { log }));
		const result = await cohorts(['--raw']);
		expect(result.code).toBe(0);
		expect(lines(result.stdout)).toEqual([
			// Column names are data: `__proto__` is an ordinary field (JSON.parse makes it an own property too).
			JSON.parse('{"amplitude_id":"7","user_id":"a \\"quoted\\" id","note":"one, two\\nthree","amplitude_id__2":"7","city":"Köln","__proto__":"p","we\\"ird":"w","cohort_id":"c1buy","cohort_name":"Buyers","last_computed":1679440233,"cohort_membership":true}'),
		]);
		expect(result.stderr).toContain('repeated column name(s) amplitude_id');
	});

	it('accepts a body sent with Content-Encoding: gzip', async () => {
		const body = gzipSync(csv(header, [member('42')]));
		server.use(...cohortsApi([buyers([], { csv: body, fileHeaders: { 'content-encoding': 'gzip' } })], { log }));
		const result = await cohorts([]);
		expect(result.code).toBe(0);
		expect(lines(result.stdout)[0]).toMatchObject({ amplitude_id: '42' });
	});

	it('fails with exit 65 on a malformed CSV', async () => {
		server.use(...cohortsApi([buyers([], { csv: '"amplitude_id","user_id"\n"1","unterminated\n' })], { log }));
		const result = await cohorts([]);
		expect(result.code).toBe(65);
		expect(result.stderr).toContain('not a valid CSV file');
	});

	it('fails with exit 65, naming the row, on a wrong field count or a header without amplitude_id', async () => {
		const rows = Array.from({ length: 15000 }, (_, i) => `"${i + 1}","u${i}"\n`).join(''); // over 128 KB: rows are counted across blocks
		server.use(...cohortsApi([buyers([], { csv: `"amplitude_id","user_id"\n${rows}"15001"\n` })], { log }));
		const short = await cohorts([]);
		expect(short.code).toBe(65);
		expect(short.stderr).toContain('row 15001 has 1 fields, the header 2');
		server.use(...cohortsApi([buyers([], { csv: '"id","user_id"\n"1","a"\n' })], { log }));
		const noId = await cohorts([]);
		expect(noId.code).toBe(65);
		expect(noId.stderr).toContain('the header has no amplitude_id column');
	});

	it('skips a cohort whose lastComputed has not changed since its last import, unless --force', async () => {
		server.use(...cohortsApi([buyers([member('1')])], { log }));
		expect((await cohorts([])).code).toBe(0);
		const again = await cohorts([]);
		expect(again.code).toBe(0);
		expect(log.requests).toEqual(['c1buy']);
		expect(again.stdout).toBe('');
		expect(again.stderr).toContain('unchanged since its last import');
		expect((await cohorts(['--force'])).code).toBe(0);
		expect(log.requests).toEqual(['c1buy', 'c1buy']);
	});

	it('emits members who left since the last import with membership false, and only changes with --changes-only', async () => {
		server.use(...cohortsApi([buyers([member('1', 'u1'), member('2', 'u2'), member('3')])], { log }));
		expect(lines((await cohorts([])).stdout)).toHaveLength(3);

		server.use(...cohortsApi([buyers([member('2', 'u2'), member('3'), member('4', 'u4')], { lastComputed: 1679500000 })], { log }));
		const second = await cohorts(['--log-format', 'json']);
		expect(second.code).toBe(0);
		const out = lines(second.stdout);
		expect(out.map((r) => [r.amplitude_id, (r.amplitude_cohort_ids as Record<string, boolean>).c1buy])).toEqual([
			['2', true],
			['3', true],
			['4', true],
			['1', false],
		]);
		expect(out[3]).toEqual({
			amplitude_id: '1',
			amplitude_user_id: 'u1',
			amplitude_cohort_ids: { c1buy: false },
			amplitude_cohort_names: { Buyers: false },
			amplitude_last_computed: '2023-03-22T15:46:40.000000Z',
		});
		expect(second.stderr).toMatch(/"joins":1,"leaves":1/);

		server.use(...cohortsApi([buyers([member('3'), member('4', 'u4'), member('5')], { lastComputed: 1679600000 })], { log }));
		const changes = await cohorts(['--changes-only']);
		expect(lines(changes.stdout).map((r) => [r.amplitude_id, (r.amplitude_cohort_ids as Record<string, boolean>).c1buy])).toEqual([
			['5', true],
			['2', false],
		]);
	});

	it('keeps the request id when polling passes its deadline (exit 75), and resumes it on the next run', async () => {
		const config = join(home.path, 'amp.yaml');
		writeFileSync(config, 'cohorts:\n  pollDeadlineMinutes: 1\n');
		server.use(...cohortsApi([buyers([member('1')])], { pollsUntilDone: 1000, log }));
		const stuck = await cohorts(['--config', config], { hooks: { retry: { baseMs: 1 }, pollMs: 20_000 } });
		expect(stuck.code).toBe(75);
		expect(stuck.stderr).toContain('still not ready after 1 min');
		expect(stuck.stderr).toContain('kept in state');
		expect(log.requests).toEqual(['c1buy']);

		server.use(...cohortsApi([buyers([member('1')])], { pollsUntilDone: 0, log }));
		const resumed = await cohorts([]);
		expect(resumed.code).toBe(0);
		expect(log.requests).toEqual(['c1buy']); // no second download spent
		expect(resumed.stderr).toContain('resuming download request req-c1buy-1');
		expect(lines(resumed.stdout)).toHaveLength(1);
	});

	it('backs off on 429 when requesting a cohort', async () => {
		server.use(...cohortsApi([buyers([member('1')])], { log, requestAnswer: (i) => (i === 0 ? new HttpResponse('', { status: 429 }) : undefined) }));
		const result = await cohorts([]);
		expect(result.code).toBe(0);
		expect(log.requests).toHaveLength(2);
	});

	it('selects cohorts by id and by name, skips archived ones by default, and rejects unknown ones with close matches (exit 64)', async () => {
		const list = [
			buyers([member('1')]),
			{ id: 'c2chr', name: 'Churn risk', lastComputed: 1679440233, csv: csv(header, [member('2')]) },
			{ id: 'c3old', name: 'Old', archived: true, lastComputed: 1679440233, csv: csv(header, [member('3')]) },
		];
		server.use(...cohortsApi(list, { log }));
		expect((await cohorts(['--cohort', 'Churn risk', '--cohort', 'c1buy'])).code).toBe(0);
		expect(log.requests).toEqual(['c2chr', 'c1buy']);
		log.requests.length = 0;
		expect((await cohorts(['--force'])).code).toBe(0);
		expect(log.requests.sort()).toEqual(['c1buy', 'c2chr']);
		const unknown = await cohorts(['--cohort', 'Churn rsk']);
		expect(unknown.code).toBe(64);
		expect(unknown.stderr).toContain('unknown cohort "Churn rsk"');
		expect(unknown.stderr).toContain('did you mean "Churn risk" (c2chr)');
	});

	it('skips cohorts over 2,000,000 members with a warning', async () => {
		server.use(...cohortsApi([buyers([member('1')], { size: 2_500_000 })], { log }));
		const result = await cohorts([]);
		expect(result.code).toBe(0);
		expect(log.requests).toEqual([]);
		expect(result.stderr).toContain("over Amplitude's download cap");
	});

	it('lists what it would do with --dry-run', async () => {
		server.use(...cohortsApi([buyers([member('1')])], { log }));
		const result = await cohorts(['--dry-run']);
		expect(result.stdout).toBe('request\tc1buy\tBuyers\n');
		expect(log.requests).toEqual([]);
	});

	it('writes a file atomically with the {date} placeholder, and names fields as configured', async () => {
		server.use(...cohortsApi([buyers([member('1')])], { log }));
		const config = join(home.path, 'amp.json');
		writeFileSync(config, JSON.stringify({ cohorts: { idField: 'amp_id', namesField: 'segments', output: join(home.path, 'out', 'cohorts-{date}.ndjson') } }));
		mkdirSync(join(home.path, 'out'));
		const result = await cohorts(['--config', config]);
		expect(result.code).toBe(0);
		expect(readdirSync(join(home.path, 'out'))).toEqual(['cohorts-2026-11-28.ndjson']);
		const [record] = lines(readFileSync(join(home.path, 'out', 'cohorts-2026-11-28.ndjson'), 'utf8'));
		expect(record).toMatchObject({ amp_id: '1', segments: { Buyers: true } });
	});

	it('keeps secrets out of the output of a failing run', async () => {
		server.use(...cohortsApi([buyers([member('1')])], { log, requestAnswer: () => new HttpResponse('denied', { status: 403 }) }));
		const result = await cohorts(['--verbose']);
		expect(result.code).toBe(77);
		expect(result.stdout + result.stderr).not.toContain(SECRET);
	});

	it('runs against the bundled demo project', async () => {
		const result = await runCli(['cohorts', '--demo'], { env: isolatedEnv(home.path), now, hooks: { pollMs: 1 } });
		expect(result.code).toBe(0);
		expect(lines(result.stdout)).toHaveLength(10);
	});
});

describe('cohorts list', () => {
	it('prints a table of non-archived cohorts, or all of them as JSON lines', async () => {
		server.use(...cohortsApi([buyers([member('1')]), { id: 'c3old', name: 'Old', archived: true, size: 2, csv: '' }], { log }));
		const table = await cohorts(['list']);
		expect(table.code).toBe(0);
		expect(table.stdout).toBe('ID     NAME    SIZE  LAST COMPUTED (UTC)   FLAGS\nc1buy  Buyers  1     2023-03-21T23:10:33Z  published\n');
		expect(table.stderr).toContain('cohort downloads this month: 0 of 500');
		const json = await cohorts(['list', '--json', '--all']);
		expect(lines(json.stdout).map((c) => [c.id, c.archived])).toEqual([
			['c1buy', false],
			['c3old', true],
		]);
	});
});

