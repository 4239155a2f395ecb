import { char } from '../bytes/chars.js';
import type { LineBuffer } from '../bytes/line-buffer.js';

const hex = '0123456789abcdef';
/** The two-letter escapes JSON.stringify writes for these control characters; any other below 0x20 is \u00xx. */
const shortEscape: Record<number, number> = { 8: char.lowerB, 9: char.lowerT, 10: char.lowerN, 12: char.lowerF, 13: char.lowerR };

/**
A JSON string with escapes, `b[start, end)` inside its quotes (the scanner has checked it: every escape is valid,
the rest well-formed UTF-8 with no control character), written with its quotes as JSON.stringify(JSON.parse(it))
would write it: `\"` and `\\` stay, `\/` becomes `/`, control characters take JSON.stringify's forms (`\n`,
`\u0001`), a lone surrogate stays escaped in lower case, and every other `\uXXXX` becomes its UTF-8 bytes (a
surrogate pair one code point). So the common escaped strings (non-ASCII text from an ASCII-only writer, quotes,
newlines) need no decoding and parsing; the tests hold it to JSON.stringify(JSON.parse(…)) on random strings.
*/
export function writeEscapedString(b: Buffer, start: number, end: number, out: LineBuffer): void {
	out.writeByte(char.quote);
	let run = start;
	for (let i = start; i < end; ) {
		if (b[i] !== char.backslash) {
			i++;
			continue;
		}
		if (i > run) out.writeRange(b, run, i);
		const e = b[i + 1]!;
		if (e !== char.lowerU) {
			// \" \\ \b \f \n \r \t are JSON.stringify's own forms; \/ is a plain slash to it.
			if (e === char.slash) out.writeByte(char.slash);
			else out.writeRange(b, i, i + 2);
			i += 2;
			run = i;
			continue;
		}
		let code = hexAt(b, i + 2);
		i += 6;
		if (code >= 0xd800 && code <= 0xdbff && b[i] === char.backslash && b[i + 1] === char.lowerU) {
			const low = hexAt(b, i + 2);
			if (low >= 0xdc00 && low <= 0xdfff) {
				code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
				i += 6;
			}
		}
		writeCodePoint(code, out);
		run = i;
	}
	if (end > run) out.writeRange(b, run, end);
	out.writeByte(char.quote);
}

function writeCodePoint(code: number, out: LineBuffer): void {
	if (code < 0x20) {
		out.writeByte(char.backslash);
		const short = shortEscape[code];
		if (short !== undefined) return out.writeByte(short);
		return writeUnicodeEscape(code, out);
	}
	if (code === char.quote || code === char.backslash) {
		out.writeByte(char.backslash);
		return out.writeByte(code);
	}
	if (code < 0x80) return out.writeByte(code);
	if (code < 0x800) {
		out.writeByte(0xc0 | (code >> 6));
		return out.writeByte(0x80 | (code & 0x3f));
	}
	if (code >= 0xd800 && code <= 0xdfff) {
		// A lone surrogate: JSON.stringify keeps it escaped, in lower-case hex.
		out.writeByte(char.backslash);
		return writeUnicodeEscape(code, out);
	}
	if (code < 0x10000) {
		out.writeByte(0xe0 | (code >> 12));
		out.writeByte(0x80 | ((code >> 6) & 0x3f));
		return out.writeByte(0x80 | (code & 0x3f));
	}
	out.writeByte(0xf0 | (code >> 18));
	out.writeByte(0x80 | ((code >> 12) & 0x3f));
	out.writeByte(0x80 | ((code >> 6) & 0x3f));
	out.writeByte(0x80 | (code & 0x3f));
}

/** `u` and four lower-case hex digits (the backslash is written by the caller). */
function writeUnicodeEscape(code: number, out: LineBuffer): void {
	out.writeByte(char.lowerU);
	for (let shift = 12; shift >= 0; shift -= 4) out.writeByte(hex.charCodeAt((code >> shift) & 15));
}

function hexAt(b: Buffer, i: number): number {
	let value = 0;
	for (let k = 0; k < 4; k++) {
		const c = b[i + k]!;
		value = (value << 4) | (c <= char.nine ? c - char.zero : (c | 0x20) - 87);
	}
	return value;
}
