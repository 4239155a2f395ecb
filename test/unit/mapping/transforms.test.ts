import { describe, expect, it } from '@jest/globals';
import { absent, invalid, transforms as registry } from '../../../src/mapping/transforms/index.js';
import { flattenProperties } from '../../../src/mapping/transforms/properties.js';

const transforms = Object.fromEntries(Object.entries(registry).map(([name, t]) => [name, (v: unknown, r: Record<string, unknown> = {}) => t.convert(v, r)])) as Record<keyof typeof registry, (v: unknown, r?: Record<string, unknown>) => unknown>;
import { epochToRfc3339, toLyticsLayout, toRfc3339 } from '../../../src/mapping/timestamps.js';
import { rawEvent } from '../../../src/mapping/raw-event.js';
import { MappingStats } from '../../../src/mapping/compile.js';

describe('timestamps', () => {
	it.each([
		['2023-01-01 19:02:52.749000', '2023-01-01T19:02:52.749000Z', '2023-01-01 19:02:52.749000'],
		['2022-11-14 00:57:35.949636', '2022-11-14T00:57:35.949636Z', '2022-11-14 00:57:35.949636'],
		['2015-08-10T12:00:00.000000', '2015-08-10T12:00:00.000000Z', '2015-08-10 12:00:00.000000'],
		['2020-11-24 09:59:58', '2020-11-24T09:59:58.000000Z', '2020-11-24 09:59:58.000000'],
		['2020-11-24 09:59:58.88', '2020-11-24T09:59:58.880000Z', '2020-11-24 09:59:58.880000'],
		['2020-11-24T09:59:58.123456789Z', '2020-11-24T09:59:58.123456Z', '2020-11-24 09:59:58.123456'],
		['2024-02-29 23:59:59.5', '2024-02-29T23:59:59.500000Z', '2024-02-29 23:59:59.500000'],
	])('%s → %s and %s', (input, rfc, lytics) => {
		expect(toRfc3339(input)).toBe(rfc);
		expect(toLyticsLayout(input)).toBe(lytics);
	});

	it.each(['', 'yesterday', '2023-02-29 00:00:00', '2023-13-01 00:00:00', '2023-01-01 24:00:00', '2023-01-01', '2023-01-01 10:00:00+02:00'])(
		'rejects %j',
		(input) => {
			expect(toRfc3339(input)).toBeUndefined();
		},
	);

	it('tells epoch seconds from milliseconds', () => {
		expect(epochToRfc3339(1679440233)).toBe('2023-03-21T23:10:33.000000Z');
		expect(epochToRfc3339(1679440233123)).toBe('2023-03-21T23:10:33.123000Z');
		expect(epochToRfc3339(-1)).toBeUndefined();
	});
});

describe('value transforms', () => {
	it('makes strings, JSON-encoding what is not a string or number', () => {
		expect(transforms.string('a')).toBe('a');
		expect(transforms.string(538001826014)).toBe('538001826014');
		expect(transforms.string(-1)).toBe('-1');
		expect(transforms.string(true)).toBe('true');
		expect(transforms.string(['x'])).toBe('["x"]');
	});

	it('makes integers, numbers and booleans, or says the value is invalid', () => {
		expect(transforms.integer(13)).toBe(13);
		expect(transforms.integer('13')).toBe(13);
		expect(transforms.integer(1.5)).toBe(invalid);
		expect(transforms.number('30.5')).toBe(30.5);
		expect(transforms.number('x')).toBe(invalid);
		for (const [input, output] of [[true, true], ['True', true], ['true', true], ['false', false], [false, false], ['(none)', absent], ['maybe', invalid]] as const) {
			expect(transforms.boolean(input)).toBe(output);
		}
	});

	it('flattens properties the way Lytics match("prefix.") sees them', () => {
		expect(flattenProperties({ a: { b: { c: 1 } }, 'd.e': 'x', f: [1, 2], g: [{ h: 1 }], n: null, t: false, s: '' })).toEqual({
			'a.b.c': '1',
			'd.e': 'x',
			f: '[1,2]',
			g: '[{"h":1}]',
			t: 'false',
			s: '',
		});
		expect(flattenProperties({})).toBe(absent);
		expect(flattenProperties({ only: null })).toBe(absent);
		expect(flattenProperties('str')).toBe(invalid);
	});
});

describe('the raw shape', () => {
	it('normalises every timestamp to six digits and JSON-encodes arrays that hold objects, keeping the rest', () => {
		const stats = new MappingStats();
		const out = rawEvent(
			{
				event_time: '2020-11-24T09:59:58.88',
				server_upload_time: '2020-11-24 09:59:58',
				processed_time: 'garbage',
				amplitude_id: 1,
				event_properties: { split: [{ account: 'a' }], tags: ['x'], nested: { list: [{ y: 1 }] } },
				groups: { company: ['Acme'] },
				user_id: null,
			},
			stats,
		);
		expect(out).toEqual({
			event_time: '2020-11-24 09:59:58.880000',
			server_upload_time: '2020-11-24 09:59:58.000000',
			processed_time: 'garbage',
			amplitude_id: 1,
			event_properties: { split: '[{"account":"a"}]', tags: ['x'], nested: { list: '[{"y":1}]' } },
			groups: { company: ['Acme'] },
			user_id: null,
		});
		expect(stats.toJSON()).toEqual({ processed_time: 1 });
	});
});
