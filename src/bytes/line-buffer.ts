import { char } from './chars.js';

/**
NDJSON output encoded as UTF-8 into one growing buffer, reused from batch to batch. Writing each line straight into
it is much cheaper than joining the lines into one string and encoding that (docs/performance.md).
*/
export class LineBuffer {
	#buf: Buffer;
	#length = 0;

	constructor(capacity: number) {
		this.#buf = Buffer.allocUnsafe(capacity);
	}

	get length(): number {
		return this.#length;
	}

	/** What has been written, as a view (valid until the next write). */
	get written(): Buffer {
		return this.#buf.subarray(0, this.#length);
	}

	reset(): void {
		this.#length = 0;
	}

	/** Copies the bytes written into `target` (at least `length` long) and starts over. */
	drainInto(target: Uint8Array): Uint8Array {
		target.set(this.#buf.subarray(0, this.#length));
		const out = target.subarray(0, this.#length);
		this.#length = 0;
		return out;
	}

	writeLine(line: string): void {
		this.writeText(line);
		this.writeByte(char.newline);
	}

	// Byte-level writes, for output assembled from pieces of the input (the byte mapper). The caller ends the line.

	writeByte(byte: number): void {
		if (this.#length === this.#buf.length) this.#grow(1);
		this.#buf[this.#length++] = byte;
	}

	/** Copies `source[start, end)`; runs of up to 64 bytes byte by byte, which beats the native copy() call there (measured). */
	writeRange(source: Buffer, start: number, end: number): void {
		const n = end - start;
		if (this.#buf.length - this.#length < n) this.#grow(n);
		if (n > 64) source.copy(this.#buf, this.#length, start, end);
		else for (let i = 0; i < n; i++) this.#buf[this.#length + i] = source[start + i]!;
		this.#length += n;
	}

	/** Writes `source[start, end)` as a JSON string: quoted, its quotes and backslashes escaped (it must hold no control character). */
	writeQuoted(source: Buffer, start: number, end: number): void {
		if (this.#buf.length - this.#length < (end - start) * 2 + 2) this.#grow((end - start) * 2 + 2);
		const buf = this.#buf;
		let at = this.#length;
		buf[at++] = char.quote;
		for (let i = start; i < end; i++) {
			const c = source[i]!;
			if (c === char.quote || c === char.backslash) buf[at++] = char.backslash;
			buf[at++] = c;
		}
		buf[at++] = char.quote;
		this.#length = at;
	}

	/** Encodes `text` as UTF-8, with no newline. */
	writeText(text: string): void {
		for (;;) {
			const room = this.#buf.length - this.#length;
			const written = this.#buf.write(text, this.#length, room, 'utf8');
			if (written < room - 3) {
				this.#length += written;
				return;
			}
			this.#grow(Buffer.byteLength(text));
		}
	}

	/** Forgets what was written after `length` (a value that turned out to be left out). */
	truncate(length: number): void {
		this.#length = Math.min(length, this.#length);
	}

	writeBytes(bytes: Uint8Array): void {
		if (this.#buf.length - this.#length < bytes.length) this.#grow(bytes.length);
		this.#buf.set(bytes, this.#length);
		this.#length += bytes.length;
	}

	/**
	The output, copied into the input block's own memory when it fits (the block is read through by then), so the
	output travels back in the buffer the input came in; otherwise into a new buffer.
	*/
	moveInto(input: Uint8Array): Uint8Array {
		const target = input.byteOffset === 0 && input.buffer.byteLength >= this.#length ? new Uint8Array(input.buffer, 0, this.#length) : new Uint8Array(this.#length);
		target.set(this.#buf.subarray(0, this.#length));
		return target;
	}

	#grow(atLeast: number): void {
		const bigger = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#length + atLeast + 1024));
		this.#buf.copy(bigger, 0, 0, this.#length);
		this.#buf = bigger;
	}
}
