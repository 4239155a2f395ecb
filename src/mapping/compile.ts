import type { FieldRow } from './field-table.js';
import { absent, invalid, transforms, type Converted } from './values.js';

/** Per-run counters the mappers add to: values that could not be converted, by output field. */
export class MappingStats {
	badValues = 0;
	readonly badValuesByField = new Map<string, number>();

	recordBad(field: string): void {
		this.badValues++;
		this.badValuesByField.set(field, (this.badValuesByField.get(field) ?? 0) + 1);
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
	const compiled: CompiledRow[] = rows.map((row) => ({ from: row.from, field: rename[row.field] ?? row.field, convert: transforms[row.transform] }));
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
