import { describe, expect, it } from '@jest/globals';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OutputSink, type SinkItem } from '../../../src/pipeline/output-sink.js';

/** A promise and the function that settles it, to hold a delivery open. */
function gate() {
	let open!: () => void;
	const opened = new Promise<void>((resolve) => (open = resolve));
	return { open, opened };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

/** A stdout sink whose deliveries are logged and can be held; `seen` is what reached the reader. */
function stdoutSink(tag: string, deliverHook: (marker: number) => Promise<void> = async () => undefined) {
	const stdout = new PassThrough();
	const state = { seen: '', log: [] as string[] };
	stdout.on('data', (c: Buffer) => (state.seen += c.toString()));
	const sink = new OutputSink<number>(
		{ kind: 'stdout', stream: stdout },
		{
			gzip: false,
			highWaterMark: 1,
			spoolTag: tag,
			deliver: async (marker, copy) => {
				state.log.push(`start ${marker}`);
				await copy();
				await deliverHook(marker);
				state.log.push(`done ${marker}`);
			},
		},
	);
	return { sink, state };
}

const spoolsOf = (tag: string) => readdirSync(tmpdir()).filter((name) => name.startsWith(tag));

describe('unit spools (stdout and Lytics)', () => {
	it('writes the next unit while one is delivered, and delivers units one at a time, in order', async () => {
		const hold = gate();
		const tag = `amp-import-test-overlap-${process.pid}`;
		const { sink, state } = stdoutSink(tag, (m) => (m === 1 ? hold.opened : Promise.resolve()));
		await sink.open();
		expect(spoolsOf(tag)).toHaveLength(2);
		const pulled: string[] = [];
		async function* source(): AsyncGenerator<SinkItem<number>> {
			yield 'a\n';
			yield { checkpoint: 1 };
			yield 'b\n';
			pulled.push(`b while ${state.log.join(',')}`);
			yield 'c\n';
			yield { checkpoint: 2 };
		}
		const piping = pipeline(Readable.from(source()), sink);
		await tick();
		// Unit 1 is on stdout and held in its delivery step; unit 2 has been written meanwhile, not delivered.
		expect(state.seen).toBe('a\n');
		expect(pulled).toEqual(['b while start 1']);
		expect(state.log).toEqual(['start 1']);
		// Written, not only read: unit 1 (2 bytes) in the spool being delivered, unit 2 (4 bytes) in the other.
		expect(spoolsOf(tag).map((name) => statSync(join(tmpdir(), name)).size).sort()).toEqual([2, 4]);
		hold.open();
		await piping;
		await sink.commit();
		expect(state.log).toEqual(['start 1', 'done 1', 'start 2', 'done 2']);
		expect(state.seen).toBe('a\nb\nc\n');
		expect(spoolsOf(tag)).toEqual([]);
	});

	it('lets a unit being delivered finish whole when the next one fails, then gives the rest up', async () => {
		const hold = gate();
		const tag = `amp-import-test-fail-next-${process.pid}`;
		const { sink, state } = stdoutSink(tag, (m) => (m === 1 ? hold.opened : Promise.resolve()));
		await sink.open();
		async function* source(): AsyncGenerator<SinkItem<number>> {
			yield 'a\n';
			yield { checkpoint: 1 };
			yield 'b\n';
			throw new Error('hour 2 is corrupt');
		}
		await expect(pipeline(Readable.from(source()), sink)).rejects.toThrow('hour 2 is corrupt');
		let aborted = false;
		const aborting = sink.abort().then(() => (aborted = true));
		await tick();
		expect(aborted).toBe(false); // waits for unit 1's delivery (its commit) to end
		hold.open();
		await aborting;
		expect(state.log).toEqual(['start 1', 'done 1']);
		expect(state.seen).toBe('a\n');
		expect(spoolsOf(tag)).toEqual([]);
	});

	it('stops the pipeline as soon as a delivery fails, with that failure', async () => {
		const tag = `amp-import-test-fail-delivery-${process.pid}`;
		const { sink, state } = stdoutSink(tag, async (m) => {
			if (m === 1) throw new Error('commit of unit 1 failed');
		});
		await sink.open();
		let produced = 0;
		// A source that would go on for a long time: only the failure can end the pipeline.
		async function* source(): AsyncGenerator<SinkItem<number>> {
			yield 'a\n';
			yield { checkpoint: 1 };
			for (;;) {
				produced++;
				yield `${produced}\n`;
				await tick();
			}
		}
		await expect(pipeline(Readable.from(source()), sink)).rejects.toThrow('commit of unit 1 failed');
		expect(produced).toBeLessThan(20);
		await sink.abort();
		expect(state.log).toEqual(['start 1']);
		expect(spoolsOf(tag)).toEqual([]);
	});
});
