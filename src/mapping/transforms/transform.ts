import type { LineBuffer } from '../../bytes/line-buffer.js';
import { parseExact } from '../exact-json.js';
import * as json from '../json-scan.js';

export const absent = Symbol('absent');
export const invalid = Symbol('invalid');
export type Converted = unknown | typeof absent | typeof invalid;

/** JSON text of a converted value, or absent/invalid: what the line mapper appends as it is. */
export type JsonWriter = (value: unknown, record: Record<string, unknown>) => string | typeof absent | typeof invalid;

/**
Writes a value straight from the scanned line's bytes (`b[start, end)`, a value of json-scan `kind`) as JSON text to
`out`, or returns absent/invalid having written nothing.
*/
export type ByteWriter = (b: Buffer, kind: number, start: number, end: number, out: LineBuffer) => typeof absent | typeof invalid | void;

/**
One value transform a mapping table can name, in its every form. `convert` is the ordinary one: it takes a source
value that is present (not null, not undefined, not '') and returns the output value, `absent` to leave the field
out, or `invalid` to leave it out and count a bad value. The fast forms must give exactly what `convert` gives
(the tests hold them to it):
- `toJson`: a factory of writers of JSON.stringify(convert(v)) for the line mapper (one per table row, so a writer
  that remembers its last input sees one row's values);
- `fromBytes`: the byte mapper's writer, which answers from the bytes when it is certain and otherwise calls the
  ordinary path on that one value (`viaParse`). Without it, a row parses its value and converts it.
`readsRecord` marks a transform that also reads other fields of the record: the byte mapper cannot serve it.
*/
export interface Transform {
	convert: (value: unknown, record: Record<string, unknown>) => Converted;
	toJson?: () => JsonWriter;
	fromBytes?: ByteWriter;
	readsRecord?: boolean;
}

/** The value's own JSON text: a string's quotes are outside the range json-scan records. */
function parseValue(b: Buffer, kind: number, start: number, end: number): unknown {
	const quoted = kind === json.plainString || kind === json.escapedString;
	return parseExact(b.toString('utf8', quoted ? start - 1 : start, quoted ? end + 1 : end));
}

/**
How often the byte path handed a value to the ordinary path, by transform and value kind (`properties object`,
`string escaped`): per thread, taken and reset with each block (events/event-block.ts), summed in the run's debug
summary. Where the varied data leaves the fast path is read here.
*/
export const fallbacks = new Map<string, number>();

const kindNames = ['missing', 'string', 'escaped string', 'number', 'true', 'false', 'null', 'object', 'array'];

export function countFallback(reason: string): void {
	fallbacks.set(reason, (fallbacks.get(reason) ?? 0) + 1);
}

/** The ordinary way, for one value of a scanned line: parse it, convert it, encode the result. */
export function viaParse(convert: Transform['convert'], label = 'value'): ByteWriter {
	return (b, kind, start, end, out) => {
		countFallback(`${label} ${kindNames[kind] ?? kind}`);
		const converted = convert(parseValue(b, kind, start, end), {});
		if (converted === absent || converted === invalid) return converted;
		out.writeText(JSON.stringify(converted));
		return undefined;
	};
}

/** Copies a string value with its quotes: a string with no escapes is valid UTF-8 with nothing JSON.stringify would escape. */
export function copyString(b: Buffer, start: number, end: number, out: LineBuffer): void {
	out.writeRange(b, start - 1, end + 1);
}

/** A JSON writer that converts (and encodes) only when the value, or the part of the record it also reads, changed. */
export function remembering(convert: Transform['convert'], alsoReads: (record: Record<string, unknown>) => unknown): JsonWriter {
	let lastValue: unknown = Symbol('none');
	let lastOther: unknown;
	let lastText: string | typeof absent | typeof invalid = invalid;
	return (value, record) => {
		const other = alsoReads(record);
		if (value !== lastValue || other !== lastOther) {
			lastValue = value;
			lastOther = other;
			const converted = convert(value, record);
			lastText = converted === absent || converted === invalid ? converted : JSON.stringify(converted);
		}
		return lastText;
	};
}
