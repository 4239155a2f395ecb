import { describe, expect, it } from '@jest/globals';
import { compileLineMapper, compileMapper, MappingStats, selectRows } from '../../../src/mapping/compile.js';
import { additionalEventFieldTable, eventFieldTable } from '../../../src/mapping/events-table.js';
import { cohortFieldTable } from '../../../src/mapping/cohorts-table.js';
import { isExportLayout, toRfc3339 } from '../../../src/mapping/timestamps.js';
import { prng, syntheticEvent } from '../../../scripts/synthetic-export.js';

/** The compiled line mapper must write exactly what JSON.stringify writes for the object mapper's result. */
function expectSameAsObjectMapper(rows: Parameters<typeof compileMapper>[0], records: Record<string, unknown>[], rename = {}) {
	const line = compileLineMapper(rows, rename);
	const object = compileMapper(rows, rename);
	const lineStats = new MappingStats();
	const objectStats = new MappingStats();
	for (const record of records) expect(line(structuredClone(record), lineStats)).toBe(JSON.stringify(object(structuredClone(record), objectStats)));
	expect(lineStats.toJSON()).toEqual(objectStats.toJSON());
	expect(lineStats.badValues).toBe(objectStats.badValues);
}

describe('the compiled line mapper', () => {
	const rand = prng(42);
	const events = Array.from({ length: 300 }, (_, i) => syntheticEvent(rand, Date.UTC(2026, 9, 1, i % 24), i) as Record<string, unknown>);

	it('writes byte for byte what the object mapper gives, for every default and additional field', () => {
		expectSameAsObjectMapper(selectRows(eventFieldTable, additionalEventFieldTable, additionalEventFieldTable.map((r) => r.field), []), events);
	});

	it('agrees on bad values and odd inputs: wrong types, other timestamp layouts, index-like and dotted property keys', () => {
		const odd: Record<string, unknown>[] = [
			{ $schema: 'x13', app: 1.5, paying: 'maybe', event_time: '2026-02-30 10:00:00.000000', client_event_time: '2026-02-03T10:00:00Z', event_type: 7 },
			{ event_properties: { 2: 'two', b: 'bee', 1: 'one' }, user_properties: { 'a.b': 1, a: { b: 2 } }, group_properties: { x: null } },
			{ amplitude_id: 'quote"and\\backslash', city: 'line\nbreak', user_id: '\u2028', event_type: 'ünïcödé ✓', data: '{"already":"text"}' },
			{ location_lat: '12.5', location_lng: Number.NaN, session_id: -1, server_upload_time: '' },
			{},
		];
		expectSameAsObjectMapper(eventFieldTable, odd);
	});

	it('handles renamed fields (the cohorts table), and falls back to the object when two rows write one field', () => {
		const members = [{ amplitude_id: '1', user_id: 'u', city: 'Berlin', cohort_id: 'c1', cohort_name: 'Buyers', cohort_membership: true, last_computed: 1_700_000_000 }];
		expectSameAsObjectMapper(cohortFieldTable, members, { amplitude_id: 'my "id"', amplitude_cohort_names: 'names' });
		expectSameAsObjectMapper(cohortFieldTable, members, { amplitude_id: 'city' });
	});
});

describe('the export timestamp layout check', () => {
	it('accepts real instants in YYYY-MM-DD HH:MM:SS.ffffff and nothing else', () => {
		for (const ok of ['2026-10-01 05:07:09.123456', '2024-02-29 23:59:59.999999', '2000-02-29 00:00:00.000000']) expect(isExportLayout(ok)).toBe(true);
		for (const bad of ['2026-02-29 00:00:00.000000', '1900-02-29 00:00:00.000000', '2026-13-01 00:00:00.000000', '2026-10-01 24:00:00.000000', '2026-10-01T05:07:09.123456', '2026-10-01 05:07:09.12345', '2026-10-01 05:07:09.12345a', '2026-1x-01 05:07:09.123456']) {
			expect(isExportLayout(bad)).toBe(false);
		}
		expect(toRfc3339('2026-10-01 05:07:09.123456')).toBe('2026-10-01T05:07:09.123456Z');
		expect(toRfc3339('2026-10-01 05:07:09.1')).toBe('2026-10-01T05:07:09.100000Z');
	});
});
