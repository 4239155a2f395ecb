import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { readFileSync, writeFileSync, existsSync, statSync, mkdirSync, utimesSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { lockStaleMs, RunLock } from '../../../src/state/lock.js';
import { eventsStateFiles } from '../../../src/state/events-state.js';
import { projectKey } from '../../../src/state/project-key.js';
import { AmpImportError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/run.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
	dir = tempDir();
});
afterEach(() => dir.cleanup());
const now = new Date('2026-11-28T10:00:00Z');

describe('run lock', () => {
	it('lets one run in, turns a second away with exit 75, and frees on release', async () => {
		const first = new RunLock(join(dir.path, 'a.lock'));
		await first.acquire('events', now);
		const error = await new RunLock(join(dir.path, 'a.lock')).acquire('events', now).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AmpImportError);
		expect((error as AmpImportError).exitCode).toBe(75);
		expect((error as AmpImportError).message).toContain(`pid ${process.pid}`);
		await first.release();
		expect(existsSync(join(dir.path, 'a.lock'))).toBe(false);
	});

	/** A lock left by a holder described by `owner`, its directory last touched `ageMs` ago. */
	const leftLock = (name: string, owner: Record<string, unknown>, ageMs: number) => {
		const path = join(dir.path, name);
		mkdirSync(path);
		writeFileSync(`${path}.owner.json`, JSON.stringify({ startedAt: 'then', command: 'events', lockIno: statSync(path).ino, ...owner }));
		const then = new Date(Date.now() - ageMs);
		utimesSync(path, then, then);
		return path;
	};
	const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
	const here = () => ({ host: hostname(), pidNamespace: readlinkSync('/proc/self/ns/pid'), bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() });

	it('takes over at once the lock of a process that no longer exists in this PID namespace', async () => {
		const path = leftLock('b.lock', { pid: deadPid(), ...here() }, 0);
		const lock = new RunLock(path);
		await lock.acquire('events', now);
		expect(JSON.parse(readFileSync(`${path}.owner.json`, 'utf8')).pid).toBe(process.pid);
		await lock.release();
		expect(existsSync(path)).toBe(false);
	});

	it('takes over a lock its holder stopped refreshing, wherever the holder ran (another host, PID 1 of a dead container)', async () => {
		for (const [name, owner] of [
			['host.lock', { pid: 4242, host: 'another-host', pidNamespace: 'pid:[1]', bootId: 'x' }],
			['container.lock', { pid: 1, host: hostname(), pidNamespace: 'pid:[4026532999]', bootId: here().bootId }],
		] as const) {
			const path = leftLock(name, owner, lockStaleMs + 5_000);
			const lock = new RunLock(path);
			await lock.acquire('events', now);
			expect(JSON.parse(readFileSync(`${path}.owner.json`, 'utf8')).pid).toBe(process.pid);
			await lock.release();
		}
	});

	it('never displaces a live holder: a fresh lock of another host, or of a live pid here', async () => {
		const other = leftLock('fresh.lock', { pid: 4242, host: 'another-host' }, 1_000);
		expect(await new RunLock(other).acquire('events', now).catch((e: unknown) => (e as AmpImportError).exitCode)).toBe(75);
		const live = leftLock('live.lock', { pid: process.ppid, ...here() }, 1_000);
		expect(await new RunLock(live).acquire('events', now).catch((e: unknown) => (e as AmpImportError).exitCode)).toBe(75);
	});

	it('refreshes its own lock while held, so a long run never looks stale', async () => {
		const lock = new RunLock(join(dir.path, 'held.lock'), 5_000);
		await lock.acquire('events', now);
		const before = statSync(join(dir.path, 'held.lock')).mtimeMs;
		await new Promise((r) => setTimeout(r, 2_200));
		expect(statSync(join(dir.path, 'held.lock')).mtimeMs).toBeGreaterThan(before);
		await lock.release();
	});

	it('tells its holder when the lock was taken from it, so the run stops before committing', async () => {
		const lost: AmpImportError[] = [];
		const lock = new RunLock(join(dir.path, 'lost.lock'), 5_000);
		await lock.acquire('events', now, (e) => lost.push(e));
		rmSync(join(dir.path, 'lost.lock'), { recursive: true }); // as another host that judged it stale would
		await new Promise((r) => setTimeout(r, 2_500));
		expect(lost.map((e) => [e.exitCode, e.code])).toEqual([[75, 'ERR_AMP_LOCKED']]);
		await lock.release();
	});

	it('takes over the lock file of an older version once it is stale', async () => {
		const path = join(dir.path, 'old.lock');
		writeFileSync(path, JSON.stringify({ pid: 4242, host: 'another-host', startedAt: 'then', command: 'events' }));
		const then = new Date(Date.now() - lockStaleMs - 5_000);
		utimesSync(path, then, then);
		const lock = new RunLock(path);
		await lock.acquire('events', now);
		expect(statSync(path).isDirectory()).toBe(true);
		await lock.release();
	});
});

describe('events state', () => {
	it('keys state by region and a hash of the API key, never the key itself', () => {
		expect(projectKey('secret-api-key', 'eu')).toMatch(/^eu-[0-9a-f]{12}$/);
		expect(eventsStateFiles(dir.path, 'secret-api-key', 'us').state.path).not.toContain('secret-api-key');
	});

	it('writes atomically with mode 0600 and reads back what it wrote', async () => {
		const { state } = eventsStateFiles(dir.path, 'k', 'us');
		expect(await state.read()).toBeUndefined();
		await state.write({ version: 1, job: 'events', region: 'us', cursor: '2026-11-28T07', updatedAt: now.toISOString() });
		expect((await state.read())?.cursor).toBe('2026-11-28T07');
		expect(statSync(state.path).mode & 0o777).toBe(0o600);
	});

	it('treats a corrupt state file as a config error (exit 78), never resetting it', async () => {
		const { state } = eventsStateFiles(dir.path, 'k', 'us');
		writeFileSync(state.path, '{"version":1,"job":"events","region":"us","cursor":"last tuesday","updatedAt":"x"}');
		const error = await state.read().catch((e: unknown) => e);
		expect((error as AmpImportError).exitCode).toBe(78);
		expect((error as AmpImportError).message).toContain('is corrupt (cursor: expected an hour like 2026-10-01T05)');
		writeFileSync(state.path, '{trunc');
		expect(((await state.read().catch((e: unknown) => e)) as AmpImportError).message).toContain('not valid JSON');
	});
});
