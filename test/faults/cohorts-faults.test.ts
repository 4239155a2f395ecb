import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeAmplitude, type FakeAmplitude } from '../helpers/fake-amplitude-server.js';
import { spawnCli, type Fault } from '../helpers/spawn-cli.js';
import { isolatedEnv, tempDir } from '../helpers/run.js';

/*
Kill -9 and full disks at each step of a cohorts import, as a real process: a first import, then the cohort changes
(members leave and join), a second import dies at a step, a rerun. Together the second import and the rerun must
deliver each current member once as a member and each leaver once as a leaver, and leave the member list right.
*/

let fake: FakeAmplitude;
let home: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
const csv = (ids: number[]) => `"amplitude_id","user_id","city"\n${ids.map((id) => `"${id}","user-${id}","City ${id % 7}"\n`).join('')}`;
const first = Array.from({ length: 300 }, (_, i) => 1000 + i);
const second = [...first.filter((id) => id % 3 !== 0), ...Array.from({ length: 120 }, (_, i) => 5000 + i)];
let members = first;

beforeAll(async () => {
	fake = await startFakeAmplitude({ eventsPerHour: 1 });
	fake.cohorts = [
		{ id: 'c1', name: 'Buyers', lastComputed: 1_700_000_000, csv: () => csv(members) },
		{ id: 'c2', name: 'Steady', lastComputed: 1_700_000_000, csv: () => csv([1, 2, 3]) },
	];
});
afterAll(() => fake.close());
beforeEach(() => {
	home = tempDir();
	mkdirSync(join(home.path, 'out'));
	mkdirSync(join(home.path, 'tmp'));
	env = isolatedEnv(home.path, { AMPLITUDE_API_KEY: 'cohort-fault-key', AMPLITUDE_SECRET_KEY: 'cohort-fault-secret', AMPLITUDE_BASE_URL: fake.url, TMPDIR: join(home.path, 'tmp') });
	members = first;
	fake.cohorts[0]!.lastComputed = 1_700_000_000;
});
afterEach(() => home.cleanup());

type Row = { amplitude_id: string; amplitude_cohort_ids: Record<string, boolean> };
const rows = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
const run = (args: string[], fault?: Fault) => spawnCli(['cohorts', '--cohort', 'c1', ...args], { env, fault, cwd: home.path });
const outFiles = () => readdirSync(join(home.path, 'out')).filter((f) => !f.startsWith('.'));
const readOut = () => outFiles().flatMap((f) => rows(readFileSync(join(home.path, 'out', f), 'utf8')));
const stateDir = () => join(home.path, 'state', 'amp-import');
const memberList = () => {
	const file = readdirSync(stateDir()).find((f) => /^cohort-members-.*-c1\.tsv$/.test(f))!;
	return readFileSync(join(stateDir(), file), 'utf8').split('\n').filter(Boolean).map((l) => Number(l.split('\t')[0])).sort((a, b) => a - b);
};
const leftovers = () => [...readdirSync(join(home.path, 'tmp')), ...readdirSync(join(home.path, 'out')).filter((f) => f.startsWith('.')), ...readdirSync(stateDir()).filter((f) => /\.next$|\.commit$/.test(f))];

/** The second import's records (first import excluded): each current member once true, each leaver once false. */
function expectExactlyTheChange(records: Row[]) {
	const joined = records.filter((r) => r.amplitude_cohort_ids.c1 === true).map((r) => Number(r.amplitude_id)).sort((a, b) => a - b);
	const left = records.filter((r) => r.amplitude_cohort_ids.c1 === false).map((r) => Number(r.amplitude_id)).sort((a, b) => a - b);
	expect(joined).toEqual([...second].sort((a, b) => a - b));
	expect(left).toEqual(first.filter((id) => id % 3 === 0));
	expect(memberList()).toEqual([...second].sort((a, b) => a - b));
	expect(leftovers()).toEqual([]);
}

describe('cohorts: kill -9 or a full disk at each step of an import, then a rerun: every change exactly once', () => {
	const steps: Array<[string, Fault]> = [
		['writing the member list', { op: 'write', match: '\\.tsv\\..*\\.next$', action: 'kill' }],
		['fsyncing the member list', { op: 'sync', match: '\\.tsv\\..*\\.next$', action: 'kill' }],
		['writing the next state', { op: 'open', match: '\\.json\\.next$', action: 'kill' }],
		['deciding the commit (before)', { op: 'rename', match: '\\.commit\\.next$', action: 'kill' }],
		['deciding the commit (after)', { op: 'rename', match: '\\.commit\\.next$', action: 'kill', when: 'after' }],
		['renaming the member list into place', { op: 'rename', match: '\\.tsv\\..*\\.next$', action: 'kill' }],
		['renaming the state into place', { op: 'rename', match: '\\.json\\.next$', action: 'kill' }],
		['full disk writing the member list', { op: 'write', match: '\\.tsv\\..*\\.next$', action: 'ENOSPC' }],
		['full disk writing the next state', { op: 'open', match: '\\.json\\.next$', action: 'ENOSPC' }],
	];
	it.each(steps)('to a file: %s', async (_step, fault) => {
		expect((await run(['-o', 'out/first.ndjson'])).code).toBe(0);
		members = second;
		fake.cohorts[0]!.lastComputed++;
		const broken = await run(['-o', 'out/c-{time}.ndjson'], fault);
		if (fault.action === 'kill') expect(broken.signal).toBe('SIGKILL');
		else expect(broken.code).toBe(74);
		const rerun = await run(['-o', 'out/c-{time}.ndjson']);
		expect([rerun.code, rerun.stderr]).toEqual([0, expect.any(String)]);
		const second_ = outFiles().filter((f) => f !== 'first.ndjson');
		expectExactlyTheChange(second_.flatMap((f) => rows(readFileSync(join(home.path, 'out', f), 'utf8'))));
	});

	it.each(steps.filter(([name]) => name !== 'deciding the commit (before)'))('to stdout: %s', async (_step, fault) => {
		expect((await run([])).code).toBe(0);
		members = second;
		fake.cohorts[0]!.lastComputed++;
		const broken = await run([], fault);
		const rerun = await run([]);
		expect(rerun.code).toBe(0);
		// The broken run reached stdout only with a commit it decided, so it gave nothing or the whole cohort.
		const delivered = [...rows(broken.stdout), ...rows(rerun.stdout)];
		expectExactlyTheChange(delivered);
	});

	it('to stdout, killed between the copy and the decision: the cohort comes again whole, and nothing else (the README says so)', async () => {
		expect((await run([])).code).toBe(0);
		members = second;
		fake.cohorts[0]!.lastComputed++;
		const broken = await run([], { op: 'rename', match: '\\.commit\\.next$', action: 'kill' });
		expect(broken.signal).toBe('SIGKILL');
		const rerun = await run([]);
		expect(rows(broken.stdout)).toEqual(rows(rerun.stdout));
		expectExactlyTheChange(rows(rerun.stdout));
	});
});

describe('cohorts: a member list that does not match the state stops the run', () => {
	const damage: Array<[string, (text: string) => string | Buffer]> = [
		['empty', () => ''],
		['truncated', (t) => t.slice(0, Math.floor(t.length / 2))],
		['garbage', () => 'hello\tworld\nthis is not a member list\n'],
		['binary', () => Buffer.from([0, 159, 146, 150, 10, 255, 0, 10])],
		['one line changed', (t) => t.replace(/^1000\t/, '1001\t')],
	];
	it.each(damage)('%s: exit 65, nothing written, the list kept; --force imports every member and no leavers', async (_what, spoil) => {
		expect((await run([])).code).toBe(0);
		const { writeFileSync } = await import('node:fs');
		const file = join(stateDir(), readdirSync(stateDir()).find((f) => /^cohort-members-.*-c1\.tsv$/.test(f))!);
		const spoiled = spoil(readFileSync(file, 'utf8'));
		writeFileSync(file, spoiled);
		members = second;
		fake.cohorts[0]!.lastComputed++;
		const refused = await run(['-o', 'out/x.ndjson']);
		expect([refused.code, refused.stderr]).toEqual([65, expect.stringContaining('does not match the state')]);
		expect(refused.stderr).toContain('--force');
		expect(outFiles()).toEqual([]);
		expect(readFileSync(file).equals(Buffer.from(spoiled))).toBe(true);
		const forced = await run(['-o', 'out/x.ndjson', '--force']);
		expect(forced.code).toBe(0);
		const records = readOut();
		expect(records.filter((r) => r.amplitude_cohort_ids.c1 === false)).toEqual([]);
		expect(records.map((r) => Number(r.amplitude_id)).sort((a, b) => a - b)).toEqual([...second].sort((a, b) => a - b));
		expect(memberList()).toEqual([...second].sort((a, b) => a - b));
		expect(existsSync(file)).toBe(true);
	});
});

describe('cohorts to stdout: a reader that goes away while the next cohort is being downloaded', () => {
	afterEach(() => (fake.onCohortFile = undefined));

	it('stops at once with exit 0 and cuts the download short, instead of waiting for it', async () => {
		// c1's file answers; c2's is held open (a slow download) while c1 is handed to the reader, who then goes away.
		// c1 is larger than a pipe's buffer, so its copy finds the reader gone.
		members = Array.from({ length: 5000 }, (_, i) => 10_000 + i);
		let closedByClient: () => void = () => undefined;
		const cut = new Promise<void>((resolve) => (closedByClient = resolve));
		fake.onCohortFile = (id, response) => {
			if (id !== 'c2') return false;
			response.writeHead(200, { 'content-type': 'text/csv' });
			response.write('"amplitude_id","user_id"\n');
			response.on('close', () => closedByClient());
			return true; // never ended
		};
		const started = Date.now();
		const { code, stderr } = await spawnCli(['cohorts', '--cohort', 'c1', '--cohort', 'c2', '-o', '-'], { env, cwd: home.path, closeStdoutAfterFirstChunk: true });
		expect([code, stderr]).toEqual([0, expect.stringContaining('output closed by the reader')]);
		await expect(Promise.race([cut.then(() => 'cut'), new Promise((resolve) => setTimeout(() => resolve('still open'), 3000))])).resolves.toBe('cut');
		expect(Date.now() - started).toBeLessThan(20_000);
	});
});
