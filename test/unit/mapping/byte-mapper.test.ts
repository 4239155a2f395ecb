import { describe, expect, it } from '@jest/globals';
import { compileByteMapper } from '../../../src/mapping/byte-mapper.js';
import { compileLineMapper, MappingStats, selectRows } from '../../../src/mapping/compile.js';
import { cohortFieldTable } from '../../../src/mapping/cohorts-table.js';
import { additionalEventFieldTable, eventFieldTable } from '../../../src/mapping/events-table.js';
import { LineBuffer } from '../../../src/bytes/line-buffer.js';
import { prng, syntheticEvent } from '../../../scripts/synthetic-export.js';
import { exactObject, mutations } from '../../helpers/mutate.js';

const rows = selectRows(eventFieldTable, additionalEventFieldTable, additionalEventFieldTable.map((r) => r.field), []);

/**
For every line the byte mapper takes, its output must be byte for byte the line mapper's on the parsed event, with
the same bad-value counts. Returns how many lines it took.
*/
function expectSameAsLineMapper(lines: Buffer[]): number {
	const bytes = compileByteMapper(rows)!;
	const line = compileLineMapper(rows);
	const out = new LineBuffer(1024);
	let taken = 0;
	for (const input of lines) {
		const byteStats = new MappingStats();
		const lineStats = new MappingStats();
		out.reset();
		if (!bytes.map(Buffer.concat([input, Buffer.from('\n')]), 0, input.length, out, byteStats)) continue;
		taken++;
		const event = exactObject(input);
		expect(event).toBeDefined();
		const written = Buffer.from(out.moveInto(new Uint8Array(out.length))).toString('utf8');
		expect(written).toBe(`${line(event!, lineStats)}\n`);
		expect(byteStats.toJSON()).toEqual(lineStats.toJSON());
	}
	return taken;
}

describe('the byte mapper', () => {
	const rand = prng(5);
	const lines = Array.from({ length: 200 }, (_, i) => Buffer.from(JSON.stringify(syntheticEvent(rand, Date.UTC(2026, 9, 1, i % 24), i))));

	it('writes exactly what the line mapper writes, for real-shaped events (every one taken)', () => {
		expect(expectSameAsLineMapper(lines)).toBe(lines.length);
	});

	it('agrees on the cases the bytes alone cannot settle, by parsing just that value', () => {
		const odd = [
			'{"event_properties":{"a.b":1,"a":{"b":2}},"user_properties":{"1":"x","b":"y"}}',
			'{"event_properties":{"a":1,"a":2},"user_properties":{"q":{"r":null},"s":[1,{"t":2}],"u":-0,"v":1e400,"w":"\\u00e9\\"","x":1.50,"y":true}}',
			'{"user_id":"","amplitude_id":12345678901234567,"app":"42","$schema":-0,"event_id":1.0,"paying":"True","is_attribution_event":"(none)"}',
			'{"event_time":"2026-02-29 00:00:00.000000","client_event_time":"2024-02-29 23:59:59.999999","server_upload_time":"2026-10-01T00:00:00Z","event_type":"a\\"b","data":{"x":[1,2]},"location_lat":"12.5","location_lng":1e2}',
			'{ "user_id" : "u" , "event_properties" : { "k" : "v" , "n" : { } } , "uuid" : "A58811F1-F390-4567-ADD3-EFF9139BFDC4" }',
			'{"event_properties":{"__proto__":"x"},"group_properties":{},"user_properties":{"e":{}}}',
			'{"event_properties":[1],"user_properties":"str","group_properties":5,"session_id":-1,"sample_rate":0.5}',
			'{"city":"Zürich ✓","country":"\\ud800","region":"\\u2028"}',
			'{"data":{"a":1,"a":2},"user_id":{"b":[1, 2]},"event_properties":{"t":["x","y"],"u":[1.5],"v":[{"k":1,"k":2}],"w":[{"2":1,"1":2}],"x":["a\\"b"],"y":[[],{}],"z":[-0]}}',
			'{"data":{"group_ids":{},"n":{"1":2}},"device_id":[1,"a",true,null,{"__proto__":1}],"user_properties":{"a":[{"x":[{"y":1}]}]}}',
			'{"data":"str","amplitude_id":[{"a":1},{"a":1}],"event_properties":{"o":{"p":{"q":[1,{"r":"s"}]}}}}',
			'{"data":{"k":"v","l":{"m":1,"n":2},"o":{"m":1}},"user_id":{"a":{"b":{"c":1}},"d":{"b":2}}}',
			'{"event_type":"view","event_type":"buy","user_id":"u1"}',
			...['true', 'True', 'TRUE', 'false', 'False', 'FALSE', '(none)', 'yes', 'Trüe', 'true ', '(None)', '1'].map((word) => `{"paying":"${word}","is_attribution_event":"${word}"}`),
			...['0.5', '-0.5', '-0.0', '0.000001', '0.0000001', '1.50', '123456789012345.6', '12345678901234.5', '9007199254740993', '1e2', '1E-7', '0.1000', '100.25', '-0', '5.0e0']
				.concat(['149.01999999999998', '0.30000000000000004', '-33.868819999999996', '1.0000000000000002', '0.1e1', '1e21', '1e+21', '5e-324', '1.7976931348623157e308', '123456789012345678', '100000000000000000000', '0.000001234567890123456', '2.00000000000000000000001'])
				.map((n) => `{"location_lat":${n},"session_id":${n},"app":${n},"event_properties":{"n":${n},"o":{"p":[${n}]}}}`),
		].map((text) => Buffer.from(text));
		expect(expectSameAsLineMapper(odd)).toBe(odd.length);
	});

	it('agrees on damaged lines it takes, and takes none that JSON.parse rejects (differential, 4,000 lines)', () => {
		const taken = expectSameAsLineMapper(mutations(lines, 20, 17));
		expect(taken).toBeGreaterThan(100);
	});

	it('is not used for a table that reads the whole record (cohort membership)', () => {
		expect(compileByteMapper(cohortFieldTable)).toBeUndefined();
	});
});
