import type { FieldRow } from './field-table.js';
import { absent, invalid, transforms, type Converted } from './transforms/index.js';

/** Per-run counters the mappers add to: values that could not be converted, by output field. */
export class MappingStats {
	badValues = 0;
	readonly badValuesByField = new Map<string, number>();

	recordBad(field: string, count = 1): void {
		this.badValues += count;
		this.badValuesByField.set(field, (this.badValuesByField.get(field) ?? 0) + count);
	}

	toJSON(): Record<string, number> {
		return Object.fromEntries([...this.badValuesByField].sort(([a], [b]) => a.localeCompare(b)));
	}
}

export type Mapper = (record: Record<string, unknown>, stats: MappingStats) => Record<string, unknown>;

interface CompiledRow {
	from: string;
	field: string;
	convert: (value: unknown, record: Record<string, unknown>) => Converted;
}

/**
Compiles a field table once into a mapper. The table stays data; this only resolves each row's transform ahead of
time so the per-record loop does no lookups. A null, missing or empty-string source leaves the field out.
*/
export function compileMapper(rows: readonly FieldRow[], rename: Readonly<Record<string, string>> = {}): Mapper {
	const compiled: CompiledRow[] = rows.map((row) => ({ from: row.from, field: rename[row.field] ?? row.field, convert: transforms[row.transform].convert }));
	return (record, stats) => {
		const out: Record<string, unknown> = {};
		for (const { from, field, convert } of compiled) {
			const value = record[from];
			if (value === null || value === undefined || value === '') continue;
			const converted = convert(value, record);
			if (converted === absent) continue;
			if (converted === invalid) {
				stats.recordBad(field);
				continue;
			}
			out[field] = converted;
		}
		return out;
	};
}

/** A mapper that returns the record's JSON text (one NDJSON line, without the newline). */
export type LineMapper = (record: Record<string, unknown>, stats: MappingStats) => string;

/**
The same mapping as `compileMapper`, compiled into a function that writes the JSON text directly: straight-line
code, one block per table row, with each source key a constant property access. Building no intermediate object
and reading keys by constant name (which V8 turns into fast monomorphic loads) makes it several times faster than
looping over the rows. The output is byte for byte `JSON.stringify(compileMapper(rows, rename)(record))`; the
tests hold it to that. Keys and field names enter the code only as JSON string literals.
*/
export function compileLineMapper(rows: readonly FieldRow[], rename: Readonly<Record<string, string>> = {}): LineMapper {
	const fields = rows.map((row) => rename[row.field] ?? row.field);
	if (new Set(fields).size !== fields.length) {
		// Two rows writing one field (a renamed field that clashes): an object keeps the last value, so use one.
		const mapper = compileMapper(rows, rename);
		return (record, stats) => JSON.stringify(mapper(record, stats));
	}
	const forms: Array<{ convert: unknown; toJson?: () => unknown }> = rows.map((row) => transforms[row.transform]);
	const converts = forms.map((t) => t.toJson?.() ?? t.convert);
	const blocks = rows.map((row, i) => {
		const key = JSON.stringify(`${JSON.stringify(fields[i])}:`);
		// A JSON writer's result is already JSON text; any other transform's value is encoded here.
		const encoded = forms[i]!.toJson ? 'c' : 'stringify(c)';
		return [
			`v = r[${JSON.stringify(row.from)}];`,
			`if (v !== null && v !== undefined && v !== '') {`,
			`	c = converts[${i}](v, r);`,
			`	if (c === invalid) stats.recordBad(${JSON.stringify(fields[i])});`,
			`	else if (c !== absent) { out += sep + ${key} + ${encoded}; sep = ','; }`,
			`}`,
		].join('\n\t');
	});
	const source = `return function mapLine(r, stats) {\n\tlet out = '{', sep = '', v, c;\n\t${blocks.join('\n\t')}\n\treturn out + '}';\n};`;
	// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the point: code generated from the table, once per run
	const factory = new Function('converts', 'absent', 'invalid', 'stringify', source) as (...args: unknown[]) => LineMapper;
	return factory(converts, absent, invalid, JSON.stringify);
}

/** Picks the rows a run maps: the defaults minus `exclude`, plus the additional rows named in `include`. */
export function selectRows(
	defaults: readonly FieldRow[],
	additional: readonly FieldRow[],
	include: readonly string[],
	exclude: readonly string[],
): FieldRow[] {
	const excluded = new Set(exclude);
	const included = new Set(include);
	return [...defaults.filter((row) => !excluded.has(row.field)), ...additional.filter((row) => included.has(row.field))];
}
