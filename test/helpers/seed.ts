import { readFileSync } from 'node:fs';
import type { FieldRow } from '../../src/mapping/field-table.js';

/** The seed's table rows, verbatim (columns run together), with the document's `\_` escape undone. */
export function seedRows(file: string): string[] {
	return readFileSync(new URL(`../../fixtures/seed/${file}`, import.meta.url), 'utf8')
		.split('\n')
		.filter((line) => line && !line.startsWith('#'))
		.map((line) => line.replaceAll('\\_', '_'));
}

/** A table row printed the way the seed prints it: source, field, ` unique id` for identity fields, description, type. */
export const asSeedLine = (row: FieldRow) => `${row.seed}${row.field}${row.identity ? ' unique id' : ''}${row.description}${row.type}`;
