import { char } from '../bytes/chars.js';
import { jsonTextStop } from '../bytes/stop-tables.js';
import type { FieldRow } from '../mapping/field-table.js';
import { compileLineMapper, MappingStats } from '../mapping/compile.js';
import { utf8SequenceEnd } from '../mapping/json-tokens.js';
import type { LineBuffer } from '../bytes/line-buffer.js';
import type { CsvHeader } from './csv-members.js';
import { contains, parseAmplitudeIdAt } from './id-list.js';

/** The record fields amp-import adds to every member row (they win over a CSV column of the same name). */
export const cohortSources = ['cohort_id', 'cohort_name', 'cohort_membership', 'last_computed'] as const;

export interface CohortRecordFields {
	cohort_id: string;
	cohort_name: string;
	cohort_membership: boolean;
	last_computed: number | undefined;
}

/** What a member's record takes from its cohort: membership true for a member, false for one who left. */
export function cohortRecordFields(cohort: { id: string; name: string; lastComputed?: number }, member: boolean): CohortRecordFields {
	return { cohort_id: cohort.id, cohort_name: cohort.name, cohort_membership: member, last_computed: cohort.lastComputed };
}

/** What one block gave: its data records (all members: a record off the path sends the block to papaparse), the records written and the joins. */
export interface ByteBlockCounts {
	rows: number;
	records: number;
	joins: number;
}

/**
What a record's output line is made of, in order: per part, the CSV column whose value it writes after
`keys[part]` (`"field":"`), or -1 and a constant text (`"field":value`; undefined writes nothing).
*/
interface LinePlan {
	columnOf: number[];
	keys: Buffer[];
	constants: (Buffer | undefined)[];
	/** Leave out a column that holds the empty string (the mapping tables do; JSON.stringify of a raw row does not). */
	skipEmpty: boolean;
}

/** The mapped shape: the table's rows, a column copied for a `string` row, the line mapper's own text for the cohort's. */
function mappedPlan(rows: readonly FieldRow[], rename: Readonly<Record<string, string>>, header: CsvHeader, cohort: CohortRecordFields): LinePlan | undefined {
	const fields = rows.map((row) => rename[row.field] ?? row.field);
	if (new Set(fields).size !== fields.length) return undefined;
	const plan: LinePlan = { columnOf: [], keys: [], constants: [], skipEmpty: true };
	for (const [i, row] of rows.entries()) {
		const fromCohort = (cohortSources as readonly string[]).includes(row.from);
		const column = fromCohort ? -1 : header.names.indexOf(row.from);
		if (column !== -1 && row.transform !== 'string') return undefined;
		plan.columnOf.push(column);
		plan.keys.push(Buffer.from(`${JSON.stringify(fields[i])}:"`));
		if (!fromCohort) {
			plan.constants.push(undefined); // a column the file lacks maps to nothing
			continue;
		}
		const stats = new MappingStats();
		const text = compileLineMapper([row], rename)(cohort as unknown as Record<string, unknown>, stats);
		if (stats.badValues) return undefined; // counted per member on the slow path
		plan.constants.push(text === '{}' ? undefined : Buffer.from(text.slice(1, -1)));
	}
	return plan;
}

/**
The raw shape: JSON.stringify of the row, that is every column in the header's order (empty ones too), a column
named like a cohort field holding the cohort's value in its place, then the cohort fields the file lacks (an
undefined one left out). Not for a header with an integer-like name, which JSON.stringify would put first.
*/
function rawPlan(header: CsvHeader, cohort: CohortRecordFields): LinePlan | undefined {
	if (header.names.some((name) => /^(0|[1-9]\d{0,9})$/.test(name) && Number(name) < 2 ** 32 - 1)) return undefined;
	const plan: LinePlan = { columnOf: [], keys: [], constants: [], skipEmpty: false };
	const constant = (name: string) => {
		const value = cohort[name as keyof CohortRecordFields];
		return value === undefined ? undefined : Buffer.from(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
	};
	for (const [column, name] of header.names.entries()) {
		const fromCohort = (cohortSources as readonly string[]).includes(name);
		plan.columnOf.push(fromCohort ? -1 : column);
		plan.keys.push(Buffer.from(`${JSON.stringify(name)}:"`));
		plan.constants.push(fromCohort ? constant(name) : undefined);
	}
	for (const name of cohortSources) {
		if (header.names.includes(name)) continue;
		plan.columnOf.push(-1);
		plan.keys.push(Buffer.alloc(0));
		plan.constants.push(constant(name));
	}
	return plan;
}

/** Bytes that end the run through a quoted field (see jsonTextStop), and through an unquoted one, which a comma also ends. */
const quotedStop = jsonTextStop;
const plainStop = quotedStop.slice();
plainStop[char.comma] = 1;

/**
The fast path of a cohort file's output, straight from the CSV bytes to the NDJSON bytes, for the shape
nearly every Amplitude file has: fields quoted (or plain) that hold no backslash or control character and are
well-formed UTF-8. Such a field's bytes between its quotes are its JSON string's bytes between its quotes, but for
a doubled quote, which JSON writes `\"` (JSON.stringify escapes only quotes, backslashes, controls and lone
surrogates), so a table row (or, raw, a column) that takes a field as a string copies it; what comes from the
cohort's own fields is the same for every member and is written once here, by the line mapper itself. papaparse stays the parser of record: any block with one record off
this path (a backslash or a newline in a field, a wrong field count, an amplitude_id that is not an integer)
returns undefined and the caller parses the whole block with papaparse. The tests hold both paths to the same bytes.
Undefined too for a shape it cannot write (see mappedPlan and rawPlan).
*/
export function compileMemberByteMapper(
	shape: { raw: boolean; rows: readonly FieldRow[]; rename: Readonly<Record<string, string>> },
	header: CsvHeader,
	cohort: CohortRecordFields,
): ((input: Buffer, out: LineBuffer, members: LineBuffer, ids: Float64Array, previous: Float64Array | undefined, changesOnly: boolean) => ByteBlockCounts | undefined) | undefined {
	const columns = header.names.length;
	const idColumn = header.names.indexOf('amplitude_id');
	const userColumn = header.names.indexOf('user_id');
	const plan = idColumn === -1 ? undefined : shape.raw ? rawPlan(header, cohort) : mappedPlan(shape.rows, shape.rename, header, cohort);
	if (!plan) return undefined;
	const { columnOf, keys, constants, skipEmpty } = plan;
	const crlf = header.newline === '\r\n';
	const starts = new Int32Array(columns);
	const ends = new Int32Array(columns);
	/** 1 where a field holds doubled quotes (`""`, one quote of the value). */
	const escaped = new Uint8Array(columns);

	/** The index after the record at `i` with its field bounds in starts/ends, or -1 when it is off the fast path. */
	const scanRecord = (b: Buffer, i: number): number => {
		const end = b.length;
		for (let column = 0; column < columns; column++) {
			let c = b[i];
			if (c === char.quote) {
				starts[column] = ++i;
				escaped[column] = 0;
				for (;;) {
					while (quotedStop[(c = b[i]!)] === 0) i++;
					if (c === char.quote && b[i + 1] === char.quote) {
						escaped[column] = 1;
						i += 2;
						continue;
					}
					if (c === char.quote) break;
					if (c === undefined || c < 128 || (i = utf8SequenceEnd(b, i, c)) < 0) return -1;
				}
				ends[column] = i++;
				c = b[i];
			} else {
				starts[column] = i;
				escaped[column] = 0;
				for (;;) {
					while (plainStop[(c = b[i]!)] === 0) i++;
					if (c === undefined || c < 128) break;
					if ((i = utf8SequenceEnd(b, i, c)) < 0) return -1;
				}
				ends[column] = i;
			}
			if (column < columns - 1) {
				if (c !== char.comma) return -1;
				i++;
			} else if (i === end) return i;
			else if (c === char.newline && !crlf) return i + 1;
			else if (c === char.carriageReturn && crlf && b[i + 1] === char.newline) return i + 2;
			else return -1;
		}
		return -1;
	};

	return (b, out, members, ids, previous, changesOnly) => {
		let rows = 0;
		let records = 0;
		let joins = 0;
		for (let i = 0; i < b.length; rows++) {
			const next = scanRecord(b, i);
			if (next === -1) return undefined;
			i = next;
			const idStart = starts[idColumn]!;
			const idEnd = ends[idColumn]!;
			const id = parseAmplitudeIdAt(b, idStart, idEnd);
			if (id === -1) return undefined;
			ids[rows] = id;
			members.writeRange(b, idStart, idEnd);
			members.writeByte(char.tab);
			if (userColumn !== -1) {
				if (escaped[userColumn]) writeUnescaped(members, b, starts[userColumn]!, ends[userColumn]!);
				else members.writeRange(b, starts[userColumn]!, ends[userColumn]!);
			}
			members.writeByte(char.newline);
			const joined = previous !== undefined && !contains(previous, id);
			if (joined) joins++;
			if (changesOnly && previous !== undefined && !joined) continue;
			records++;
			out.writeByte(char.openBrace);
			let first = true;
			for (let k = 0; k < columnOf.length; k++) {
				const column = columnOf[k]!;
				if (column !== -1) {
					const start = starts[column]!;
					const stop = ends[column]!;
					if (start === stop && skipEmpty) continue; // an empty string maps to nothing
					if (!first) out.writeByte(char.comma);
					first = false;
					out.writeRange(keys[k]!, 0, keys[k]!.length);
					if (escaped[column]) writeJsonEscaped(out, b, start, stop);
					else out.writeRange(b, start, stop);
					out.writeByte(char.quote);
				} else {
					const text = constants[k];
					if (text === undefined) continue;
					if (!first) out.writeByte(char.comma);
					first = false;
					out.writeRange(text, 0, text.length);
				}
			}
			out.writeByte(char.closeBrace);
			out.writeByte(char.newline);
		}
		return { rows, records, joins };
	};
}

/** A field's bytes with each doubled quote as JSON's `\"`. */
function writeJsonEscaped(out: LineBuffer, b: Buffer, start: number, end: number): void {
	for (let i = start; i < end; i++) {
		const c = b[i]!;
		if (c === char.quote) {
			out.writeByte(char.backslash);
			i++; // the second quote of the pair
		}
		out.writeByte(c);
	}
}

/** A field's bytes with each doubled quote as one (the value itself). */
function writeUnescaped(out: LineBuffer, b: Buffer, start: number, end: number): void {
	for (let i = start; i < end; i++) {
		out.writeByte(b[i]!);
		if (b[i] === char.quote) i++;
	}
}
