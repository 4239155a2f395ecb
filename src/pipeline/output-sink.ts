import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { fsError } from '../errors.js';
import { FlushAhead } from './flush-ahead.js';
import { OutputClosedError, ownsWrittenChunks } from './stdout-writes.js';
import type { Checkpoint, SinkItem, SinkTarget, UnitCopy } from './sink-items.js';
import { UnitSpools, type Spool } from './unit-spools.js';

export { OutputClosedError };
export type { Checkpoint, SinkItem, SinkTarget, UnitCopy };

/**
The end of every pipeline: NDJSON text in, durable output out, with checkpoints between units of work.

Text goes to a spool file first. At each checkpoint the current segment is finished (a gzip member ended, so the
file is valid gzip up to there). For stdout (and Lytics) the unit is then delivered from its spool while the next
one fills another (unit-spools.ts), so a reader only ever sees whole units; for a file the spool *is* the output, under a hidden temporary name in the target
folder, fsynced and handed to `publish` on commit. On failure the spool is cut back to the last checkpoint: a file is removed
(or, with `keepComplete`, published with its whole units), stdout has already had exactly the units delivered.
The sink knows nothing of state: `deliver` and `publish` are where the caller commits it (state/journal.ts).
*/
export class OutputSink<M> extends Writable {
	/** The spool being written: the output's own for a file, the filling one of `#units` otherwise. */
	#spool?: Spool;
	#units?: UnitSpools<M>;
	/** The pipeline has ended the sink: a delivery failing from now on is reported by commit(), not by destroying it. */
	#ended = false;
	#offset = 0;
	/** The gzip member being written (gzip output only). */
	#segment?: { input: NodeJS.ReadWriteStream & Writable; done: Promise<void>; written: { bytes: number } };
	/** Bytes of plain output written since the last checkpoint. */
	#plainBytes = 0;
	/** File target: markers whose units are written but become visible (durable for readers) only at rename. */
	#pendingDurable: M[] = [];
	/** The write in progress: abort() lets it settle first, so a checkpoint being made is not cut in half. */
	#inflight: Promise<void> = Promise.resolve();
	/** Writes the spool's data to disk as it grows, so the final fsync is short (see FlushAhead). */
	#flushAhead?: FlushAhead;
	/** A flush of the spool failed: what it holds cannot be trusted to be on disk, so it is never published. */
	#syncFailed = false;
	#fileBytes = 0;

	/** Bytes of output: the published file's, or those copied to stdout so far. */
	get bytesOut(): number {
		return this.#units?.bytesOut ?? this.#fileBytes;
	}

	constructor(
		private readonly target: SinkTarget,
		private readonly options: {
			gzip: boolean;
			/**
			Stdout: called at each checkpoint once the unit is in the spool and fsynced; `copy` writes it to the reader.
			The caller commits its state around the copy (see state/journal.ts).
			*/
			deliver?: (marker: M, copy: UnitCopy) => Promise<void>;
			/**
			File: called with the finished, fsynced spool and the markers of the units it holds; renames it into place
			(with the state, see state/journal.ts) and returns the published path.
			*/
			publish?: (spoolPath: string, markers: M[]) => Promise<string>;
			/** Called with each byte chunk once it is written and no longer read (its buffer may be reused). */
			release?: (bytes: Uint8Array) => void;
			/**
			Items buffered before the pipeline waits (default 8). With 1 the pipeline pulls the next item only once this
			one is written, so a checkpoint is handed over (its unit's delivery begun, or its file unit recorded) before
			anything of the next unit reaches the sink; right when the source runs ahead on its own (events' workers).
			*/
			highWaterMark?: number;
			/** How much output between flushes started ahead of a checkpoint (default 32 MB; see FlushAhead). */
			flushAheadBytes?: number;
			/** Names the spool: `.<output>.<tag>.partial` beside a file, `<tag>.stdout.partial` in TMPDIR (see leftovers). */
			spoolTag?: string;
		},
	) {
		super({ objectMode: true, highWaterMark: options.highWaterMark ?? 8 });
	}

	/** Creates the spool (stdout and Lytics: both). Call before writing. */
	async open(): Promise<void> {
		const tag = this.options.spoolTag ?? `amp-import-${process.pid}-${randomBytes(4).toString('hex')}`;
		const create = async (path: string): Promise<Spool> => {
			try {
				return { handle: await open(path, 'wx+', 0o644), path };
			} catch (error) {
				throw fsError(error, `creating ${path}`);
			}
		};
		const { target } = this;
		if (target.kind === 'file') {
			this.#spool = await create(join(dirname(target.path), `.${basename(target.path)}.${tag}.partial`));
			// Only a file is made durable, so only a file's spool is written to disk ahead of its final fsync.
			const { handle } = this.#spool;
			this.#flushAhead = new FlushAhead(() => handle.datasync(), this.options.flushAheadBytes);
			return;
		}
		const first = await create(join(tmpdir(), `${tag}.${target.kind}.partial`));
		const second = await create(join(tmpdir(), `${tag}.${target.kind}.next.partial`)).catch(async (error: unknown) => {
			await first.handle.close();
			await rm(first.path, { force: true });
			throw error;
		});
		const stream = target.kind === 'stdout' ? target.stream : undefined;
		this.#units = new UnitSpools<M>([first, second], {
			stream,
			reuseCopyBuffer: target.kind === 'units' || (stream !== undefined && ownsWrittenChunks(stream)),
			deliver: this.options.deliver,
			onFailure: (error) => {
				if (!this.#ended) this.destroy(error as Error);
			},
		});
		this.#spool = this.#units.filling;
	}

	override _final(callback: (error?: Error | null) => void): void {
		this.#ended = true;
		callback();
	}

	override _write(item: SinkItem<M>, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
		const work = typeof item === 'string' || item instanceof Uint8Array ? this.#writeText(item) : this.#checkpoint(item.checkpoint);
		this.#inflight = work.catch(() => undefined);
		work.then(() => callback(), callback);
	}

	async #writeText(text: string | Uint8Array): Promise<void> {
		if (!this.options.gzip) {
			// Plain output: strings straight to the file at the segment's end, no Buffer per batch (dead Buffers are
			// external memory that the GC collects late, which showed as RSS on large runs).
			const position = this.#offset + this.#plainBytes;
			const written = typeof text === 'string' ? this.#spool!.handle.write(text, position, 'utf8') : this.#writeAll(text, position);
			const { bytesWritten } = await written.catch((e: unknown) => {
				throw fsError(e, `writing ${this.#spool!.path}`);
			});
			this.#plainBytes += bytesWritten;
			if (typeof text !== 'string') this.options.release?.(text);
			this.#flushAhead?.written(bytesWritten);
			return;
		}
		const segment = (this.#segment ??= this.#openGzipSegment());
		if (segment.input.destroyed) await segment.done; // the file write failed: throws why
		const release = this.options.release;
		const ok = typeof text === 'string' || !release ? segment.input.write(text) : segment.input.write(text, (error) => error || release(text));
		if (!ok) await Promise.race([once(segment.input, 'drain'), segment.done]);
	}

	/** Writes all of `bytes` at `position` (a positional write may write less than asked). */
	async #writeAll(bytes: Uint8Array, position: number): Promise<{ bytesWritten: number }> {
		let done = 0;
		while (done < bytes.length) {
			const { bytesWritten } = await this.#spool!.handle.write(bytes, done, bytes.length - done, position + done);
			done += bytesWritten;
		}
		return { bytesWritten: done };
	}

	#openGzipSegment() {
		const input = createGzip();
		const written = { bytes: 0 };
		const { handle, path } = this.#spool!;
		let position = this.#offset;
		const writer = new Writable({
			highWaterMark: 1 << 20,
			write: (chunk: Buffer, _enc, cb) => {
				handle.write(chunk, 0, chunk.length, position).then(({ bytesWritten }) => {
					position += bytesWritten;
					written.bytes += bytesWritten;
					this.#flushAhead?.written(bytesWritten);
					cb();
				}, cb);
			},
		});
		const done = pipeline(input, writer).catch((e: unknown) => {
			throw fsError(e, `writing ${path}`);
		});
		// Awaited by the next drain wait or the checkpoint; until then a failure must not count as unhandled.
		done.catch(() => undefined);
		return { input, done, written };
	}

	async #finishSegment(): Promise<void> {
		const segment = this.#segment;
		this.#segment = undefined;
		if (segment) {
			segment.input.end();
			await segment.done;
		}
		const bytes = (segment?.written.bytes ?? 0) + this.#plainBytes;
		this.#plainBytes = 0;
		if (bytes === 0) return;
		// No fsync here: a unit needs to be durable only where it is published (#publish, before the rename); a stdout
		// spool never does. A failed flush started ahead is reported here, at the unit it belongs to.
		try {
			await this.#flushAhead?.settle();
		} catch (error) {
			this.#syncFailed = true;
			throw fsError(error, `writing ${this.#spool!.path}`);
		}
		this.#offset += bytes;
	}

	async #checkpoint(marker: M): Promise<void> {
		await this.#finishSegment();
		if (this.#units) {
			await this.#units.handOver(marker, this.#offset);
			this.#spool = this.#units.filling;
			this.#offset = 0;
		} else {
			// A file's units become durable for readers only when it is renamed into place.
			this.#pendingDurable.push(marker);
		}
	}

	/** Ends a successful run: publishes the file (or nothing more for stdout). Returns the output path. */
	async commit(): Promise<string | undefined> {
		await this.#finishSegment();
		return this.#publish();
	}

	/**
	Ends a failed or interrupted run: drops what came after the last checkpoint. With `keepComplete` a file with at
	least one whole unit is still published (events whose file name says which windows it holds); otherwise the
	spool is removed and the user's path is left as it was. Returns the published path, if any.
	*/
	async abort(options: { keepComplete?: boolean } = {}): Promise<string | undefined> {
		await this.#inflight;
		// A unit being delivered is delivered whole (or fails on its own) before anything is given up.
		await this.#units?.settled().catch(() => undefined);
		await this.#flushAhead?.idle();
		const segment = this.#segment;
		this.#segment = undefined;
		this.#plainBytes = 0;
		if (segment) {
			segment.input.destroy();
			await segment.done.catch(() => undefined);
		}
		if (!this.#spool) return undefined;
		await this.#spool.handle.truncate(this.#offset).catch(() => undefined);
		if (this.target.kind === 'file' && options.keepComplete && !this.#syncFailed && this.#pendingDurable.length > 0) {
			try {
				return await this.#publish();
			} catch (error) {
				await this.#discard();
				throw error;
			}
		}
		await this.#discard();
		return undefined;
	}

	async #publish(): Promise<string | undefined> {
		await this.#flushAhead?.idle();
		if (this.#units) {
			// Every unit was handed over at its checkpoint; the last one's delivery may still be running.
			try {
				await this.#units.settled();
			} finally {
				await this.#discard();
			}
			return undefined;
		}
		const { handle, path } = this.#spool!;
		try {
			await handle.sync();
		} catch (error) {
			// Never fsync again after a failed fsync: the kernel may have dropped the pages it could not write, and a
			// second fsync would report success for data that is not on disk. The spool is given up.
			await this.#discard();
			throw fsError(error, `writing ${path}`);
		}
		this.#spool = undefined;
		await handle.close();
		const markers = this.#pendingDurable;
		this.#pendingDurable = [];
		this.#fileBytes = this.#offset;
		if (!this.options.publish) throw new Error('OutputSink: a file target needs a publish step');
		try {
			return await this.options.publish(path, markers);
		} catch (error) {
			await rm(path, { force: true }).catch(() => undefined);
			throw error;
		}
	}

	/** Closes and removes the spool (both, for stdout and Lytics). */
	async #discard(): Promise<void> {
		const spools = this.#units?.spools() ?? (this.#spool ? [this.#spool] : []);
		this.#spool = undefined;
		for (const { handle, path } of spools) {
			await handle.close().catch(() => undefined);
			await rm(path, { force: true });
		}
	}
}
