import { describe, expect, it } from '@jest/globals';
import { lineBlocks } from '../../../src/pipeline/lines.js';
import { compareEntries, parseEntryName } from '../../../src/pipeline/zip-entries.js';

async function collect(chunks: Buffer[], limits = { maxLineBytes: 1000, maxBytes: 1e6, label: 'test' }, blockBytes = 1) {
	const blocks: Array<{ firstLine: number; text: string }> = [];
	for await (const block of lineBlocks((async function* () { yield* chunks; })(), limits, undefined, blockBytes)) {
		blocks.push({ firstLine: block.firstLine, text: block.bytes.toString('utf8') });
	}
	return blocks;
}

describe('line blocks', () => {
	it('cuts only at newlines, never inside a line or a multi-byte character, and numbers the first line of each block', async () => {
		const text = Buffer.from('{"a":"ü✓"}\r\n\n{"b":2}\n{"c":3}');
		const chunks = [text.subarray(0, 7), text.subarray(7, 9), text.subarray(9, 16), text.subarray(16)];
		const blocks = await collect(chunks);
		expect(blocks.map((b) => b.text).join('')).toBe(text.toString('utf8'));
		expect(blocks).toEqual([
			{ firstLine: 1, text: '{"a":"ü✓"}\r\n\n' },
			{ firstLine: 3, text: '{"b":2}\n' },
			{ firstLine: 4, text: '{"c":3}' },
		]);
	});

	it('gathers chunks up to the block size before cutting', async () => {
		const lines = Array.from({ length: 100 }, (_, i) => `{"i":${i}}\n`);
		const chunks = lines.map((l) => Buffer.from(l));
		const blocks = await collect(chunks, undefined, 200);
		expect(blocks.length).toBeGreaterThan(2);
		expect(blocks.length).toBeLessThan(20);
		expect(blocks.map((b) => b.text).join('')).toBe(lines.join(''));
		for (const block of blocks) expect(block.text).toBe(lines.slice(block.firstLine - 1, block.firstLine - 1 + block.text.split('\n').length - 1).join(''));
	});

	it('refuses a line longer than the limit, naming its number, inside a chunk or across chunks', async () => {
		await expect(collect([Buffer.from(`ok\n${'x'.repeat(50)}\n`)], { maxLineBytes: 20, maxBytes: 1e6, label: 'entry a.json.gz' })).rejects.toThrow(
			'entry a.json.gz: line 2 is longer than 20 bytes',
		);
		await expect(collect([Buffer.from('ok\nok\nxxxxxxxxxxxx'), Buffer.from('xxxxxxxxxxxx')], { maxLineBytes: 20, maxBytes: 1e6, label: 'entry b' })).rejects.toThrow(
			'entry b: line 3 is longer than 20 bytes',
		);
	});

	it('refuses an entry that inflates past the limit (zip-bomb guard)', async () => {
		await expect(collect([Buffer.alloc(600, 120), Buffer.alloc(600, 120)], { maxLineBytes: 1e6, maxBytes: 1000, label: 'entry b' })).rejects.toThrow(
			/inflates to more than 1000 bytes/,
		);
	});
});

describe('export entry names', () => {
	it('reads app, date, hour (not zero-padded) and partition', () => {
		expect(parseEntryName('203138/203138_2020-11-24_9#627.json.gz')).toMatchObject({ date: '2020-11-24', hour: 9, partition: 627 });
		expect(parseEntryName('203138_2020-11-24_10#0.json.gz')).toMatchObject({ hour: 10, partition: 0 });
		expect(parseEntryName('203138/999_2020-11-24_9#1.json.gz')).toBeUndefined();
		expect(parseEntryName('203138/readme.txt')).toBeUndefined();
	});

	it('orders by date, then hour numerically, then partition numerically', () => {
		const names = ['1/1_2020-11-24_10#70.json.gz', '1/1_2020-11-24_9#627.json.gz', '1/1_2020-11-24_9#70.json.gz', '1/1_2020-11-23_23#5.json.gz'];
		const sorted = names.map((n) => parseEntryName(n)!).sort(compareEntries).map((e) => e.name);
		expect(sorted).toEqual(['1/1_2020-11-23_23#5.json.gz', '1/1_2020-11-24_9#70.json.gz', '1/1_2020-11-24_9#627.json.gz', '1/1_2020-11-24_10#70.json.gz']);
	});
});
