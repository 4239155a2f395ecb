import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inOrder, WorkerPool, workerNice } from '../../../src/pipeline/worker-pool.js';
import { createBlockProcessor, type BlockOptions, type BlockResult } from '../../../src/events/event-block.js';
import { eventFieldTable } from '../../../src/mapping/events-table.js';
import { prng, syntheticEvent } from '../../../scripts/synthetic-export.js';

// Jest runs the TypeScript sources; the worker runs the build (`npm test` builds first).
const builtWorker = new URL('../../../dist/events/event-worker.js', import.meta.url);

describe('WorkerPool with the real event worker', () => {
	it('gives the same results on worker threads as inline, block after block, with buffers handed over', async () => {
		expect(existsSync(fileURLToPath(builtWorker))).toBe(true);
		const options: BlockOptions = { shape: 'mapped', rows: [...eventFieldTable] };
		const inline = createBlockProcessor(options);
		const pool = new WorkerPool<Uint8Array, BlockResult>({ script: builtWorker, workerData: options, size: 2, inline: () => inline, resourceLimits: { maxYoungGenerationSizeMb: 6 } });
		try {
			expect(pool.threads).toBe(2);
			const rand = prng(11);
			const texts = Array.from({ length: 6 }, (_, b) => Array.from({ length: 40 }, (_, i) => JSON.stringify(syntheticEvent(rand, Date.UTC(2026, 9, 1), b * 40 + i))).join('\n') + '\n');
			const fromWorkers = await Promise.all(texts.map((t) => {
				const bytes = new Uint8Array(Buffer.from(t));
				return pool.run(bytes, [bytes.buffer]);
			}));
			for (let i = 0; i < texts.length; i++) {
				const expected = inline(new Uint8Array(Buffer.from(texts[i]!)));
				expect(Buffer.from(fromWorkers[i]!.bytes).toString()).toBe(Buffer.from(expected.bytes).toString());
				expect([...fromWorkers[i]!.ids]).toEqual([...expected.ids]);
			}
		} finally {
			await pool.close();
		}
	});

	// Linux: a thread's nice value is field 19 of /proc/self/task/<tid>/stat (after the parenthesised name).
	const niceOfThreads = () =>
		readdirSync('/proc/self/task').map((tid) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]));
	(process.platform === 'linux' ? it : it.skip)('runs its worker threads at the lowest priority, and only them', async () => {
		const before = niceOfThreads();
		const options: BlockOptions = { shape: 'raw', rows: [] };
		const pool = new WorkerPool<Uint8Array, BlockResult>({ script: builtWorker, workerData: options, size: 2, inline: () => createBlockProcessor(options) });
		try {
			const bytes = new Uint8Array(Buffer.from('{"uuid":"a"}\n'));
			await pool.run(bytes, [bytes.buffer]);
			await pool.run(new Uint8Array(Buffer.from('{"uuid":"b"}\n')));
			const after = niceOfThreads();
			expect(after.filter((n) => n === workerNice).length - before.filter((n) => n === workerNice).length).toBe(2);
			expect(niceOfThreads()[0]).toBe(before[0]); // the main thread (its tid is the pid, listed first) keeps its own
		} finally {
			await pool.close();
		}
	});

	it('runs inline when the worker script is absent (sources run untranspiled)', async () => {
		const pool = new WorkerPool<number, number>({ script: new URL('./no-such-worker.js', import.meta.url), workerData: null, size: 2, inline: () => (n) => n * 2 });
		expect(pool.threads).toBe(0);
		expect(await pool.run(21)).toBe(42);
		await pool.close();
	});
});

describe('inOrder', () => {
	type Marker = { checkpoint: string };
	const isMarker = (x: number | Marker): x is Marker => typeof x === 'object';

	it('yields results in input order whatever order they finish in, markers in place, with a bounded number in flight', async () => {
		let inFlight = 0;
		let most = 0;
		const run = async (n: number) => {
			most = Math.max(most, ++inFlight);
			await new Promise((resolve) => setTimeout(resolve, (7 - (n % 7)) * 2));
			inFlight--;
			return n * 10;
		};
		const source = async function* () {
			for (let i = 0; i < 20; i++) {
				yield i;
				if (i % 6 === 5) yield { checkpoint: `after ${i}` };
			}
		};
		const out: (number | Marker)[] = [];
		for await (const item of inOrder<number, number, Marker>(run, isMarker, 3)(source())) out.push(item);
		const expected: (number | Marker)[] = [];
		for (let i = 0; i < 20; i++) {
			expected.push(i * 10);
			if (i % 6 === 5) expected.push({ checkpoint: `after ${i}` });
		}
		expect(out).toEqual(expected);
		expect(most).toBeLessThanOrEqual(3);
	});

	it('fails with the first failure in order, and an early failure is not reported as unhandled', async () => {
		const run = async (n: number) => {
			if (n === 1) throw new Error('block 1 failed');
			await new Promise((resolve) => setTimeout(resolve, 5));
			return n;
		};
		const out: number[] = [];
		const iterate = async () => {
			for await (const item of inOrder<number, number, never>(run, (x): x is never => false, 4)((async function* () { yield* [0, 1, 2, 3]; })())) out.push(item);
		};
		await expect(iterate()).rejects.toThrow('block 1 failed');
		expect(out).toEqual([0]);
	});
	it('works ahead while the consumer handles a marker, and what comes after a marker, failures too, reaches it only after the marker', async () => {
		const started: number[] = [];
		const run = async (n: number) => {
			started.push(n);
			return n;
		};
		const source = async function* () {
			yield 0;
			yield { checkpoint: 'unit 1' };
			yield 1;
			yield 2;
			throw new Error('unit 2 failed');
		};
		const seen: (number | Marker | string)[] = [];
		const iterate = async () => {
			for await (const item of inOrder<number, number, Marker>(run, isMarker, 4)(source())) {
				seen.push(item);
				if (isMarker(item)) {
					// A commit that takes a while: the next unit's items are run meanwhile.
					await new Promise((resolve) => setTimeout(resolve, 20));
					seen.push(`committed with ${started.length} started`);
				}
			}
		};
		await expect(iterate()).rejects.toThrow('unit 2 failed');
		expect(seen).toEqual([0, { checkpoint: 'unit 1' }, 'committed with 3 started', 1, 2]);
	});

	it('keeps at most maxInFlight results ahead of a consumer that is busy, and stops the source when the consumer stops', async () => {
		let pulled = 0;
		let stopped = 0;
		const source = async function* () {
			try {
				for (let i = 0; ; i++) {
					pulled = i + 1;
					yield i;
				}
			} finally {
				stopped++;
			}
		};
		let stopSource = 0;
		const out: number[] = [];
		for await (const item of inOrder<number, number, never>(async (n) => n, (x): x is never => false, 3, { stopSource: () => stopSource++ })(source())) {
			out.push(item);
			await new Promise((resolve) => setTimeout(resolve, 5));
			// Three results queued ahead at most, and the one waiting for room.
			expect(pulled - out.length).toBeLessThanOrEqual(4);
			if (out.length === 5) break;
		}
		expect(out).toEqual([0, 1, 2, 3, 4]);
		expect(stopSource).toBe(1);
		expect(stopped).toBe(1);
	});
});
