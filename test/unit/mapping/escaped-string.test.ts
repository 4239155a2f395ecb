import { describe, expect, it } from '@jest/globals';
import { LineBuffer } from '../../../src/bytes/line-buffer.js';
import { writeEscapedString } from '../../../src/mapping/escaped-string.js';
import { prng } from '../../../scripts/synthetic-export.js';

/** What the ordinary path writes for the JSON string text `quoted`. */
const ordinary = (quoted: string) => JSON.stringify(JSON.parse(quoted));

function fast(quoted: string): string {
	const b = Buffer.from(quoted);
	const out = new LineBuffer(1 << 16);
	writeEscapedString(b, 1, b.length - 1, out);
	return Buffer.from(out.moveInto(new Uint8Array(0))).toString('utf8');
}

const pieces = ['a', 'Z', ' ', '"', '\\', '/', '\b', '\f', '\n', '\r', '\t', '\u0000', '\u0001', '\u001f', '\u007f', 'é', 'ü', '—', '€', '\u2028', '李', '🎉', '\ud800', '\udfff', '\ud83d', '\ude00'];

/** Encodes `s` as a JSON string the way various writers do: JSON.stringify, ASCII-only \uXXXX (either case), escaped slashes. */
function encodings(s: string, rand: () => number): string[] {
	const std = JSON.stringify(s);
	const ascii = (upper: boolean) =>
		std.replace(/[\u007f-\uffff]/g, (c) => {
			const h = c.charCodeAt(0).toString(16).padStart(4, '0');
			return `\\u${upper ? h.toUpperCase() : h}`;
		});
	const everything = `"${[...s].flatMap((c) => [...c].map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`)).join('')}"`;
	const slashes = std.replaceAll('/', '\\/');
	return [ascii(false), ascii(true), everything, rand() < 0.5 ? slashes : std].filter((t) => t.includes('\\'));
}

describe('writeEscapedString', () => {
	it('writes what JSON.stringify(JSON.parse(…)) writes, on thousands of random strings in four encodings', () => {
		const rand = prng(42);
		let checked = 0;
		for (let n = 0; n < 4000; n++) {
			const length = 1 + Math.floor(rand() * 12);
			const s = Array.from({ length }, () => pieces[Math.floor(rand() * pieces.length)]).join('');
			for (const text of encodings(s, rand)) {
				expect(fast(text)).toBe(ordinary(text));
				checked++;
			}
		}
		expect(checked).toBeGreaterThan(10_000);
	});

	it.each([
		['"Z\\u00fcrich"', '"Zürich"'],
		['"say \\"hi\\""', '"say \\"hi\\""'],
		['"a\\/b"', '"a/b"'],
		['"\\u0007bell"', '"\\u0007bell"'],
		['"\\ud83c\\udf89"', '"🎉"'],
		['"lone \\uD800 x"', '"lone \\ud800 x"'],
		['"\\u005c and \\u0022"', '"\\\\ and \\""'],
	])('%s → %s', (input, output) => {
		expect(fast(input)).toBe(output);
		expect(ordinary(input)).toBe(output);
	});
});

describe('writeCanonicalAsString with escaped strings inside', () => {
	it('writes JSON.stringify(JSON.stringify(JSON.parse(…))) of arrays and objects whose strings have escapes', async () => {
		const { writeCanonicalAsString } = await import('../../../src/mapping/canonical-bytes.js');
		const rand = prng(7);
		const str = () => Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pieces[Math.floor(rand() * pieces.length)]).join('');
		let written = 0;
		for (let n = 0; n < 2000; n++) {
			const value = rand() < 0.5 ? [str(), { name: str(), role: 'admin', n: 3 }, [str(), 'plain']] : { owner: str(), tags: [str(), 'x'], deep: { k: str() } };
			for (const text of [JSON.stringify(value), JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)]) {
				const b = Buffer.from(text);
				const out = new LineBuffer(1 << 16);
				if (!writeCanonicalAsString(b, 0, b.length, out)) continue;
				written++;
				expect(Buffer.from(out.moveInto(new Uint8Array(0))).toString('utf8')).toBe(JSON.stringify(JSON.stringify(JSON.parse(text))));
			}
		}
		expect(written).toBeGreaterThan(3000);
	});
});
