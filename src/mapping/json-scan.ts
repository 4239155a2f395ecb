import { char } from '../bytes/chars.js';
import { jsonTextStop } from '../bytes/stop-tables.js';
import { afterSpace, escape, literalEnd, numberEnd, skipSpace, utf8SequenceEnd } from './json-tokens.js';

/**
A validating scanner for one NDJSON line, on its bytes: it checks that the line is one JSON object (the grammar
JSON.parse accepts, and UTF-8 that decodes without replacement) and records where the values of a few top-level
keys lie, without decoding the line into a string or building any object. That is faster than
`JSON.parse(buf.toString())` (docs/performance.md), and it is what lets the raw shape pass an event's bytes through,
and the mapped shape copy most values, without parsing.

The contract is one-sided: `scan` returning true means JSON.parse of the decoded line gives an object whose
captured keys hold exactly the values recorded. Returning false only means "not sure": the line may be invalid, or
merely unusual (a top-level key written with escapes, nesting deeper than the stack, invalid UTF-8); callers then
take the ordinary path of decoding and parsing, which decides. So the scanner may be conservative, never lenient.
*/

/** What a captured key held. Strings are recorded inside their quotes. */
export const missing = 0;
export const plainString = 1; // no escapes: the bytes are the text
export const escapedString = 2;
export const number = 3;
export const trueValue = 4;
export const falseValue = 5;
export const nullValue = 6;
export const object = 7;
export const array = 8;
export type ValueKind = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const maxDepth = 1024;
const maxPredicted = 256;

/** Bytes that end the fast run through a string (see jsonTextStop). */
const stringStop = jsonTextStop;

export class JsonLineScanner {
	/** Per captured key (in the constructor's order): the kind of its value and where the value lies. */
	readonly kinds: Uint8Array;
	readonly starts: Int32Array;
	readonly ends: Int32Array;
	/** True when some array holds an object or an array (the raw shape must repair such an event). */
	objectInArray = false;
	/**
	Where the raw shape's repairs go, when objectInArray: the outermost arrays that hold an object or an array, as
	[start, end) pairs (`sites` of them), in order. -1 sites: more than fit.
	*/
	readonly repairs = new Int32Array(64);
	sites = 0;

	readonly #keys: Uint8Array[];
	/** Open-addressed index of the captured keys by a cheap hash of their bytes; entry = key index + 1. */
	readonly #index = new Int16Array(512);
	/**
	The captured key (index + 1, 0 for none) found at each top-level position of the last line that had a key
	there: export lines repeat one key order, so the next line's key at that position is first compared with it
	byte for byte, which checks it as a string and finds it at once. A miss scans and looks the key up as usual.
	*/
	readonly #predicted = new Int16Array(maxPredicted);
	/** Top-level keys read so far in this line. */
	#position = 0;
	/** Per captured key: its bytes are their own JSON string text (no quote, backslash or control character). */
	readonly #predictable: boolean[];

	constructor(keys: readonly string[]) {
		// The index stays at most half full; a table has a few dozen source keys.
		if (keys.length > 256) throw new Error(`JsonLineScanner: ${keys.length} keys to capture, at most 256`);
		this.#keys = keys.map((key) => Buffer.from(key, 'utf8'));
		this.#predictable = this.#keys.map((key) => key.every((c) => c >= 0x20 && c !== char.quote && c !== char.backslash));
		this.kinds = new Uint8Array(keys.length);
		this.starts = new Int32Array(keys.length);
		this.ends = new Int32Array(keys.length);
		this.#keys.forEach((key, i) => {
			let slot = keyHash(key, 0, key.length);
			while (this.#index[slot] !== 0) slot = (slot + 1) & 511;
			this.#index[slot] = i + 1;
		});
	}

	/**
	Scans `b[start, end)`: one line, where `b[end]` is the newline or past the end of `b` (the scan never reads
	further). True when the line is certainly one valid JSON object; see the contract above. Recursive descent:
	where the scan is in the grammar is where it is in the code, which V8 runs faster than a table of states.
	*/
	scan(b: Uint8Array, start: number, end: number): boolean {
		this.kinds.fill(missing);
		this.objectInArray = false;
		this.sites = 0;
		this.#arrays = 0;
		this.#position = 0;
		const i = skipSpace(b, start);
		if (b[i] !== char.openBrace) return false; // an object, not any other JSON value
		const after = this.#object(b, i, 1);
		return after >= 0 && skipSpace(b, after) === end;
	}

	/** Whether the string #string last read had escapes. */
	#escaped = false;
	/** Arrays open around the scan's position; where the outermost began; whether it holds an object or array. */
	#arrays = 0;
	#site = 0;
	#holds = false;

	/** The index after the object that opens at `b[i]`, or -1. At depth 1 its keys are matched for capture. */
	#object(b: Uint8Array, i: number, depth: number): number {
		i = afterSpace(b, i + 1);
		if (b[i] === char.closeBrace) return i + 1;
		for (;;) {
			if (b[i] !== char.quote) return -1;
			const keyStart = i + 1;
			let captured = -1;
			if (depth === 1) {
				captured = this.#predictedKey(b, keyStart);
				if (captured >= 0) {
					i = keyStart + this.#keys[captured]!.length + 1;
				} else {
					i = this.#string(b, i);
					if (i < 0) return -1;
					// Matched as bytes, so a top-level key written with escapes is left to JSON.parse.
					if (this.#escaped) return -1;
					captured = this.#find(b, keyStart, i - 1);
					this.#predict(captured);
				}
			} else {
				i = this.#string(b, i);
				if (i < 0) return -1;
			}
			i = afterSpace(b, i);
			if (b[i] !== char.colon) return -1;
			i = afterSpace(b, i + 1);
			const at = i;
			i = this.#value(b, i, depth);
			if (i < 0) return -1;
			// A key given twice: JSON.parse keeps the last value, and so does this.
			if (captured >= 0) this.#capture(b, captured, at, i);
			i = afterSpace(b, i);
			if (b[i] === char.comma) i = afterSpace(b, i + 1);
			else return b[i] === char.closeBrace ? i + 1 : -1;
		}
	}

	#array(b: Uint8Array, i: number, depth: number): number {
		if (this.#arrays++ === 0) (this.#site = i), (this.#holds = false);
		i = afterSpace(b, i + 1);
		if (b[i] !== char.closeBracket) {
			for (;;) {
				const c = b[i];
				if (c === char.openBrace || c === char.openBracket) this.objectInArray = this.#holds = true;
				i = this.#value(b, i, depth);
				if (i < 0) return -1;
				i = afterSpace(b, i);
				if (b[i] === char.comma) i = afterSpace(b, i + 1);
				else if (b[i] === char.closeBracket) break;
				else return -1;
			}
		}
		i++;
		if (--this.#arrays === 0 && this.#holds) this.#repairSite(this.#site, i);
		return i;
	}

	#value(b: Uint8Array, i: number, depth: number): number {
		const c = b[i]!;
		if (c === char.quote) return this.#string(b, i);
		if (c === char.openBrace) return depth === maxDepth ? -1 : this.#object(b, i, depth + 1);
		if (c === char.openBracket) return depth === maxDepth ? -1 : this.#array(b, i, depth + 1);
		if (c === char.lowerN || c === char.lowerT || c === char.lowerF) return literalEnd(b, i, c);
		return numberEnd(b, i, c);
	}

	/** The index after the string that opens at `b[i]`, or -1; sets #escaped. */
	#string(b: Uint8Array, i: number): number {
		let escaped = false;
		for (i++; ; ) {
			let c: number;
			while (stringStop[(c = b[i]!)] === 0) i++;
			if (c === char.quote) break;
			if (c === char.backslash) (escaped = true), (i = escape(b, i));
			else if (c >= 128) i = utf8SequenceEnd(b, i, c);
			else return -1; // a control character, or the end of the line inside the string
			if (i < 0) return -1;
		}
		this.#escaped = escaped;
		return i + 1;
	}

	/** Records captured key `k`'s value, which lies at `b[at, end)`. Strings are recorded inside their quotes. */
	#capture(b: Uint8Array, k: number, at: number, end: number): void {
		const c = b[at];
		const kind: ValueKind =
			c === char.quote ? (this.#escaped ? escapedString : plainString)
			: c === char.openBrace ? object
			: c === char.openBracket ? array
			: c === char.lowerN ? nullValue
			: c === char.lowerT ? trueValue
			: c === char.lowerF ? falseValue
			: number;
		this.kinds[k] = kind;
		this.starts[k] = c === char.quote ? at + 1 : at;
		this.ends[k] = c === char.quote ? end - 1 : end;
	}

	/** Records an outermost array that held an object or array, [start, end), as a repair site. */
	#repairSite(start: number, end: number): void {
		if (this.sites < 0) return;
		if (this.sites * 2 === this.repairs.length) {
			this.sites = -1;
			return;
		}
		this.repairs[this.sites * 2] = start;
		this.repairs[this.sites * 2 + 1] = end;
		this.sites++;
	}

	/** The captured key predicted at this position when the bytes at `keyStart` are that key and its closing quote; else -1. */
	#predictedKey(b: Uint8Array, keyStart: number): number {
		const p = this.#position;
		if (p >= maxPredicted) return -1;
		const k = this.#predicted[p]! - 1;
		if (k < 0) return -1;
		const key = this.#keys[k]!;
		const n = key.length;
		let m = 0;
		while (m < n && key[m] === b[keyStart + m]) m++;
		if (m !== n || b[keyStart + n] !== char.quote) return -1;
		this.#position = p + 1;
		return k;
	}

	/** Records the key found at the current position (a captured key's index, or -1) for the next line. */
	#predict(captured: number): void {
		const p = this.#position++;
		if (p < maxPredicted) this.#predicted[p] = captured >= 0 && this.#predictable[captured] ? captured + 1 : 0;
	}

	#find(b: Uint8Array, start: number, end: number): number {
		for (let slot = keyHash(b, start, end); ; slot = (slot + 1) & 511) {
			const entry = this.#index[slot]!;
			if (entry === 0) return -1;
			const key = this.#keys[entry - 1]!;
			if (key.length !== end - start) continue;
			let k = 0;
			while (k < key.length && key[k] === b[start + k]) k++;
			if (k === key.length) return entry - 1;
		}
	}
}

function keyHash(b: Uint8Array, start: number, end: number): number {
	const n = end - start;
	if (n === 0) return 0;
	return (n * 31 + b[start]! * 7 + b[start + (n >> 1)]! * 3 + b[end - 1]!) & 511;
}
