import { describe, expect, it } from '@jest/globals';
import Papa from 'papaparse';
import { csvBlocks, oddQuotes } from '../../../src/cohorts/csv-blocks.js';
import { prng } from '../../../scripts/synthetic-export.js';

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
	for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function blocksOf(text: string, chunk: number, blockBytes: number, maxRecordBytes = 1 << 20): Promise<Buffer[]> {
	const blocks: Buffer[] = [];
	const options = { label: 'test', blockBytes, maxRecordBytes, take: (n: number) => Buffer.alloc(n) };
	for await (const block of csvBlocks(chunksOf(Buffer.from(text), chunk), options)) blocks.push(Buffer.from(block));
	return blocks;
}

const parse = (text: string) => Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true, newline: text.includes('\r\n') ? '\r\n' : '\n' }).data;

/** A file whose fields hold what CSV quoting is for: commas, doubled quotes, newlines (LF and CRLF), UTF-8. */
function trickyCsv(rows: number, newline: string): string {
	const rand = prng(3);
	const values = ['plain', 'with, comma', 'say ""hi""', `two${newline}lines`, 'ünïcødé ✓', '', '""', `"${newline}"`];
	let text = `"amplitude_id","user_id","note"${newline}`;
	for (let i = 0; i < rows; i++) text += `"${1000 + i}","u${i}","${values[Math.floor(rand() * values.length)]}"${newline}`;
	return text;
}

describe('csvBlocks', () => {
	for (const newline of ['\n', '\r\n']) {
		it(`cuts only at record ends: the blocks parse to the file's records (${JSON.stringify(newline)})`, async () => {
			const text = trickyCsv(500, newline);
			for (const [chunk, blockBytes] of [[7, 64], [64, 100], [1000, 512], [1 << 16, 4096]] as const) {
				const blocks = await blocksOf(text, chunk, blockBytes);
				expect(Buffer.concat(blocks).toString()).toBe(text);
				expect(blocks[0]!.toString()).toBe(`"amplitude_id","user_id","note"${newline}`);
				expect(blocks.length).toBeGreaterThan(chunk >= text.length ? 1 : 2);
				expect(blocks.flatMap((b) => parse(b.toString()))).toEqual(parse(text));
			}
		});
	}

	it('skips blank lines before the header, and keeps a last record without a newline', async () => {
		const blocks = await blocksOf('\n\r\n"a","b"\n"1","2"\n"3","4"', 3, 4);
		expect(blocks.map(String)).toEqual(['"a","b"\n', '"1","2"\n', '"3","4"']);
		expect(await blocksOf('"a","b"', 2, 4)).toEqual([Buffer.from('"a","b"')]);
		expect(await blocksOf('\n\n', 1, 4)).toEqual([]);
		expect(await blocksOf('', 1, 4)).toEqual([]);
	});

	it('hands an unterminated quote on to the parser (in the last block), and refuses a record past the limit', async () => {
		const blocks = await blocksOf('"a","b"\n"1","2\n"3","4"\n', 5, 4);
		expect(blocks.map(String)).toEqual(['"a","b"\n', '"1","2\n"3","4"\n']);
		await expect(blocksOf(`"a"\n"${'x'.repeat(300)}\n`, 16, 64, 200)).rejects.toThrow(/record is longer than 200 bytes/);
		await expect(blocksOf(`"${'x'.repeat(300)}`, 16, 64, 200)).rejects.toThrow(/record is longer than 200 bytes/);
	});
});

describe('oddQuotes', () => {
	it('agrees with counting byte by byte, at every alignment and length', () => {
		const rand = prng(9);
		const bytes = Buffer.from(Array.from({ length: 300 }, () => (rand() < 0.3 ? 34 : rand() < 0.5 ? 0xa2 : Math.floor(rand() * 256))));
		for (let from = 0; from < 12; from++) {
			for (let to = from; to <= bytes.length; to += 1 + Math.floor(rand() * 9)) {
				let odd = false;
				for (let i = from; i < to; i++) if (bytes[i] === 34) odd = !odd;
				expect(oddQuotes(bytes, from, to)).toBe(odd);
			}
		}
	});
});
