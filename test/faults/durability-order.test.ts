import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startFakeAmplitude, type FakeAmplitude } from '../helpers/fake-amplitude-server.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { isolatedEnv, tempDir } from '../helpers/run.js';

/*
What a kill -9 cannot show (the kernel keeps what a killed process wrote): that every file is on disk before its
name makes it visible, and every rename is on disk before the step that relies on it. A power loss tests that; here
the real process logs each open, write, fsync and rename (test/helpers/fault-preload.mjs), and the log is held to
the rules a power loss needs.
*/

let fake: FakeAmplitude;
beforeAll(async () => {
	fake = await startFakeAmplitude({ eventsPerHour: 3 });
	fake.cohorts = [{ id: 'c1', name: 'Buyers', lastComputed: 1_700_000_000, csv: () => '"amplitude_id","user_id"\n"11","u1"\n"12","u2"\n' }];
});
afterAll(() => fake.close());

type Op = { op: string; path: string; to?: string };

/** The rules: a file renamed into place was fsynced after its last write; a rename is followed by an fsync of its folder. */
function durabilityProblems(ops: Op[]): string[] {
	const problems: string[] = [];
	const lastWrite = new Map<string, number>();
	const lastSync = new Map<string, number>();
	ops.forEach((o, i) => {
		if (o.op === 'write') lastWrite.set(o.path, i);
		if (o.op === 'sync' || o.op === 'datasync') lastSync.set(o.path, i);
		if (o.op !== 'rename') return;
		const written = lastWrite.get(o.path);
		if (written !== undefined && !((lastSync.get(o.path) ?? -1) > written)) problems.push(`${o.path} renamed without an fsync after its last write`);
		const folderSynced = ops.slice(i + 1).findIndex((later) => later.op === 'sync' && later.path === dirname(o.to!));
		const nextRename = ops.slice(i + 1).findIndex((later) => later.op === 'rename');
		if (folderSynced === -1) problems.push(`rename to ${o.to} never made durable (no fsync of its folder)`);
		else if (o.path.endsWith('.commit.next') && nextRename !== -1 && nextRename < folderSynced) problems.push('the commit was applied before its decision was durable');
	});
	return problems;
}

async function loggedRun(args: string[]): Promise<{ ops: Op[]; code: number | null }> {
	const home = tempDir();
	mkdirSync(join(home.path, 'out'));
	const log = join(home.path, 'fs.log');
	try {
		const env = isolatedEnv(home.path, { AMPLITUDE_API_KEY: 'order-key', AMPLITUDE_SECRET_KEY: 'order-secret-1', AMPLITUDE_BASE_URL: fake.url });
		const result = await spawnCli(args, { env, cwd: home.path, fsLog: log });
		const ops = readFileSync(log, 'utf8')
			.split('\n')
			.filter(Boolean)
			.map((line) => {
				const [op, path, to] = line.split('\t');
				return { op: op!, path: path!, to };
			});
		return { ops, code: result.code };
	} finally {
		home.cleanup();
	}
}

describe('durability order, as a power loss needs it', () => {
	it.each([
		['events to a file', ['events', '--backfill-days', '2', '-o', 'out/ev-{start}-{end}.ndjson']],
		['events to a gzip file', ['events', '--backfill-days', '1', '-o', 'out/ev-{start}.ndjson.gz']],
		['events to stdout', ['events', '--backfill-days', '2']],
		['cohorts to a file', ['cohorts', '-o', 'out/c-{time}.ndjson']],
		['cohorts to stdout', ['cohorts']],
	])('%s', async (_what, args) => {
		const { ops, code } = await loggedRun(args);
		expect(code).toBe(0);
		expect(ops.filter((o) => o.op === 'rename').length).toBeGreaterThan(1);
		expect(durabilityProblems(ops)).toEqual([]);
	});

	it('the rules catch a file renamed before its fsync, and a decision applied before it is durable', () => {
		expect(durabilityProblems([{ op: 'write', path: '/o/.a.partial' }, { op: 'rename', path: '/o/.a.partial', to: '/o/a' }, { op: 'sync', path: '/o' }])).toEqual([
			'/o/.a.partial renamed without an fsync after its last write',
		]);
		expect(
			durabilityProblems([
				{ op: 'rename', path: '/s/x.commit.next', to: '/s/x.commit' },
				{ op: 'rename', path: '/o/.a.partial', to: '/o/a' },
				{ op: 'sync', path: '/s' },
				{ op: 'sync', path: '/o' },
			]),
		).toEqual(['the commit was applied before its decision was durable']);
	});
});
