import { char } from '../bytes/chars.js';
import type { LineBuffer } from '../bytes/line-buffer.js';
import { fnvOffset, fnvPrime, numberTextEnd, plainKey, plainKeyEnd, writeCanonicalAsString } from './canonical-bytes.js';
import { skipSpace } from './json-tokens.js';
import { parseExact, stringifyExact } from './exact-json.js';
import { writeEscapedString } from './escaped-string.js';

/**
flattenProperties (values.ts) on bytes: writes the property map that starts with `{` at `b[start]` (already
validated by the scanner) as flattened JSON, `{"a.b":"1",...}`, straight from the input. Returns the number of
properties written, 0 when there are none (the field is then left out), or -1 when the bytes alone cannot give
exactly what the parsed path gives, and the caller should parse the map instead. That is the case for a key with
escapes, an integer-like key (a JavaScript object puts those first), `__proto__`, or two properties with one path:
a key given twice in one object (JSON.parse keeps the last), or a dotted key meeting a nested one
(`{"a.b":1,"a":{"b":2}}`). Paths are compared by a hash of their bytes, a dot hashed like the separator, so a
collision can only cause a needless fallback. All rare in real exports.
*/
export function flattenBytes(b: Buffer, start: number, end: number, out: LineBuffer): number {
	flat.count = 0;
	flat.paths = 0;
	flat.depth = 0;
	out.writeByte(char.openBrace);
	const next = flattenObject(b, start, fnvOffset, out);
	if (next < 0 || next > end) return -1;
	out.writeByte(char.closeBrace);
	return flat.count;
}

const maxPaths = 512;

const maxDepth = 256;

/**
The walk's state: properties written, path hashes seen (to catch a key given twice), and the keys above, as
[start, end) pairs in `ancestors` (`depth` of them; a typed array, as setting an array's length costs a call).
*/
const flat = { count: 0, paths: 0, hashes: new Int32Array(maxPaths), depth: 0, ancestors: new Int32Array(maxDepth * 2) };

/** Walks the object at `b[i]`; returns the index after its `}`, or -1 to fall back. */
function flattenObject(b: Buffer, i: number, parentHash: number, out: LineBuffer): number {
	i = skipSpace(b, i + 1);
	if (b[i] === char.closeBrace) return i + 1;
	for (;;) {
		const keyStart = i + 1;
		const keyEnd = plainKeyEnd(b, keyStart, parentHash);
		if (keyEnd < 0) return -1;
		const hash = Math.imul(plainKey.hash ^ 46, fnvPrime);
		if (!remember(hash)) return -1;
		i = skipSpace(b, skipSpace(b, keyEnd + 1) + 1); // past the colon
		const c = b[i];
		if (c === char.openBrace) {
			if (flat.depth === maxDepth) return -1;
			flat.ancestors[flat.depth * 2] = keyStart;
			flat.ancestors[flat.depth * 2 + 1] = keyEnd;
			flat.depth++;
			i = flattenObject(b, i, hash, out);
			flat.depth--;
			if (i < 0) return -1;
		} else if (c === char.lowerN) {
			i += 4; // null: left out
		} else {
			if (flat.count++ > 0) out.writeByte(char.comma);
			out.writeByte(char.quote);
			const { ancestors, depth } = flat;
			for (let a = 0; a < depth * 2; a += 2) {
				out.writeRange(b, ancestors[a]!, ancestors[a + 1]!);
				out.writeByte(char.dot);
			}
			out.writeRange(b, keyStart, keyEnd);
			out.writeByte(char.quote);
			out.writeByte(char.colon);
			i = writeLeaf(b, i, c!, out);
		}
		i = skipSpace(b, i);
		if (b[i] !== char.comma) return i + 1; // the closing brace
		i = skipSpace(b, i + 1);
	}
}

/** Writes the scalar or array at `b[i]` as the JSON string flattenProperties makes of it; returns the index after it. */
function writeLeaf(b: Buffer, i: number, c: number, out: LineBuffer): number {
	if (c === char.quote) {
		let j = i + 1;
		let escaped = false;
		for (let d = b[j]; d !== char.quote; d = b[++j]) if (d === char.backslash) (escaped = true), j++;
		// A string with no escapes is written as it came; one with escapes, in JSON.stringify's form (escaped-string.ts).
		if (escaped) writeEscapedString(b, i + 1, j, out);
		else out.writeRange(b, i, j + 1);
		return j + 1;
	}
	if (c === char.lowerT || c === char.lowerF) {
		const end = i + (c === char.lowerT ? 4 : 5);
		out.writeByte(char.quote);
		out.writeRange(b, i, end);
		out.writeByte(char.quote);
		return end;
	}
	if (c === char.openBracket) {
		const end = containerEnd(b, i);
		if (writeCanonicalAsString(b, i, end, out)) return end;
		out.writeText(JSON.stringify(stringifyExact(parseExact(b.toString('utf8', i, end)))));
		return end;
	}
	const end = numberTextEnd(b, i);
	out.writeByte(char.quote);
	// A number keeps its own text in a string map (what parseExact gives the ordinary path too).
	out.writeRange(b, i, end);
	out.writeByte(char.quote);
	return end;
}

/** The index after the array or object that opens at `b[i]`. */
function containerEnd(b: Buffer, i: number): number {
	let depth = 0;
	for (;;) {
		const c = b[i++];
		if (c === char.quote) {
			for (let d = b[i]; d !== char.quote; d = b[++i]) if (d === char.backslash) i++;
			i++;
		} else if (c === char.openBracket || c === char.openBrace) depth++;
		else if ((c === char.closeBracket || c === char.closeBrace) && --depth === 0) return i;
	}
}

function remember(hash: number): boolean {
	const { hashes } = flat;
	for (let p = 0; p < flat.paths; p++) if (hashes[p] === hash) return false;
	if (flat.paths === maxPaths) return false;
	hashes[flat.paths++] = hash;
	return true;
}
