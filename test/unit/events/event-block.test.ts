import { describe, expect, it } from '@jest/globals';
import { createBlockProcessor, type BlockResult } from '../../../src/events/event-block.js';
import { compileMapper, MappingStats } from '../../../src/mapping/compile.js';
import { eventFieldTable } from '../../../src/mapping/events-table.js';
import { rawEvent } from '../../../src/mapping/raw-event.js';
import { prng, syntheticEvent } from '../../../scripts/synthetic-export.js';

const rows = [...eventFieldTable];
const block = (text: string) => {
	const bytes = Buffer.from(text);
	const own = new Uint8Array(new ArrayBuffer(bytes.length + 4096), 0, bytes.length); // a block buffer with room, as the pool gives
	own.set(bytes);
	return own;
};
const text = (result: BlockResult) => Buffer.from(result.bytes).toString('utf8');
const events = Array.from({ length: 50 }, (_, i) => syntheticEvent(prng(3 + i), Date.UTC(2026, 9, 1), i) as Record<string, unknown>);

describe('a block of export lines, mapped', () => {
	it('maps every event as the object mapper does, one line each, and lists their uuids in order', () => {
		const result = createBlockProcessor({ shape: 'mapped', rows })(block(events.map((e) => JSON.stringify(e)).join('\n') + '\n'));
		const mapper = compileMapper(rows);
		expect(text(result)).toBe(events.map((e) => `${JSON.stringify(mapper(structuredClone(e), new MappingStats()))}\n`).join(''));
		expect(result.events).toBe(50);
		expect([...result.idKinds]).toEqual(Array(50).fill(1));
		expect(result.ids.length).toBe(200);
	});

	it('skips empty lines and CRLF endings, reports lines that are not JSON objects by index with a sample', () => {
		const lines = ['{"uuid":"not-a-uuid","event_type":"a"}', '', 'not json at all', '{"event_type":"b"}\r', '[1,2]', '{"event_type":"c","uuid":"e6fe6a70-8a06-11ed-9ac0-ab8bd3fc3d15"}'];
		const result = createBlockProcessor({ shape: 'mapped', rows })(block(lines.join('\n')));
		expect(text(result)).toBe('{"amplitude_events":{"a":1}}\n{"amplitude_events":{"b":1}}\n{"amplitude_events":{"c":1}}\n');
		expect(result.bad).toEqual([2, 4]);
		expect(result.badSamples).toEqual(['not json at all', '[1,2]']);
		expect([...result.idKinds]).toEqual([2, 0, 1]);
		expect(result.otherIds).toEqual(['not-a-uuid']);
	});

	it('counts values it cannot convert, by field', () => {
		const result = createBlockProcessor({ shape: 'mapped', rows })(block('{"app":"x","event_time":"yesterday"}\n'));
		expect(result.badValues.sort()).toEqual([['amplitude_app', 1], ['amplitude_event_time', 1]]);
		expect(text(result)).toBe('{}\n');
	});
});

describe('a block of export lines, raw', () => {
	const raw = createBlockProcessor({ shape: 'raw', rows: [] });

	it('passes events that need no repair through as their original bytes, in the same buffer', () => {
		const original = '{"uuid":"e6fe6a70-8a06-11ed-9ac0-ab8bd3fc3d15","n":6396.0,"s":"\\u00e9","event_time":"2026-10-01 05:07:09.123456"}\n{"a":[1,2]}\n';
		const input = block(original);
		const result = raw(input);
		expect(result.bytes).toBe(input);
		expect(text(result)).toBe(original);
	});

	it('repairs timestamps and objects in arrays, keeping the untouched lines byte for byte around them', () => {
		const lines = [
			'{"n":1.0}',
			'{"event_time":"2026-10-01T05:07:09Z","list":[{"a":1}]}',
			'{"n":2.50}',
			'',
			'{"n":3}',
		];
		const result = raw(block(lines.join('\n')));
		expect(text(result)).toBe('{"n":1.0}\n{"event_time":"2026-10-01 05:07:09.000000","list":"[{\\"a\\":1}]"}\n{"n":2.50}\n{"n":3}\n');
		expect(result.events).toBe(4);
	});

	it('repairs arrays holding objects on the bytes, giving what rawEvent gives (differential, real-shaped and odd events)', () => {
		const odd = [
			{ a: [[1], { b: [{}] }], c: { d: [1, 2], e: [{ f: 1 }] }, uuid: 'x' },
			{ list: [{ 'k"ey': 'v\u00e9', n: 1.5 }], t: 'ünïcödé', empty: [], nested: { deep: [[null]] } },
		];
		const all = [...events, ...odd];
		const input = `${all.map((event) => JSON.stringify(event)).join('\n')}\r\n`;
		const result = raw(block(input));
		const lines = text(result).trimEnd().split('\n');
		expect(lines).toHaveLength(all.length);
		lines.forEach((line, i) => expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(rawEvent(structuredClone(all[i]!), new MappingStats())))));
		// Only the repaired arrays change: the rest of each line keeps its bytes.
		expect(lines[all.length - 1]).toContain('"t":"ünïcödé","empty":[],"nested":{"deep":"[[null]]"}');
	});

	it('an array of objects whose strings have escapes (\\uXXXX, quotes, newlines) is encoded as the ordinary path encodes it', () => {
		const line = '{"uuid":"u1","owners":[{"name":"Zo\\u00eb \\"Z\\"","note":"a\\nb\\/c"},{"name":"\\ud83c\\udf89"}],"n":1}';
		const result = raw(block(`${line}\n`));
		const expected = JSON.stringify(rawEvent(JSON.parse(line) as Record<string, unknown>, new MappingStats()));
		expect(text(result).trimEnd()).toBe(expected);
	});
});
