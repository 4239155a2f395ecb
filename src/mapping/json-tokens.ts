import { char } from '../bytes/chars.js';

/**
Where a JSON token that starts at `b[i]` ends, checked against the grammar JSON.parse accepts: the byte-level pieces
of the line scanner (json-scan.ts), and of the cohort CSV path's UTF-8 check. Each returns the index after the token,
or -1 when the bytes are not one.
*/

/** JSON whitespace, except the newline (lines are cut at newlines, so one marks the end of the line). */
const space = new Uint8Array(256);
space[32] = space[9] = space[13] = 1;
const hexDigit = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') hexDigit[c.charCodeAt(0)] = 1;

/** skipSpace with the common case first: JSON written without spaces (every byte above 32 is not whitespace). */
export function afterSpace(b: Uint8Array, i: number): number {
	return b[i]! > 32 ? i : skipSpace(b, i);
}

/** The index of the first byte at or after `i` that is not JSON whitespace (the newline excepted). */
export function skipSpace(b: Uint8Array, i: number): number {
	while (space[b[i]!] === 1) i++;
	return i;
}

/** The position after the escape at `b[i]` (a backslash), or -1 if it is not a JSON escape. */
export function escape(b: Uint8Array, i: number): number {
	const e = b[i + 1];
	if (e === char.quote || e === char.backslash || e === char.slash || e === char.lowerB || e === char.lowerF || e === char.lowerN || e === char.lowerR || e === char.lowerT) return i + 2;
	if (e !== 117) return -1;
	return hexDigit[b[i + 2]!] && hexDigit[b[i + 3]!] && hexDigit[b[i + 4]!] && hexDigit[b[i + 5]!] ? i + 6 : -1;
}

/**
The position after the UTF-8 sequence led by `c` at `b[i]`, or -1 if it is not well-formed (overlong, surrogate,
beyond U+10FFFF, truncated): the cases a decoder would replace with U+FFFD, which the caller should see decoded.
*/
export function utf8SequenceEnd(b: Uint8Array, i: number, c: number): number {
	const c1 = b[i + 1]!;
	if (c >= 0xc2 && c <= 0xdf) return c1 >= 0x80 && c1 <= 0xbf ? i + 2 : -1;
	const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
	const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
	if (!(c1 >= lo && c1 <= hi)) return -1;
	const c2 = b[i + 2]!;
	if (!(c2 >= 0x80 && c2 <= 0xbf)) return -1;
	if (c >= 0xe0 && c <= 0xef) return i + 3;
	if (c < 0xf0 || c > 0xf4) return -1;
	const c3 = b[i + 3]!;
	return c3 >= 0x80 && c3 <= 0xbf ? i + 4 : -1;
}

/** The position after the JSON number starting with `c` at `b[i]`, or -1. */
export function numberEnd(b: Uint8Array, i: number, c: number): number {
	if (c === char.minus) c = b[++i]!;
	if (c === char.zero) c = b[++i]!;
	else if (c >= 49 && c <= char.nine) while ((c = b[++i]!) >= 48 && c <= char.nine);
	else return -1;
	if (c === char.dot) {
		c = b[++i]!;
		if (!(c >= char.zero && c <= char.nine)) return -1;
		while ((c = b[++i]!) >= 48 && c <= char.nine);
	}
	if (c === char.lowerE || c === char.upperE) {
		c = b[++i]!;
		if (c === char.plus || c === char.minus) c = b[++i]!;
		if (!(c >= char.zero && c <= char.nine)) return -1;
		while ((c = b[++i]!) >= 48 && c <= char.nine);
	}
	return i;
}

export function literalEnd(b: Uint8Array, i: number, c: number): number {
	if (c === char.lowerN) return b[i + 1] === 117 && b[i + 2] === 108 && b[i + 3] === 108 ? i + 4 : -1;
	if (c === char.lowerT) return b[i + 1] === char.lowerR && b[i + 2] === 117 && b[i + 3] === char.lowerE ? i + 4 : -1;
	return b[i + 1] === 97 && b[i + 2] === 108 && b[i + 3] === 115 && b[i + 4] === char.lowerE ? i + 5 : -1;
}
