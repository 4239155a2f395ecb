import { char } from '../bytes/chars.js';
import { LineBuffer } from '../bytes/line-buffer.js';
import { writeEscapedString } from './escaped-string.js';

/**
Writes the JSON array or object at `b[start, end)` (validated by the scanner) the way
`JSON.stringify(JSON.stringify(JSON.parse(text)))` would, that is as a JSON string holding its canonical JSON
text, when its bytes already are that text, or become it once strings with escapes take JSON.stringify's form:
compact, numbers as JavaScript writes them
(isCanonicalNumber), no integer-like, `__proto__` or repeated keys (an object would reorder or drop those). That is
the common case for the `data` object and for arrays in property maps, and it saves parsing and encoding them
twice. False (nothing written) otherwise; the caller then parses.
*/
export function writeCanonicalAsString(b: Buffer, start: number, end: number, out: LineBuffer): boolean {
	keyCount = 0;
	sawEscapes = false;
	if (canonicalEnd(b, start) !== end) return false;
	if (!sawEscapes) {
		out.writeQuoted(b, start, end);
		return true;
	}
	// Strings with escapes: the canonical text has them in JSON.stringify's form (escaped-string.ts), then quoted.
	scratch.reset();
	for (let i = start, run = start; ; ) {
		const open = b.indexOf(char.quote, i);
		if (open === -1 || open >= end) {
			scratch.writeRange(b, run, end);
			break;
		}
		let close = open + 1;
		let escaped = false;
		for (let d = b[close]; d !== char.quote; d = b[++close]) if (d === char.backslash) (escaped = true), close++;
		if (escaped) {
			scratch.writeRange(b, run, open);
			writeEscapedString(b, open + 1, close, scratch);
			run = close + 1;
		}
		i = close + 1;
	}
	const text = scratch.written;
	out.writeQuoted(text, 0, text.length);
	return true;
}

/** Whether the value canonicalEnd last walked holds a string with escapes (keys never do: those are refused). */
let sawEscapes = false;
const scratch = new LineBuffer(1 << 12);

const maxKeys = 256;
/** Hashes of the keys of the objects being walked, innermost last (siblings only are compared). */
const keyHashes = new Int32Array(maxKeys);
let keyCount = 0;

/** The index after the canonical value at `b[i]`, or -1 if it is not canonical. */
function canonicalEnd(b: Buffer, i: number): number {
	const c = b[i];
	if (c === char.quote) {
		for (let d = b[++i]; d !== char.quote; d = b[++i]) if (d === char.backslash) (sawEscapes = true), i++;
		return i + 1;
	}
	if (c === char.openBrace) return objectEnd(b, i + 1);
	if (c === char.openBracket) {
		if (b[++i] === char.closeBracket) return i + 1;
		for (;;) {
			i = canonicalEnd(b, i);
			if (i < 0) return -1;
			if (b[i] === char.closeBracket) return i + 1;
			if (b[i++] !== char.comma) return -1;
		}
	}
	if (c === char.lowerT || c === char.lowerN) return i + 4;
	if (c === char.lowerF) return i + 5;
	const end = numberTextEnd(b, i);
	return isCanonicalNumber(b, i, end) ? end : -1;
}

function objectEnd(b: Buffer, i: number): number {
	if (b[i] === char.closeBrace) return i + 1;
	const siblings = keyCount;
	for (;;) {
		if (b[i] !== char.quote) return -1;
		i = plainKeyEnd(b, i + 1, fnvOffset);
		if (i < 0) return -1;
		const hash = plainKey.hash;
		for (let k = siblings; k < keyCount; k++) if (keyHashes[k] === hash) return -1;
		if (keyCount === maxKeys) return -1;
		keyHashes[keyCount++] = hash;
		if (b[++i] !== char.colon) return -1;
		i = canonicalEnd(b, i + 1);
		if (i < 0) return -1;
		if (b[i] === char.closeBrace) {
			keyCount = siblings;
			return i + 1;
		}
		if (b[i++] !== char.comma) return -1;
	}
}

export const fnvOffset = 0x811c9dc5;
export const fnvPrime = 16777619;

/** The hash of the key plainKeyEnd last read (FNV-1a of its bytes, continuing from the seed it was given). */
export const plainKey = { hash: 0 };

/**
The index of the closing quote of the (validated) key whose text starts at `b[start]`, hashing its bytes into
plainKey.hash; or -1 when an object built from the bytes would not keep it as written: a key with escapes, an
integer-like key (objects put those first) or `__proto__`.
*/
export function plainKeyEnd(b: Buffer, start: number, seed: number): number {
	let i = start;
	let digits = true;
	let hash = seed;
	for (let c = b[i]!; c !== char.quote; c = b[++i]!) {
		if (c === char.backslash) return -1;
		if (c < char.zero || c > char.nine) digits = false;
		hash = Math.imul(hash ^ c, fnvPrime);
	}
	if ((digits && i > start) || (i - start === 9 && isProto(b, start))) return -1;
	plainKey.hash = hash;
	return i;
}

const proto = Buffer.from('__proto__');

/** Whether the 9 bytes at `b[start]` are `__proto__` (compared in place: keys of 9 bytes are common). */
function isProto(b: Buffer, start: number): boolean {
	for (let k = 0; k < 9; k++) if (b[start + k] !== proto[k]) return false;
	return true;
}

/** The index after the (validated) number text at `b[i]`. */
export function numberTextEnd(b: Buffer, i: number): number {
	for (let d = b[i]!; (d >= char.zero && d <= char.nine) || d === char.minus || d === char.plus || d === char.dot || d === char.lowerE || d === char.upperE; d = b[++i]!);
	return i;
}

/** Integer text as JSON.stringify writes a safe integer: no sign on zero, no leading zeros, at most 15 digits. */
export function isPlainInteger(b: Buffer, start: number, end: number): boolean {
	let i = b[start] === char.minus ? start + 1 : start;
	const digits = end - i;
	if (digits < 1 || digits > 15) return false;
	if (b[i] === char.zero) return digits === 1 && i === start;
	for (; i < end; i++) if (!(b[i]! >= 48 && b[i]! <= 57)) return false;
	return true;
}

/**
Number text as JSON.stringify writes the number it parses to: a plain integer (see above), or a decimal whose
fraction ends in a non-zero digit, with at most 15 significant digits (any such decimal is the shortest text of
its double, so it round-trips unchanged), no exponent, and not below 10^-6 (JavaScript writes those with one).
*/
export function isPlainNumber(b: Buffer, start: number, end: number): boolean {
	let i = b[start] === char.minus ? start + 1 : start;
	const intStart = i;
	while (i < end && b[i]! >= 48 && b[i]! <= 57) i++;
	const intDigits = i - intStart;
	if (intDigits === 0 || (intDigits > 1 && b[intStart] === char.zero)) return false;
	if (i === end) return isPlainInteger(b, start, end);
	if (b[i] !== char.dot) return false;
	const fractionStart = ++i;
	while (i < end && b[i]! >= 48 && b[i]! <= 57) i++;
	if (i !== end || i === fractionStart || b[end - 1] === char.zero) return false;
	const zeroInteger = intDigits === 1 && b[intStart] === char.zero;
	let leadingZeros = 0;
	if (zeroInteger) while (b[fractionStart + leadingZeros] === char.zero) leadingZeros++;
	const significant = (zeroInteger ? 0 : intDigits) + (end - fractionStart) - leadingZeros;
	return significant <= 15 && leadingZeros < 6;
}

/**
Number text exactly as JSON.stringify writes the number it parses to: isPlainNumber, or else checked by converting
(a 17-digit fraction such as 149.01999999999998, which GPS coordinates and sums often are, may or may not be the
shortest text of its double). Still much cheaper than the parse-and-encode path it spares. Number() of JSON number
text is the double JSON.parse gives.
*/
export function isCanonicalNumber(b: Buffer, start: number, end: number): boolean {
	if (isPlainNumber(b, start, end)) return true;
	if (end - start > 32) return false;
	const text = b.toString('latin1', start, end);
	return String(Number(text)) === text;
}
