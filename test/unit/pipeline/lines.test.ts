import { describe, expect, it } from '@jest/globals';
import { lineBatches } from '../../../src/pipeline/lines.js';
import { compareEntries, parseEntryName } from '../../../src/pipeline/zip-entries.js';

async function collect(chunks: Buffer[], limits = { maxLineBytes: 1000, maxBytes: 1e6, label: 'test' }) {
	const lines: Array<[number, string]> = [];
	for await (const batch of lineBatches((async function* () { yield* chunks; })(), limits)) {
		batch.lines.forEach((line, i) => lines.push([batch.firstLine + i, line]));
	}
	return lines;
}

describe('line batches', () => {
	it('splits across chunk boundaries, including inside a multi-byte character, and numbers lines', async () => {
		const text = Buffer.from('{"a":"ü✓"}\r\n\n{"b":2}\n{"c":3}');
		const chunks = [text.subarray(0, 7), text.subarray(7, 9), text.subarray(9)];
		expect(await collect(chunks)).toEqual([
			[1, '{"a":"ü✓"}'],
			[2, ''],
			[3, '{"b":2}'],
			[4, '{"c":3}'],
		]);
	});

	it('refuses a line longer than the limit, naming its number', async () => {
		await expect(collect([Buffer.from(`ok\n${'x'.repeat(50)}\n`)], { maxLineBytes: 20, maxBytes: 1e6, label: 'entry a.json.gz' })).rejects.toThrow(
			'entry a.json.gz: line 2 is longer than 20 bytes',
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
