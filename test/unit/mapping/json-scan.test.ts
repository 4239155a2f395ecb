import { describe, expect, it } from '@jest/globals';
import * as json from '../../../src/mapping/json-scan.js';
import { prng, syntheticEvent } from '../../../scripts/synthetic-export.js';
import { mutations, parsedObject } from '../../helpers/mutate.js';

const keys = ['uuid', 'event_properties', 'groups', 'app', 'paying', 'x', 'é'];

/** Scans one line the way blocks are cut: followed by a newline and then more bytes the scan must not read. */
function scan(scanner: json.JsonLineScanner, line: Buffer | string): boolean {
	const bytes = typeof line === 'string' ? Buffer.from(line) : line;
	return scanner.scan(Buffer.concat([bytes, Buffer.from('\n{"x":1}')]), 0, bytes.length);
}

/** The captured value of key `k`, parsed from its recorded range. */
function captured(scanner: json.JsonLineScanner, line: Buffer, k: number): unknown {
	const quoted = scanner.kinds[k] === json.plainString || scanner.kinds[k] === json.escapedString;
	const text = line.toString('utf8', scanner.starts[k]! - (quoted ? 1 : 0), scanner.ends[k]! + (quoted ? 1 : 0));
	return JSON.parse(text);
}

describe('the JSON line scanner', () => {
	const rand = prng(3);
	const lines = Array.from({ length: 150 }, (_, i) => Buffer.from(JSON.stringify(syntheticEvent(rand, Date.UTC(2026, 9, 1), i))));

	it('accepts real-shaped events and records the captured keys where JSON.parse finds them', () => {
		const scanner = new json.JsonLineScanner(keys);
		for (const line of lines) {
			expect(scan(scanner, line)).toBe(true);
			const event = JSON.parse(line.toString()) as Record<string, unknown>;
			keys.forEach((key, k) => {
				if (!(key in event)) expect(scanner.kinds[k]).toBe(json.missing);
				else expect(captured(scanner, line, k)).toEqual(event[key]);
			});
		}
	});

	it('never accepts a line JSON.parse would reject, or record a value it would not give (differential, 3,000 damaged lines)', () => {
		const scanner = new json.JsonLineScanner(keys);
		let accepted = 0;
		for (const line of mutations(lines, 20, 11)) {
			if (!scan(scanner, line)) continue;
			accepted++;
			const event = parsedObject(line);
			expect(event).toBeDefined();
			expect(line.toString('utf8')).not.toContain('\ufffd');
			keys.forEach((key, k) => {
				if (!Object.hasOwn(event!, key)) expect(scanner.kinds[k]).toBe(json.missing);
				else expect(captured(scanner, line, k)).toEqual(event![key]);
			});
		}
		// Some damage leaves valid JSON (the scan must still agree on it); most does not.
		expect(accepted).toBeGreaterThan(100);
		expect(accepted).toBeLessThan(2_500);
	});

	it.each([
		['a top-level array', '[1]'],
		['a string', '"x"'],
		['trailing bytes', '{"x":1} x'],
		['a trailing comma', '{"x":1,}'],
		['a leading zero', '{"x":01}'],
		['a bare fraction point', '{"x":1.}'],
		['a raw tab in a string', '{"x":"a\tb"}'],
		['a bad escape', '{"x":"\\q"}'],
		['a short unicode escape', '{"x":"\\u12"}'],
		['an unfinished literal', '{"x":tru}'],
		['a line cut short', '{"x":"abc'],
		['a missing colon', '{"x" 1}'],
	])('refuses %s', (_, line) => {
		expect(scan(new json.JsonLineScanner(keys), line)).toBe(false);
	});

	it.each([
		['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])],
		['an overlong encoding', Buffer.from([0x7b, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d])],
		['a UTF-8 surrogate', Buffer.from([0x7b, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])],
		['a top-level key written with escapes', Buffer.from('{"\\u0078":1}')],
	])('leaves %s to the ordinary path', (_, line) => {
		expect(scan(new json.JsonLineScanner(keys), line)).toBe(false);
	});

	it('finds each key where a line repeats the last line\'s key order, and only there (prefixes, longer keys, escapes, other orders)', () => {
		const scanner = new json.JsonLineScanner(keys);
		const sequence = [
			'{"uuid":"a","app":1,"paying":true,"x":[1]}',
			'{"uuid":"b","app":2,"paying":false,"x":[2]}',
			'{"uuid":"d","apps":4,"paying":1,"x":[4]}', // the predicted key, then more
			'{"uuid":"e","app":5,"paying":2,"x":[5]}',
			'{"uuid":"c","ap":3,"paying":null,"x":[3]}', // a prefix of the key predicted there
			'{"uuid":"f","app":6,"paying":3,"x":[6],"uuid":"g"}', // a key given twice
			'{"app":7,"uuid":"h","x":[7],"paying":4}', // another order
			'{"uuid":"i","app" :8,"paying":5,"x":[8]}',
			'{"uuid":"j","\\u0061pp":9,"paying":6,"x":[9]}', // the predicted key, written with an escape: left to JSON.parse
			'{"é":"k","app":10}',
			'{"é":"l","app":11}',
			'{"e":"m","app":12}',
		];
		for (const text of sequence) {
			const line = Buffer.from(text);
			const ok = scan(scanner, line);
			expect([text, ok]).toEqual([text, !text.includes('\\u0061')]);
			if (!ok) continue;
			const event = JSON.parse(text) as Record<string, unknown>;
			keys.forEach((key, k) => {
				if (!(key in event)) expect([text, key, scanner.kinds[k]]).toEqual([text, key, json.missing]);
				else expect([text, key, captured(scanner, line, k)]).toEqual([text, key, event[key]]);
			});
		}
	});

	it('keeps the last value of a key given twice, as JSON.parse does, and tells string kinds apart', () => {
		const scanner = new json.JsonLineScanner(keys);
		const line = Buffer.from(' {"x":"first","uuid":null, "x" : "a\\"b", "é":[1,{"y":2}],"app":-1.5e3}\r');
		expect(scan(scanner, line)).toBe(true);
		expect(scanner.kinds[keys.indexOf('x')]).toBe(json.escapedString);
		expect(captured(scanner, line, keys.indexOf('x'))).toBe('a"b');
		expect(scanner.kinds[keys.indexOf('uuid')]).toBe(json.nullValue);
		expect(captured(scanner, line, keys.indexOf('é'))).toEqual([1, { y: 2 }]);
		expect(captured(scanner, line, keys.indexOf('app'))).toBe(-1500);
	});

	it('marks the outermost arrays that hold objects or arrays, for the raw shape to repair', () => {
		const scanner = new json.JsonLineScanner([]);
		const line = '{"a":[1,[2]],"b":{"c":[{"d":[{}]}],"e":[1,2]},"f":[]}';
		expect(scan(scanner, line)).toBe(true);
		expect(scanner.objectInArray).toBe(true);
		const sites = Array.from({ length: scanner.sites }, (_, s) => line.slice(scanner.repairs[s * 2], scanner.repairs[s * 2 + 1]));
		expect(sites).toEqual(['[1,[2]]', '[{"d":[{}]}]']);
		expect(scan(scanner, '{"a":[1,2],"b":{"c":[]}}')).toBe(true);
		expect(scanner.objectInArray).toBe(false);
		expect(scanner.sites).toBe(0);
	});
});
