/**
Amplitude IDs as float64 (they are integers far below 2^53), in a growable typed array: 2,000,000 members take
16 MB, where an array of strings would take well over 100 MB.
*/
export class IdList {
	#ids: Float64Array;
	#length = 0;

	/**
	`shared`: in a SharedArrayBuffer, so worker threads can read the list without a copy. `capacity`: room to start
	with; pages never written are never touched, so a generous guess costs address space, not memory.
	*/
	constructor(
		private readonly shared = false,
		capacity = 1024,
	) {
		this.#ids = this.#alloc(Math.max(16, capacity));
	}

	#alloc(length: number): Float64Array {
		return new Float64Array(this.shared ? new SharedArrayBuffer(length * 8) : new ArrayBuffer(length * 8));
	}

	#room(more: number): void {
		if (this.#length + more <= this.#ids.length) return;
		let size = this.#ids.length * 2;
		while (size < this.#length + more) size *= 2;
		const grown = this.#alloc(size);
		grown.set(this.#ids.subarray(0, this.#length));
		this.#ids = grown;
	}

	push(id: number): void {
		if (this.#length === this.#ids.length) this.#room(1);
		this.#ids[this.#length++] = id;
	}

	pushAll(ids: Float64Array): void {
		this.#room(ids.length);
		this.#ids.set(ids, this.#length);
		this.#length += ids.length;
	}

	get length(): number {
		return this.#length;
	}

	/** The ids sorted ascending (the list's own memory, trimmed). */
	sorted(): Float64Array {
		return this.#ids.subarray(0, this.#length).sort();
	}
}

export function contains(sorted: Float64Array, id: number): boolean {
	let low = 0;
	let high = sorted.length - 1;
	while (low <= high) {
		const mid = (low + high) >>> 1;
		const value = sorted[mid]!;
		if (value === id) return true;
		if (value < id) low = mid + 1;
		else high = mid - 1;
	}
	return false;
}

/** An Amplitude ID from the file, or undefined when it is not a plain integer we can hold exactly. */
export function parseAmplitudeId(value: string | undefined): number | undefined {
	// By character codes, not a regex: this runs for every member, twice on a re-import.
	if (!value || value.length > 16) return undefined;
	let id = 0;
	for (let i = 0; i < value.length; i++) {
		const digit = value.charCodeAt(i) - 48;
		if (digit < 0 || digit > 9) return undefined;
		id = id * 10 + digit;
	}
	// Past 2^53 the sum above may round onto a safe integer: compare the text itself.
	if (value.length === 16 && value > '9007199254740991') return undefined;
	return id;
}

const maxSafeDigits = Buffer.from(String(Number.MAX_SAFE_INTEGER));

/** parseAmplitudeId on the bytes `b[start, end)`: the integer, or -1. */
export function parseAmplitudeIdAt(b: Buffer, start: number, end: number): number {
	const length = end - start;
	if (length <= 0 || length > 16) return -1;
	let id = 0;
	for (let i = start; i < end; i++) {
		const digit = b[i]! - 48;
		if (digit < 0 || digit > 9) return -1;
		id = id * 10 + digit;
	}
	if (length === 16 && b.compare(maxSafeDigits, 0, 16, start, end) > 0) return -1;
	return id;
}
