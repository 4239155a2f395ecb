import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildZip, prng } from '../../../scripts/synthetic-export.js';
import { readExportZip } from '../../../src/pipeline/zip-entries.js';

const dir = mkdtempSync(join(tmpdir(), 'amp-import-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes that do not compress, so a deflated entry is as large as a stored one. */
function noise(length: number, seed: number): Buffer {
	const rand = prng(seed);
	return Buffer.from(Array.from({ length }, () => Math.floor(rand() * 256)));
}

async function entryBytes(zipPath: string): Promise<Map<string, Buffer>> {
	const bytes = new Map<string, Buffer>();
	for await (const { entry, chunks } of readExportZip(zipPath, () => undefined)) {
		const parts: Buffer[] = [];
		// Copied: a chunk may be overwritten by the next.
		for await (const chunk of chunks()) parts.push(Buffer.from(chunk));
		bytes.set(entry.name, Buffer.concat(parts));
	}
	return bytes;
}

describe('readExportZip', () => {
	// Entry data starts after each local header, so a read that is off by one byte, or that stops at a read
	// boundary, shows.
	const entries = [
		{ name: '1/1_2026-10-01_0#1.json.gz', raw: noise(700_001, 1) },
		{ name: '1/1_2026-10-01_0#2.json.gz', raw: Buffer.alloc(0) },
		{ name: '1/1_2026-10-01_1#1.json.gz', raw: noise(3, 2) },
		{ name: '1/1_2026-10-01_2#1.json.gz', raw: noise(262_144, 3) },
	];

	for (const deflate of [false, true]) {
		it(`gives every ${deflate ? 'deflated' : 'stored'} entry's bytes exactly, in (date, hour, partition) order`, async () => {
			const zipPath = join(dir, `${deflate ? 'deflated' : 'stored'}.zip`);
			writeFileSync(zipPath, await buildZip(entries, { deflate, reverse: true }));
			const read = await entryBytes(zipPath);
			expect([...read.keys()]).toEqual(entries.map((e) => e.name));
			for (const entry of entries) expect(read.get(entry.name)!.equals(entry.raw)).toBe(true);
		});
	}
});
