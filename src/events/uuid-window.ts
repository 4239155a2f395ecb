import { char } from '../bytes/chars.js';

/**
The event ids a run has emitted most recently, to drop duplicates within a run in fixed memory. Amplitude's `uuid`
is a UUID: 128 bits, held here as four 32-bit words in a ring (the oldest forgotten first when full) with an
open-addressing index over it. That is 16 bytes an id instead of a ~90-byte string in a Set: 500,000 ids take
about 12 MB, allocated once, so memory does not grow with the export. Comparison is exact: no false duplicates.
An id that is not a UUID (never seen in real exports, but possible) goes to a small string window of its own.
*/
export class UuidWindow {
	readonly #capacity: number;
	/** Ring of ids, four words each. */
	readonly #words: Uint32Array;
	/** Index: ring position + 1 per slot, 0 = empty. Linear probing, at most half full. */
	readonly #slots: Int32Array;
	readonly #mask: number;
	#next = 0;
	#size = 0;
	readonly #others: Set<string> = new Set();

	constructor(capacity: number) {
		this.#capacity = capacity;
		const slots = capacity === 0 ? 1 : 2 ** Math.ceil(Math.log2(capacity * 2));
		this.#words = new Uint32Array(capacity * 4);
		this.#slots = new Int32Array(slots);
		this.#mask = slots - 1;
	}

	/** True if this id was seen (and is still remembered); otherwise remembers it. */
	seenWords(w: Uint32Array, at: number): boolean {
		if (this.#capacity === 0) return false;
		const a = w[at]!;
		const b = w[at + 1]!;
		const c = w[at + 2]!;
		const d = w[at + 3]!;
		let slot = this.#hash(a, b, c, d);
		for (;;) {
			const entry = this.#slots[slot]!;
			if (entry === 0) break;
			const p = (entry - 1) * 4;
			if (this.#words[p] === a && this.#words[p + 1] === b && this.#words[p + 2] === c && this.#words[p + 3] === d) return true;
			slot = (slot + 1) & this.#mask;
		}
		if (this.#size === this.#capacity) this.#evict(this.#next);
		else this.#size++;
		const p = this.#next * 4;
		this.#words[p] = a;
		this.#words[p + 1] = b;
		this.#words[p + 2] = c;
		this.#words[p + 3] = d;
		// The eviction may have moved entries; find the free slot again.
		slot = this.#hash(a, b, c, d);
		while (this.#slots[slot] !== 0) slot = (slot + 1) & this.#mask;
		this.#slots[slot] = this.#next + 1;
		this.#next = (this.#next + 1) % this.#capacity;
		return false;
	}

	/** The same for an id that is not a UUID. */
	seenOther(id: string): boolean {
		if (this.#capacity === 0) return false;
		if (this.#others.has(id)) return true;
		this.#others.add(id);
		if (this.#others.size > this.#capacity) this.#others.delete(this.#others.values().next().value!);
		return false;
	}

	#hash(a: number, b: number, c: number, d: number): number {
		// The words are random bits already (UUID v4) or timestamps (v1, v7): mix them all anyway.
		let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35) ^ Math.imul(c ^ (c >>> 13), 0x27d4eb2f) ^ d;
		h ^= h >>> 15;
		h = Math.imul(h, 0x2c1b3c6d);
		h ^= h >>> 12;
		return h & this.#mask;
	}

	/** Removes ring position `pos` from the index, shifting later entries of its probe run back (no tombstones). */
	#evict(pos: number): void {
		const p = pos * 4;
		let slot = this.#hash(this.#words[p]!, this.#words[p + 1]!, this.#words[p + 2]!, this.#words[p + 3]!);
		while (this.#slots[slot] !== pos + 1) slot = (slot + 1) & this.#mask;
		let hole = slot;
		for (let i = (hole + 1) & this.#mask; this.#slots[i] !== 0; i = (i + 1) & this.#mask) {
			const q = (this.#slots[i]! - 1) * 4;
			const home = this.#hash(this.#words[q]!, this.#words[q + 1]!, this.#words[q + 2]!, this.#words[q + 3]!);
			// Move the entry into the hole unless its home lies cyclically in (hole, i].
			const homeInRange = hole <= i ? home > hole && home <= i : home > hole || home <= i;
			if (!homeInRange) {
				this.#slots[hole] = this.#slots[i]!;
				hole = i;
			}
		}
		this.#slots[hole] = 0;
	}
}

const hexValue = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) hexValue[48 + i] = i;
for (let i = 0; i < 6; i++) hexValue[97 + i] = hexValue[65 + i] = 10 + i;

/**
Writes a UUID (`8-4-4-4-12` hex digits, either case) as four words at `out[at..at+3]`; false when `id` is not
one. Case is folded: the same UUID in upper and lower case is the same id.
*/
export function uuidWords(id: string, out: Uint32Array, at: number): boolean {
	// Written as UTF-8 into a scratch buffer: anything but 36 ASCII characters cannot be a UUID.
	return id.length === 36 && scratch.write(id, 'utf8') === 36 && uuidWordsAt(scratch, 0, 36, out, at);
}
const scratch = Buffer.alloc(36 * 3); // room for any 36 characters, so write() returns their full UTF-8 length

/** The same for the text of a string at `b[start, end)` (no escapes): the scanned path, with no string made. */
export function uuidWordsAt(b: Uint8Array, start: number, end: number, out: Uint32Array, at: number): boolean {
	if (end - start !== 36 || b[start + 8] !== char.minus || b[start + 13] !== char.minus || b[start + 18] !== char.minus || b[start + 23] !== char.minus) return false;
	let word = 0;
	let digits = 0;
	let index = at;
	for (let i = 0; i < 36; i++) {
		if (i === 8 || i === 13 || i === 18 || i === 23) continue;
		const code = b[start + i]!;
		const v = code < 128 ? hexValue[code]! : -1;
		if (v < 0) return false;
		word = (word << 4) | v;
		if (++digits === 8) {
			out[index++] = word >>> 0;
			word = 0;
			digits = 0;
		}
	}
	return true;
}
