import { readFileSync } from 'node:fs';
import type { FieldRow } from '../../src/mapping/field-table.js';

/** The integration document's table rows, verbatim (columns run together), with the document's `\_` escape undone. */
export function integrationRows(file: string): string[] {
	return readFileSync(new URL(`../../fixtures/lytics-integration/${file}`, import.meta.url), 'utf8')
		.split('\n')
		.filter((line) => line && !line.startsWith('#'))
		.map((line) => line.replaceAll('\\_', '_'));
}

/** A table row printed the way the integration document prints it: source, field, ` unique id` for identity fields, description, type. */
export const asIntegrationLine = (row: FieldRow) => `${row.integration}${row.field}${row.identity ? ' unique id' : ''}${row.description}${row.type}`;
