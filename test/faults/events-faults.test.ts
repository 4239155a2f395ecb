import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startFakeAmplitude, uuidsForHours, type FakeAmplitude } from '../helpers/fake-amplitude-server.js';
import { spawnCli, type Fault } from '../helpers/spawn-cli.js';
import { isolatedEnv, tempDir } from '../helpers/run.js';

/*
Kill -9 and full disks at each step of an events run, as a real process against a real fake Amplitude; then a rerun
without the fault, and what both runs published compared with the fake's ground truth: every event exactly once.
*/

const perHour = 3;
let fake: FakeAmplitude;
let home: ReturnType<typeof tempDir>;
let out: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
	fake = await startFakeAmplitude({ eventsPerHour: perHour });
});
afterAll(() => fake.close());
beforeEach(() => {
	home = tempDir();
	out = join(home.path, 'out');
	mkdirSync(out);
	mkdirSync(join(home.path, 'tmp'));
	env = isolatedEnv(home.path, { AMPLITUDE_API_KEY: 'fault-key', AMPLITUDE_SECRET_KEY: 'fault-secret-123', AMPLITUDE_BASE_URL: fake.url, TMPDIR: join(home.path, 'tmp') });
	fake.onExport = undefined;
	fake.exports.length = 0;
});
afterEach(() => home.cleanup());

const stateDir = () => join(home.path, 'state', 'amp-import');
const cursor = (): string | undefined => {
	const file = existsSync(stateDir()) ? readdirSync(stateDir()).find((f) => /^events-.*\.json$/.test(f)) : undefined;
	return file && (JSON.parse(readFileSync(join(stateDir(), file), 'utf8')) as { cursor: string }).cursor;
};
const run = (args: string[], fault?: Fault, onSpawn?: (pid: number) => void) => spawnCli(['events', '--backfill-days', '2', ...args], { env, fault, onSpawn, cwd: home.path });
const uuidsOf = (text: string) => text.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { amplitude_insert_id?: string; uuid?: string }).uuid ?? '');
const published = () =>
	readdirSync(out)
		.filter((f) => !f.startsWith('.'))
		.flatMap((f) => uuidsOf(f.endsWith('.gz') ? gunzipSync(readFileSync(join(out, f))).toString() : readFileSync(join(out, f), 'utf8')));
/** The first hour a 2-day backfill exports, from the first run's own log line. */
const firstHour = (stderr: string) => Date.parse(`${/exporting events (\d{4}-\d{2}-\d{2}T\d{2})/.exec(stderr)![1]}:00:00Z`);
const truthUpTo = (first: number) => uuidsForHours(first, Date.parse(`${cursor()}:00:00Z`), perHour).sort();
const leftovers = () => [...readdirSync(join(home.path, 'tmp')), ...readdirSync(out).filter((f) => f.startsWith('.')), ...(existsSync(stateDir()) ? readdirSync(stateDir()).filter((f) => f.endsWith('.next') || f.endsWith('.commit')) : [])];

/** Raw events carry their uuid: the output names it, so each published event can be matched to ground truth. */
const file = ['--raw', '-o', 'out/ev-{start}-{end}.ndjson'];

describe('events: kill -9 at each step of a run to a file, then a rerun: every event exactly once', () => {
	const steps: Array<[string, Fault | 'download']> = [
		['downloading the second window', 'download'],
		['inflating the zip (a read of the downloaded export)', { op: 'read', match: '\\.zip$', nth: 3, action: 'kill' }],
		['writing the spool', { op: 'write', match: '\\.partial$', nth: 2, action: 'kill' }],
		['fsyncing the spool', { op: 'sync', match: '\\.partial$', action: 'kill' }],
		['writing the next state', { op: 'open', match: '\\.json\\.next$', action: 'kill' }],
		['writing the journal', { op: 'open', match: '\\.commit\\.next$', action: 'kill' }],
		['deciding the commit (before)', { op: 'rename', match: '\\.commit\\.next$', action: 'kill' }],
		['deciding the commit (after)', { op: 'rename', match: '\\.commit\\.next$', action: 'kill', when: 'after' }],
		['renaming the file into place (before)', { op: 'rename', match: '\\.partial$', action: 'kill' }],
		['renaming the file into place (after)', { op: 'rename', match: '\\.partial$', action: 'kill', when: 'after' }],
		['renaming the state into place', { op: 'rename', match: '\\.json\\.next$', action: 'kill' }],
	];
	it.each(steps)('%s', async (_step, fault) => {
		let pid = 0;
		if (fault === 'download') {
			fake.onExport = async (call, response) => {
				if (call.index !== 1) return false;
				response.writeHead(200, { 'content-type': 'application/zip', 'content-length': 100_000 });
				response.write(Buffer.alloc(20_000));
				await new Promise((r) => setTimeout(r, 50));
				process.kill(pid, 'SIGKILL');
				return true;
			};
		}
		const killed = await run(file, fault === 'download' ? undefined : fault, (p) => (pid = p));
		expect(killed.signal).toBe('SIGKILL');
		// What the killed run left (its download folder, its spool) is the rerun's to remove.
		if (fault === 'download') expect(leftovers().length).toBeGreaterThan(0);
		fake.onExport = undefined;
		const rerun = await run(file);
		expect([rerun.code, rerun.stderr]).toEqual([0, expect.any(String)]);
		expect(published().sort()).toEqual(truthUpTo(firstHour(killed.stderr)));
		expect(leftovers()).toEqual([]);
	});
});

describe('events: a connection cut in the middle of a download', () => {
	it('is downloaded again, and the run delivers every event once', async () => {
		fake.onExport = async (call, response) => {
			if (call.index !== 1) return false;
			response.writeHead(200, { 'content-type': 'application/zip', 'content-length': 100_000 });
			response.write(Buffer.alloc(20_000));
			await new Promise((r) => setTimeout(r, 20));
			response.socket?.destroy();
			return true;
		};
		const result = await run(file);
		expect(result.code).toBe(0);
		expect(fake.exports).toHaveLength(3);
		expect(published().sort()).toEqual(truthUpTo(firstHour(result.stderr)));
	});
});

describe('events to stdout: kill -9, then a rerun', () => {
	it('loses nothing and repeats nothing when killed before a window reached the reader', async () => {
		const killed = await run(['--raw'], { op: 'write', match: '\\.partial$', nth: 2, action: 'kill' });
		expect(killed.signal).toBe('SIGKILL');
		const rerun = await run(['--raw']);
		expect(rerun.code).toBe(0);
		expect([...uuidsOf(killed.stdout), ...uuidsOf(rerun.stdout)].sort()).toEqual(truthUpTo(firstHour(killed.stderr)));
	});

	it('loses nothing and repeats nothing when killed after a window was committed', async () => {
		const killed = await run(['--raw'], { op: 'rename', match: '\\.commit\\.next$', nth: 1, action: 'kill', when: 'after' });
		expect(killed.signal).toBe('SIGKILL');
		const rerun = await run(['--raw']);
		expect(rerun.code).toBe(0);
		expect([...uuidsOf(killed.stdout), ...uuidsOf(rerun.stdout)].sort()).toEqual(truthUpTo(firstHour(killed.stderr)));
	});

	it('repeats at most the one hour being handed over when killed between the copy and the commit (the README says so)', async () => {
		const killed = await run(['--raw'], { op: 'rename', match: '\\.commit\\.next$', nth: 2, action: 'kill' });
		expect(killed.signal).toBe('SIGKILL');
		const rerun = await run(['--raw']);
		expect(rerun.code).toBe(0);
		const truth = truthUpTo(firstHour(killed.stderr));
		const all = [...uuidsOf(killed.stdout), ...uuidsOf(rerun.stdout)];
		expect([...new Set(all)].sort()).toEqual(truth);
		// Stdout gets each hour as its own unit: the second hour was copied, its commit not decided; it comes again,
		// and nothing else does.
		expect(all.length - truth.length).toBe(perHour);
	});
});

describe('events: a full disk (ENOSPC) or a failing one (EIO) at each write leaves paths and state as they were', () => {
	const faults: Array<[string, Fault, string[]]> = [
		['the spool', { op: 'write', match: '\\.partial$', nth: 2, action: 'ENOSPC' }, file],
		['the gzip spool', { op: 'write', match: '\\.partial$', nth: 1, action: 'ENOSPC' }, ['--raw', '-o', 'out/ev-{start}-{end}.ndjson.gz']],
		['the next state', { op: 'open', match: '\\.json\\.next$', action: 'ENOSPC' }, file],
		['the journal', { op: 'open', match: '\\.commit\\.next$', action: 'EIO' }, file],
		['fsync of the spool', { op: 'sync', match: '\\.partial$', action: 'EIO' }, file],
		['TMPDIR', { op: 'mkdtemp', match: 'amp-import-events-', action: 'ENOSPC' }, file],
		['the next state, on stdout', { op: 'open', match: '\\.json\\.next$', nth: 2, action: 'ENOSPC' }, ['--raw']],
	];
	it.each(faults)('%s: exit 74, then a rerun completes exactly', async (_what, fault, args) => {
		const failed = await run(args, fault);
		expect([failed.code, failed.stderr]).toEqual([74, expect.stringMatching(/ERR_AMP_IO .*(ENOSPC|EIO)/)]);
		const before = cursor();
		if (args.includes('-o')) {
			expect(published()).toEqual([]);
			expect(before).toBeUndefined();
		}
		expect(leftovers()).toEqual([]);
		const rerun = await run(args);
		expect(rerun.code).toBe(0);
		const got = args.includes('-o') ? published() : [...uuidsOf(failed.stdout), ...uuidsOf(rerun.stdout)];
		expect(got.sort()).toEqual(truthUpTo(firstHour(failed.stderr)));
	});
});

describe('events: a real full disk (a small tmpfs, where this machine allows mounts)', () => {
	const mountable = (() => {
		if (process.getuid?.() !== 0) return false;
		const probe = mkdtempSync(join(tmpdir(), 'amp-import-mount-probe-'));
		try {
			execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
			execFileSync('umount', [probe], { stdio: 'ignore' });
			return true;
		} catch {
			return false; // the seam-injected cases above stand in for it
		} finally {
			rmSync(probe, { recursive: true, force: true });
		}
	})();
	(mountable ? it : it.skip)('the output folder fills up: exit 74, nothing published, no state; after space is freed the rerun is exact', async () => {
		const small = join(home.path, 'small');
		mkdirSync(small);
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48k', 'tmpfs', small]);
		try {
			const args = ['--raw', '-o', 'small/ev-{start}-{end}.ndjson'];
			const full = await run(args);
			expect([full.code, full.stderr]).toEqual([74, expect.stringContaining('ENOSPC')]);
			expect(readdirSync(small)).toEqual([]);
			expect(cursor()).toBeUndefined();
			execFileSync('mount', ['-o', 'remount,size=4m', small]);
			const rerun = await run(args);
			expect(rerun.code).toBe(0);
			const got = readdirSync(small).flatMap((f) => uuidsOf(readFileSync(join(small, f), 'utf8')));
			expect(got.sort()).toEqual(truthUpTo(firstHour(full.stderr)));
		} finally {
			execFileSync('umount', [small]);
		}
	});
});

describe('events to stdout: a reader that goes away while the next window is being fetched', () => {
	it('stops at once with exit 0 and cuts the fetch short, instead of waiting for it', async () => {
		// The first window answers; every later one is held open (Amplitude still building it). The run reads ahead
		// into the next window while an hour is handed to the reader, who then goes away.
		let closedByClient: () => void = () => undefined;
		const cut = new Promise<void>((resolve) => (closedByClient = resolve));
		fake.onExport = (call, response) => {
			if (call.index === 0) return false;
			response.on('close', () => closedByClient());
			return true; // never answered
		};
		const started = Date.now();
		const { code, stderr } = await spawnCli(['events', '--start', '2026-10-01T00', '--end', '2026-10-01T09', '--window-hours', '2', '-o', '-'], { env, cwd: home.path, closeStdoutAfterFirstChunk: true });
		expect([code, stderr]).toEqual([0, expect.stringContaining('output closed by the reader')]);
		expect(fake.exports.length).toBe(2); // the second window had been asked for
		await expect(Promise.race([cut.then(() => 'cut'), new Promise((resolve) => setTimeout(() => resolve('still open'), 3000))])).resolves.toBe('cut');
		expect(Date.now() - started).toBeLessThan(20_000);
	});
});
