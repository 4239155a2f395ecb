/**
Block buffers, reused. A run moves every byte of an export through blocks of about 1 MB: allocating one per block
and leaving it to the garbage collector made the process hold on to freed memory (RSS grew by tens of MB). Here a
block's buffer goes to a worker, comes back holding that block's output, is written, and is given back for the
next block: in a steady run no block memory is allocated at all.
*/
export class BufferPool {
	readonly #free: ArrayBuffer[] = [];

	constructor(
		/** Bytes in each pooled buffer; a larger request gets a buffer of its own, not pooled. */
		readonly capacity: number,
		/** Buffers kept at most; more given back are left to the garbage collector. */
		private readonly keep: number,
	) {}

	/** A buffer of `size` bytes (contents undefined) whose ArrayBuffer is this caller's alone, so it may be transferred. */
	take(size: number): Buffer {
		const buffer = size <= this.capacity ? (this.#free.pop() ?? new ArrayBuffer(this.capacity)) : new ArrayBuffer(size);
		return Buffer.from(buffer, 0, size);
	}

	/** Gives a buffer back once nothing reads it any more. */
	give(bytes: Uint8Array): void {
		const { buffer } = bytes;
		if (buffer instanceof ArrayBuffer && buffer.byteLength === this.capacity && buffer.byteLength > 0 && this.#free.length < this.keep) this.#free.push(buffer);
	}
}

/** `parts` copied one after another into a buffer from `take` (a BufferPool's), `size` bytes in all. */
export function joinInto(take: (size: number) => Buffer, parts: readonly Uint8Array[], size: number): Buffer {
	const block = take(size);
	let at = 0;
	for (const part of parts) {
		block.set(part, at);
		at += part.length;
	}
	return block;
}
