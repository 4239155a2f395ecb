import type { LineBuffer } from '../bytes/line-buffer.js';
import type { MappingStats } from './compile.js';
import type { FieldRow } from './field-table.js';
import { char } from '../bytes/chars.js';
import * as json from './json-scan.js';
import { invalid, transforms, type TransformName } from './transforms/index.js';
import { viaParse, type ByteWriter, type Transform } from './transforms/transform.js';

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

type Writer = ByteWriter;

/** Why these rows cannot be mapped from bytes, or undefined when they can (a run says so at debug level). */
export function byteMapperProblem(rows: readonly FieldRow[]): string | undefined {
	const whole = rows.filter((row) => transforms[row.transform].readsRecord);
	if (whole.length) return `the row(s) ${whole.map((r) => r.field).join(', ')} read the whole record`;
	if (new Set(rows.map((row) => row.field)).size !== rows.length) return 'two rows write one field';
	return undefined;
}

/** A byte mapper for these rows, or undefined when a row needs the whole record or two rows write one field. */
export function compileByteMapper(rows: readonly FieldRow[]): ByteMapper | undefined {
	if (byteMapperProblem(rows)) return undefined;
	const keys = [...new Set(rows.map((row) => row.from))];
	const uuidKey = keys.includes('uuid') ? keys.indexOf('uuid') : keys.push('uuid') - 1;
	const scanner = new json.JsonLineScanner(keys);
	const plan = rows.map((row) => ({
		key: keys.indexOf(row.from),
		field: row.field,
		// `,"field":`, ready to copy (from its second byte for the line's first field).
		prefix: Buffer.from(`,${JSON.stringify(row.field)}:`),
		write: writerOf(row.transform),
	}));
	return {
		scanner,
		uuidKey,
		map(b, start, end, out, stats) {
			if (!scanner.scan(b, start, end)) return false;
			const { kinds, starts, ends } = scanner;
			out.writeByte(char.openBrace);
			let first = true;
			for (const row of plan) {
				const kind = kinds[row.key]!;
				const from = starts[row.key]!;
				const to = ends[row.key]!;
				// A null, missing or empty-string source leaves the field out.
				if (kind === json.missing || kind === json.nullValue || (kind === json.plainString && from === to)) continue;
				const mark = out.length;
				out.writeRange(row.prefix, first ? 1 : 0, row.prefix.length);
				const result = row.write(b, kind, from, to, out);
				if (result === undefined) {
					first = false;
					continue;
				}
				out.truncate(mark);
				if (result === invalid) stats.recordBad(row.field);
			}
			out.writeByte(char.closeBrace);
			out.writeByte(char.newline);
			return true;
		},
	};
}

/** A transform's byte writer: its own fast form, or the ordinary path on that one value. */
function writerOf(name: TransformName): Writer {
	const t: Transform = transforms[name];
	return t.fromBytes ?? viaParse(t.convert, name);
}
