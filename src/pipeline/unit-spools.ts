import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { YoungCollector } from '../runtime/young-collector.js';
import type { UnitCopy } from './sink-items.js';
import { writeOrClosed } from './stdout-writes.js';

/** A spool file, open for reading and writing. */
export interface Spool {
	handle: FileHandle;
	path: string;
}

/**
The spools of stdout and Lytics, which deliver unit by unit: two files, one filling with the next unit while the
other's unit is delivered (copied to the reader, or sent to Lytics, and committed with its state by `deliver`).
Deliveries run one at a time and in unit order: a unit's starts only once the one before it is committed. So the
pipeline goes on mapping and writing while an hour is copied out, where it used to wait for the copy; what a unit
holds is still delivered whole before anything of the next one, and a failure of the next one cannot cut it short
(the sink waits for the delivery in progress before it gives up; see OutputSink.abort).
*/
export class UnitSpools<M> {
	#filling: Spool;
	#standby: Spool;
	#delivering: Promise<void> = Promise.resolve();
	/** Bytes copied out so far (stdout). */
	bytesOut = 0;

	constructor(
		spools: [Spool, Spool],
		private readonly o: {
			/** Stdout's stream; undefined for Lytics (`deliver` reads the unit itself). */
			stream?: Writable;
			/** The receiver is done with a chunk when its write resolves, so one buffer serves every chunk. */
			reuseCopyBuffer: boolean;
			/** Delivers and commits a unit (`copy` reads it); without it, the unit is copied to `stream`. */
			deliver?: (marker: M, copy: UnitCopy) => Promise<void>;
			/** Told of a delivery's failure as it happens (the sink stops its pipeline with it). */
			onFailure: (error: unknown) => void;
		},
	) {
		[this.#filling, this.#standby] = spools;
	}

	/** The spool the next unit is written to. */
	get filling(): Spool {
		return this.#filling;
	}

	/**
	Hands the filled spool's unit (its first `length` bytes) over for delivery, once the unit before it is delivered
	(whose failure this throws), and makes the other spool the one to fill.
	*/
	async handOver(marker: M, length: number): Promise<void> {
		await this.#delivering;
		const spool = this.#filling;
		this.#filling = this.#standby;
		this.#standby = spool;
		this.#delivering = this.#deliver(marker, spool, length);
		this.#delivering.catch(this.o.onFailure);
	}

	/** Resolves when no delivery is in progress; rejects with the failure of the last one. */
	settled(): Promise<void> {
		return this.#delivering;
	}

	/** Both spools, to close and remove. */
	spools(): Spool[] {
		return [this.#filling, this.#standby];
	}

	async #deliver(marker: M, spool: Spool, length: number): Promise<void> {
		const { stream } = this.o;
		const toStdout = stream && ((chunk: Buffer) => writeOrClosed(stream, chunk));
		const copy: UnitCopy = (into = toStdout) => {
			if (!into) throw new Error('UnitSpools: a Lytics unit is copied into its deliverer');
			return this.#copy(spool.handle, length, into);
		};
		await (this.o.deliver ? this.o.deliver(marker, copy) : copy());
		await spool.handle.truncate(0);
	}

	/**
	One buffer for every copy, where the receiver is done with a chunk when it has taken it: a units target's
	deliverer (it copies what it keeps), a stream on a file descriptor. Fresh 1 MB Buffers per chunk were hundreds of
	MB of external memory on a run, which cost the main thread collections and CPU (docs/performance.md).
	*/
	#copyBuffer?: Buffer;
	/** Chunks for a stream that may keep them are fresh Buffers: spent ones are freed by a collection (RSS). */
	readonly #collector = new YoungCollector();

	async #copy(handle: FileHandle, length: number, into: (chunk: Buffer) => Promise<void>): Promise<void> {
		const copyBuffer = this.o.reuseCopyBuffer ? (this.#copyBuffer ??= Buffer.allocUnsafe(1 << 20)) : undefined;
		for (let position = 0; position < length; ) {
			const size = Math.min(1 << 20, length - position);
			const buffer = copyBuffer ? copyBuffer.subarray(0, size) : Buffer.allocUnsafe(size);
			if (!copyBuffer) this.#collector.count(size);
			const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
			if (bytesRead === 0) throw new Error(`UnitSpools: the spool ended ${length - position} bytes early`);
			position += bytesRead;
			await into(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
			this.bytesOut += bytesRead;
		}
	}
}
