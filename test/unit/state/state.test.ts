import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RunLock } from '../../../src/state/lock.js';
import { eventsStateFiles, projectKey } from '../../../src/state/events-state.js';
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

	it('takes over the lock of a process that no longer exists', async () => {
		const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
		writeFileSync(join(dir.path, 'b.lock'), JSON.stringify({ pid: Number(dead), host: hostname(), startedAt: 'then', command: 'events' }));
		const lock = new RunLock(join(dir.path, 'b.lock'));
		await lock.acquire('events', now);
		expect(JSON.parse(readFileSync(join(dir.path, 'b.lock'), 'utf8')).pid).toBe(process.pid);
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
