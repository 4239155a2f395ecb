/**
Amplitude IDs in a growable typed array of 8-byte slots: 2,000,000 members take 16 MB, where an array of strings
would take well over 100 MB. An id is held exactly, whatever its size (see encodeId): the slots are float64 only
because a Float64Array sorts and compares natively.
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

/**
An Amplitude ID as a float64 whose bits are the id's 64 bits. Ids are held exactly this way up to 2^63 - 2^52
(integers above 2^53 would round as numbers), and order is kept: non-negative floats sort as their bit patterns.
The patterns above are NaNs, which do not compare: such an id is refused. Every id in memory goes through here,
so ids read from the cohort file, the member list and the previous import always compare alike.
*/
const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
const [low, high] = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? [0, 1] : [1, 0];
const twoTo32 = 4294967296;
/** The first high word whose patterns are NaN (exponent all ones). */
const nanHigh = 0x7ff00000;

function encodeWords(hi: number, lo: number): number {
	if (hi >= nanHigh) return -1;
	scratchWords[high] = hi;
	scratchWords[low] = lo;
	return scratch[0]!;
}

/** The decimal text of an id made by encodeId (for messages and tests). */
export function decodeId(id: number): string {
	scratch[0] = id;
	return ((BigInt(scratchWords[high]!) << 32n) | BigInt(scratchWords[low]!)).toString();
}

/** The id being read, as two 32-bit halves (module state: the readers below run a digit at a time, never interleaved). */
let accHi = 0;
let accLo = 0;

/** Appends a decimal digit to the id being read; false when `digit` is not one. */
function pushDigit(digit: number): boolean {
	if (digit < 0 || digit > 9) return false;
	accLo = accLo * 10 + digit;
	accHi *= 10;
	if (accLo >= twoTo32) {
		const carry = Math.floor(accLo / twoTo32);
		accLo -= carry * twoTo32;
		accHi += carry;
	}
	return true;
}

/** An Amplitude ID from the file, encoded (see above), or undefined when it is not a plain integer we can hold. */
export function parseAmplitudeId(value: string | undefined): number | undefined {
	// By character codes, not a regex: this runs for every member, twice on a re-import.
	if (!value || value.length > 19) return undefined;
	accHi = accLo = 0;
	for (let i = 0; i < value.length; i++) if (!pushDigit(value.charCodeAt(i) - 48)) return undefined;
	const id = encodeWords(accHi, accLo);
	return id === -1 ? undefined : id;
}

/** parseAmplitudeId on the bytes `b[start, end)`: the encoded id, or -1. */
export function parseAmplitudeIdAt(b: Buffer, start: number, end: number): number {
	if (end - start <= 0 || end - start > 19) return -1;
	accHi = accLo = 0;
	for (let i = start; i < end; i++) if (!pushDigit(b[i]! - 48)) return -1;
	return encodeWords(accHi, accLo);
}

/**
The ids seen so far in one import, to drop a member the file lists twice: open addressing over 8-byte slots, grown
past 70% full. `sorted` then compacts the slots in place and sorts them, so the set becomes the import's sorted id
list without a second copy.
*/
export class IdSet {
	#slots: Float64Array;
	#mask: number;
	#size = 0;
	/** Slot value 0 marks an empty slot, so the id encoded as 0 is kept aside. */
	#hasZero = false;

	constructor(expected = 1024) {
		let capacity = 1024;
		while (capacity * 0.7 < expected) capacity *= 2;
		this.#slots = new Float64Array(capacity);
		this.#mask = capacity - 1;
	}

	get size(): number {
		return this.#size;
	}

	/** Adds an id; false when it was there already. */
	add(id: number): boolean {
		if (id === 0) {
			if (this.#hasZero) return false;
			this.#hasZero = true;
			this.#size++;
			return true;
		}
		if ((this.#size + 1) > this.#slots.length * 0.7) this.#grow();
		const slots = this.#slots;
		scratch[0] = id;
		for (let i = hashWords(scratchWords[0]!, scratchWords[1]!) & this.#mask; ; i = (i + 1) & this.#mask) {
			const slot = slots[i]!;
			if (slot === 0) {
				slots[i] = id;
				this.#size++;
				return true;
			}
			if (slot === id) return false;
		}
	}

	#grow(): void {
		const old = this.#slots;
		this.#slots = new Float64Array(old.length * 2);
		this.#mask = this.#slots.length - 1;
		this.#size = this.#hasZero ? 1 : 0;
		const zero = this.#hasZero;
		this.#hasZero = false;
		for (let i = 0; i < old.length; i++) if (old[i] !== 0) this.add(old[i]!);
		if (zero) this.#hasZero = true;
	}

	/** The ids, sorted ascending, in the set's own memory (the set is spent after this). */
	sorted(): Float64Array {
		const slots = this.#slots;
		let n = 0;
		for (let i = 0; i < slots.length; i++) {
			const v = slots[i]!;
			if (v !== 0) slots[n++] = v;
		}
		// Never full (at most 70%), so there is room for the zero; sorting puts it first.
		if (this.#hasZero) slots[n++] = 0;
		return slots.subarray(0, n).sort();
	}
}

/**
The ids seen so far, as IdSet, with a fast path for a file listed in ascending id order: while every id is greater
than the one before, none can repeat, and the ids are their own sorted list, so no hashing and no sort. The first id
out of order turns it into an IdSet of every id seen (answers stay exact either way).
*/
export class SeenIds {
	#list: Float64Array;
	#n = 0;
	#set?: IdSet;

	constructor(private readonly expected = 1024) {
		this.#list = new Float64Array(Math.max(1024, expected));
	}

	get size(): number {
		return this.#set ? this.#set.size : this.#n;
	}

	/** Adds an id; false when it was there already. */
	add(id: number): boolean {
		if (!this.#set) {
			// Non-negative encoded ids compare as the ids do (see above).
			if (this.#n === 0 || id > this.#list[this.#n - 1]!) {
				if (this.#n === this.#list.length) {
					const bigger = new Float64Array(this.#list.length * 2);
					bigger.set(this.#list);
					this.#list = bigger;
				}
				this.#list[this.#n++] = id;
				return true;
			}
			this.#set = new IdSet(Math.max(this.expected, this.#n * 2));
			for (let i = 0; i < this.#n; i++) this.#set.add(this.#list[i]!);
			this.#list = new Float64Array(0);
		}
		return this.#set.add(id);
	}

	/** The ids, sorted ascending (spent after this). */
	sorted(): Float64Array {
		return this.#set ? this.#set.sorted() : this.#list.subarray(0, this.#n);
	}
}

function hashWords(a: number, b: number): number {
	let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
	h ^= h >>> 15;
	return Math.imul(h, 0xc2b2ae35) ^ (h >>> 13);
}
