import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RunOutput } from '../../../src/delivery/run-output.js';
import { removeLeftovers, tempTag } from '../../../src/delivery/leftovers.js';
import { AmpImportError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/run.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
	dir = tempDir();
});
afterEach(() => dir.cleanup());
const now = new Date('2026-11-28T10:41:07Z');

const open = (output: string | undefined, options: { lost?: Error; job?: 'events' | 'cohorts'; commits?: number[][] } = {}) =>
	RunOutput.open<number>({
		job: options.job ?? 'events',
		output,
		cwd: dir.path,
		stdout: new PassThrough(),
		gzip: false,
		names: (done) => ({ first: Date.UTC(2026, 9, 1), last: Date.UTC(2026, 9, 1, done?.at(-1) ?? 23), now }),
		stateful: true,
		overwrite: false,
		lockLost: () => options.lost,
		commit: async (units, renames) => {
			options.commits?.push(units);
			const { renameSync } = await import('node:fs');
			for (const r of renames) renameSync(r.from, r.to);
		},
		tag: tempTag('events', 'us-test'),
	});

describe('RunOutput', () => {
	it('commits nothing once the lock was lost: the file is not published', async () => {
		const output = await open('ev.ndjson', { lost: new AmpImportError('lock-held', 'lost the run lock') });
		await pipeline(Readable.from(['a\n', { checkpoint: 1 }]), output.sink);
		await expect(output.finish()).rejects.toThrow('lost the run lock');
		expect(readdirSync(dir.path)).toEqual([]);
	});

	it('publishes the complete units of a failed run only when the name says which ({end}), under that name', async () => {
		const plain = await open('ev.ndjson');
		await pipeline(Readable.from(['a\n', { checkpoint: 1 }, 'b\n']), plain.sink);
		expect(await plain.fail()).toBeUndefined();
		const named = await open('ev-{end}.ndjson');
		await pipeline(Readable.from(['a\n', { checkpoint: 5 }, 'b\n']), named.sink);
		expect(await named.fail()).toBe(join(dir.path, 'ev-20261001T05.ndjson'));
		expect(readdirSync(dir.path)).toEqual(['ev-20261001T05.ndjson']);
		const cohorts = await open('c-{start}.ndjson', { job: 'cohorts' });
		await pipeline(Readable.from(['a\n', { checkpoint: 1 }]), cohorts.sink);
		expect(await cohorts.fail()).toBeUndefined();
	});

	it('removes the temp files of dead runs: all of its own project under the lock, only dead pids without one', async () => {
		const mine = `.ev.ndjson.${tempTag('events', 'us-test')}.partial`;
		const stateless = `${tempTag('events', undefined).replace(String(process.pid), '999999')}.stdout.partial`;
		const live = `${tempTag('events', undefined)}.stdout.partial`;
		const other = `.ev.ndjson.${tempTag('events', 'eu-other')}.partial`;
		for (const name of [mine, stateless, live, other, 'events.ndjson']) writeFileSync(join(dir.path, name), 'x');
		expect(await removeLeftovers('events', 'us-test', [dir.path])).toBe(1);
		expect(await removeLeftovers('events', undefined, [dir.path])).toBe(1);
		expect(readdirSync(dir.path).sort()).toEqual([live, other, 'events.ndjson'].sort());
	});
});
