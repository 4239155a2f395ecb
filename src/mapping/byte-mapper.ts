import type { LineBuffer } from '../bytes/line-buffer.js';
import type { MappingStats } from './compile.js';
import type { FieldRow } from './field-table.js';
import { isCanonicalNumber, isPlainInteger, writeCanonicalAsString } from './canonical-bytes.js';
import { flattenBytes } from './flatten-bytes.js';
import { parseExact } from './exact-json.js';
import * as json from './json-scan.js';
import { isExportLayoutAt } from './timestamps.js';
import { absent, booleanWords, invalid, transforms, type TransformName } from './values.js';

/**
The mapped shape straight from bytes to bytes: the line is scanned (not parsed), and each table row's value is
written from the input's own bytes when that gives exactly what the ordinary path gives (a string with no escapes
is its own JSON text; an export-layout timestamp needs two bytes changed; a property map is walked in place; the
`data` object is already its own canonical JSON). Anything less common (an escaped string, a long fraction, an
array or object that is not canonical) is parsed on its own, a few bytes, and converted by the table's transform
as usual. The output is byte for byte the line mapper's
(compileLineMapper), which the tests hold it to; a line the scanner is unsure of is left to the caller's
ordinary path.
*/
export interface ByteMapper {
	/** The top-level keys the scanner captures: each row's source key, then `uuid` (for duplicates). */
	readonly scanner: json.JsonLineScanner;
	/** Index of `uuid` among the scanner's keys. */
	readonly uuidKey: number;
	/**
	Scans `b[start, end)` and writes its output line to `out`; false (nothing written) when the scanner is not sure
	of the line, for the caller to decode and parse it.
	*/
	map(b: Buffer, start: number, end: number, out: LineBuffer, stats: MappingStats): boolean;
}

/** Transforms whose value depends only on the source value (not on the rest of the record): all but cohorts'. */
const byteTransforms: ReadonlySet<TransformName> = new Set(['string', 'integer', 'number', 'boolean', 'date', 'json', 'properties', 'valueCount']);

type Writer = (b: Buffer, kind: number, start: number, end: number, out: LineBuffer) => typeof absent | typeof invalid | void;

/** A byte mapper for these rows, or undefined when a row needs the whole record or two rows write one field. */
export function compileByteMapper(rows: readonly FieldRow[]): ByteMapper | undefined {
	if (!rows.every((row) => byteTransforms.has(row.transform))) return undefined;
	if (new Set(rows.map((row) => row.field)).size !== rows.length) return undefined;
	const keys = [...new Set(rows.map((row) => row.from))];
	const uuidKey = keys.includes('uuid') ? keys.indexOf('uuid') : keys.push('uuid') - 1;
	const scanner = new json.JsonLineScanner(keys);
	const plan = rows.map((row) => ({
		key: keys.indexOf(row.from),
		field: row.field,
		// `"field":`, ready to copy.
		prefix: Buffer.from(`${JSON.stringify(row.field)}:`),
		write: writers[row.transform] ?? asParsed[row.transform],
	}));
	return {
		scanner,
		uuidKey,
		map(b, start, end, out, stats) {
			if (!scanner.scan(b, start, end)) return false;
			const { kinds, starts, ends } = scanner;
			out.writeByte(123);
			let first = true;
			for (const row of plan) {
				const kind = kinds[row.key]!;
				const from = starts[row.key]!;
				const to = ends[row.key]!;
				// A null, missing or empty-string source leaves the field out.
				if (kind === json.missing || kind === json.nullValue || (kind === json.plainString && from === to)) continue;
				const mark = out.length;
				if (!first) out.writeByte(44);
				out.writeRange(row.prefix, 0, row.prefix.length);
				const result = row.write(b, kind, from, to, out);
				if (result === undefined) {
					first = false;
					continue;
				}
				out.truncate(mark);
				if (result === invalid) stats.recordBad(row.field);
			}
			out.writeByte(125);
			out.writeByte(10);
			return true;
		},
	};
}

/** The value's own JSON text: a string's quotes are outside the recorded range. */
function parseValue(b: Buffer, kind: number, start: number, end: number): unknown {
	const quoted = kind === json.plainString || kind === json.escapedString;
	return parseExact(b.toString('utf8', quoted ? start - 1 : start, quoted ? end + 1 : end));
}

/** The ordinary way, for one value: parse it, convert it with the row's transform, encode the result. */
function parsedWriter(name: TransformName): Writer {
	const convert = transforms[name] as (value: unknown, record: Record<string, unknown>) => unknown;
	return (b, kind, start, end, out) => {
		const converted = convert(parseValue(b, kind, start, end), {});
		if (converted === absent || converted === invalid) return converted;
		out.writeText(JSON.stringify(converted));
		return undefined;
	};
}

const asParsed = Object.fromEntries([...byteTransforms].map((name) => [name, parsedWriter(name)])) as Record<TransformName, Writer>;

/** Copies a string value with its quotes: a string with no escapes is valid UTF-8 with nothing JSON.stringify would escape. */
function copyString(b: Buffer, start: number, end: number, out: LineBuffer): void {
	out.writeRange(b, start - 1, end + 1);
}

const writers: Partial<Record<TransformName, Writer>> = {
	string: (b, kind, start, end, out) => {
		if (kind === json.plainString) return copyString(b, start, end, out);
		if (kind === json.number && isCanonicalNumber(b, start, end)) {
			out.writeByte(34);
			out.writeRange(b, start, end);
			out.writeByte(34);
			return undefined;
		}
		if ((kind === json.object || kind === json.array) && writeCanonicalAsString(b, start, end, out)) return undefined;
		return asParsed.string(b, kind, start, end, out);
	},
	json: (b, kind, start, end, out) => {
		if (kind === json.plainString) return copyString(b, start, end, out);
		if ((kind === json.object || kind === json.array) && writeCanonicalAsString(b, start, end, out)) return undefined;
		return asParsed.json(b, kind, start, end, out);
	},
	integer: (b, kind, start, end, out) => {
		if (kind === json.number && isPlainInteger(b, start, end)) return out.writeRange(b, start, end);
		return asParsed.integer(b, kind, start, end, out);
	},
	number: (b, kind, start, end, out) => {
		if (kind === json.number && isCanonicalNumber(b, start, end)) return out.writeRange(b, start, end);
		return asParsed.number(b, kind, start, end, out);
	},
	boolean: (b, kind, start, end, out) => {
		if (kind === json.trueValue || kind === json.falseValue) return out.writeRange(b, start, end);
		// Amplitude's `paying` is "True" or "(none)": the words are ASCII, so the bytes' latin1 text is the string.
		if (kind === json.plainString) {
			const word = end - start <= 6 ? booleanWords.get(b.toString('latin1', start, end)) : undefined;
			if (word === undefined) return invalid;
			if (word === absent) return absent;
			return out.writeText(word ? 'true' : 'false');
		}
		return asParsed.boolean(b, kind, start, end, out);
	},
	date: (b, kind, start, end, out) => {
		// `2026-10-01 05:07:09.123456` → `2026-10-01T05:07:09.123456Z`, as toRfc3339 gives.
		if (kind !== json.plainString || end - start !== 26 || !isExportLayoutAt(b, start)) return asParsed.date(b, kind, start, end, out);
		out.writeByte(34);
		out.writeRange(b, start, start + 10);
		out.writeByte(84);
		out.writeRange(b, start + 11, end);
		out.writeByte(90);
		out.writeByte(34);
		return undefined;
	},
	valueCount: (b, kind, start, end, out) => {
		if (kind !== json.plainString) return asParsed.valueCount(b, kind, start, end, out);
		out.writeByte(123);
		copyString(b, start, end, out);
		out.writeText(':1}');
		return undefined;
	},
	properties: (b, kind, start, end, out) => {
		if (kind !== json.object) return asParsed.properties(b, kind, start, end, out);
		const mark = out.length;
		const written = flattenBytes(b, start, end, out);
		if (written > 0) return undefined;
		out.truncate(mark);
		return written === 0 ? absent : asParsed.properties(b, kind, start, end, out);
	},
};
