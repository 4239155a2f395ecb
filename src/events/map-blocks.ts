import type { Logger } from '../io/logger.js';
import { byteMapperProblem } from '../mapping/byte-mapper.js';
import { dataError } from '../errors.js';
import type { FieldRow } from '../mapping/field-table.js';
import type { Checkpoint } from '../pipeline/output-sink.js';
import { BufferPool } from '../pipeline/buffer-pool.js';
import { defaultBlockBytes } from '../pipeline/lines.js';
import { defaultWorkers, inOrder, WorkerPool } from '../pipeline/worker-pool.js';
import { createBlockProcessor, type BlockOptions, type BlockResult } from './event-block.js';
import type { EntryBlock } from './export-source.js';
import { UuidWindow } from './uuid-window.js';
import type { EventsRunStats } from './stats.js';

export interface MapBlocksOptions {
	shape: 'mapped' | 'raw';
	rows: FieldRow[];
	/** Worker threads; undefined = one per core up to 4 (none on a single core). */
	workers?: number;
	dedupeWindow: number;
	onBadRecord: 'fail' | 'skip';
	stats: EventsRunStats;
	logger: Logger;
	/** Cuts short the source's read in progress when the run stops early (see inOrder). */
	stopSource?: () => void;
}

type Mapped = { result: BlockResult; entry: string; firstLine: number };

/**
The mapping stage of `events`: blocks of export lines go to worker threads (scan, map, encode: the CPU
work), up to two per worker in flight, and come back in the export's order. Here, on the main thread, only what
needs the whole run's view happens: duplicates dropped by uuid, bad lines failed or counted, stats summed. Output
is bytes, ready for the sink. Memory stays flat: a few blocks of about 1 MB in flight, whatever the export's size.
*/
export function mapBlocks<M>(o: MapBlocksOptions) {
	const options: BlockOptions = { shape: o.shape, rows: o.rows };
	const slow = o.shape === 'mapped' ? byteMapperProblem(o.rows) : undefined;
	if (slow) o.logger.debug(`mapping every event on the ordinary path (parsed, not from bytes): ${slow}`);
	const pool = new WorkerPool<Uint8Array, BlockResult>({
		script: new URL('./event-worker.js', import.meta.url),
		workerData: options,
		size: o.workers ?? defaultWorkers(),
		inline: () => createBlockProcessor(options),
		// A small young generation: the byte path makes little garbage, and the default (tens of MB a worker) costs
		// RSS for no speed (docs/performance.md).
		resourceLimits: { maxYoungGenerationSizeMb: 2 },
	});
	const { maxInFlight } = pool;
	// Block buffers (from lineBlocks via `take`) own their memory: they are handed to a worker and come back with output.
	const buffers = new BufferPool(defaultBlockBytes + (256 << 10), maxInFlight + 2);
	const run = async (block: EntryBlock): Promise<Mapped> => {
		const result = await pool.run(block.bytes, [block.bytes.buffer as ArrayBuffer]);
		return { result, entry: block.entry, firstLine: block.firstLine };
	};
	const isCheckpoint = (item: EntryBlock | Checkpoint<M>): item is Checkpoint<M> => 'checkpoint' in item;
	const parallel = inOrder<EntryBlock, Mapped, Checkpoint<M>>(run, isCheckpoint, maxInFlight, { stopSource: o.stopSource });
	const recent = new UuidWindow(o.dedupeWindow);
	const { stats } = o;

	async function* output(source: AsyncIterable<Mapped | Checkpoint<M>>): AsyncGenerator<Uint8Array | Checkpoint<M>> {
		for await (const item of source) {
			if ('checkpoint' in item) {
				yield item;
				continue;
			}
			const { result, entry, firstLine } = item;
			if (result.bad.length) countBad(result, entry, firstLine);
			for (const [field, count] of result.badValues) stats.mapping.recordBad(field, count);
			for (const [reason, count] of result.fallbacks) stats.fallbacks.set(reason, (stats.fallbacks.get(reason) ?? 0) + count);
			stats.eventsRead += result.events;
			const duplicates: number[] = [];
			let other = 0;
			for (let i = 0; i < result.events; i++) {
				const kind = result.idKinds[i];
				if (kind === 1 ? recent.seenWords(result.ids, i * 4) : kind === 2 && recent.seenOther(result.otherIds[other++]!)) duplicates.push(i);
			}
			stats.duplicatesDropped += duplicates.length;
			stats.events += result.events - duplicates.length;
			let bytes = result.bytes;
			if (duplicates.length) {
				bytes = dropLines(result.bytes, duplicates);
				buffers.give(result.bytes);
			}
			if (bytes.length) yield bytes;
			else buffers.give(bytes);
		}
	}

	function countBad(result: BlockResult, entry: string, firstLine: number): void {
		const where = (i: number) => `entry ${entry} line ${firstLine + result.bad[i]!}`;
		if (o.onBadRecord === 'fail') {
			throw dataError(`${where(0)} is not a JSON object: ${JSON.stringify(result.badSamples[0])}`, 'Set events.onBadRecord: skip to count and skip such lines.');
		}
		for (let i = 0; i < result.bad.length; i++) {
			stats.badRecordsSkipped++;
			if (stats.badRecordsSkipped <= 10) o.logger.warn(`skipping ${where(i)}: not a JSON object`);
		}
	}

	return {
		stage: (source: AsyncIterable<EntryBlock | Checkpoint<M>>) => output(parallel(source)),
		threads: pool.threads,
		/** Block buffers for the source, and their return once the sink has written them. */
		take: (size: number) => buffers.take(size),
		release: (bytes: Uint8Array) => buffers.give(bytes),
		close: () => pool.close(),
	};
}

/** The output without the lines at `drop` (sorted indexes): output lines never hold a raw newline. */
function dropLines(bytes: Uint8Array, drop: number[]): Uint8Array {
	const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const kept: Buffer[] = [];
	let line = 0;
	let next = 0;
	for (let start = 0; start < buf.length; line++) {
		const end = buf.indexOf(10, start) + 1 || buf.length;
		if (line === drop[next]) next++;
		else kept.push(buf.subarray(start, end));
		start = end;
	}
	return Buffer.concat(kept);
}
