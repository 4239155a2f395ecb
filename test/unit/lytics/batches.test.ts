import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Batcher, batchRecords, chainHash, joinRecords } from '../../../src/lytics/batches.js';
import { DeliveryLog } from '../../../src/state/lytics-delivery.js';

const record = (i: number, pad = 0) => JSON.stringify({ id: i, text: `say "hi" ${'x'.repeat(pad)}`, list: [1, { a: '],[' }], nested: { b: '}' } });

async function cut(ndjson: string, limits: { maxBatchBytes: number; maxRecordBytes: number }, chunkSize: number) {
	const batches: Buffer[] = [];
	const oversize: string[] = [];
	const batcher = new Batcher(limits, async (b) => void batches.push(b), async (r) => void oversize.push(r.toString()));
	const bytes = Buffer.from(ndjson);
	for (let i = 0; i < bytes.length; i += chunkSize) await batcher.push(bytes.subarray(i, i + chunkSize));
	await batcher.end();
	return { batches, oversize };
}

describe('Batcher', () => {
	const lines = Array.from({ length: 200 }, (_, i) => record(i, i % 17));
	const ndjson = `${lines.join('\n')}\n`;
	const limits = { maxBatchBytes: 2000, maxRecordBytes: 1000 };

	it('makes JSON arrays of the records, in order, each under the limit', async () => {
		const { batches } = await cut(ndjson, limits, 4096);
		const all = batches.flatMap((b) => JSON.parse(b.toString()) as unknown[]);
		expect(all).toEqual(lines.map((l) => JSON.parse(l)));
		for (const b of batches) expect(b.length).toBeLessThanOrEqual(2000);
		// Full: the next record would not have fitted.
		for (let i = 0; i < batches.length - 1; i++) {
			const next = JSON.stringify((JSON.parse(batches[i + 1]!.toString()) as unknown[])[0]);
			expect(batches[i]!.length + 1 + Buffer.byteLength(next)).toBeGreaterThan(2000);
		}
	});

	it('cuts the same batches whatever the chunks the bytes come in', async () => {
		const reference = (await cut(ndjson, limits, 1 << 20)).batches.map((b) => b.toString('hex'));
		for (const size of [1, 7, 64, 999]) expect((await cut(ndjson, limits, size)).batches.map((b) => b.toString('hex'))).toEqual(reference);
	});

	it('hands a record over the record limit to onOversize, never to a batch; a last line without newline counts', async () => {
		const big = record(1, 2000);
		const { batches, oversize } = await cut(`${record(0)}\n${big}\n${record(2)}`, limits, 100);
		expect(oversize).toEqual([big]);
		expect(batches.flatMap((b) => JSON.parse(b.toString()) as Array<{ id: number }>).map((r) => r.id)).toEqual([0, 2]);
	});

	it('a single record bigger than the batch limit but under the record limit is a batch of its own', async () => {
		const { batches } = await cut(`${record(0)}\n${record(1, 900)}\n`, { maxBatchBytes: 500, maxRecordBytes: 2000 }, 64);
		expect(batches.map((b) => (JSON.parse(b.toString()) as unknown[]).length)).toEqual([1, 1]);
	});
});

describe('batchRecords and joinRecords', () => {
	it('split a batch back into its records (brackets and commas inside strings and nesting kept) and join them again', async () => {
		const lines = Array.from({ length: 30 }, (_, i) => record(i, i));
		const { batches } = await cut(`${lines.join('\n')}\n`, { maxBatchBytes: 1 << 20, maxRecordBytes: 1 << 20 }, 50);
		const records = batchRecords(batches[0]!);
		expect(records.map((r) => r.toString())).toEqual(lines);
		expect(joinRecords(records).equals(batches[0]!)).toBe(true);
		expect(batchRecords(Buffer.from('[]'))).toEqual([]);
	});
});

describe('chainHash', () => {
	it('depends on every batch and on their order', () => {
		const [a, b] = [Buffer.from('[1]'), Buffer.from('[2]')];
		const ab = chainHash(chainHash('', a), b);
		expect(chainHash(chainHash('', a), b)).toBe(ab);
		expect(chainHash(chainHash('', b), a)).not.toBe(ab);
		expect(chainHash('', a)).not.toBe(ab);
	});
});

describe('DeliveryLog', () => {
	it('records units, reads them back after a restart, and keeps the most recent ones', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'amp-import-log-'));
		try {
			const log = new DeliveryLog(dir, 'events', 'us-abc', 'amplitude_events', 20);
			const unit = (accepted: number) => ({ batchBytes: 1000, accepted, hash: `h${accepted}`, records: accepted * 10, complete: false, possiblyDuplicated: 0, updatedAt: '2026-12-02T00:00:00Z' });
			for (let i = 0; i < 25; i++) await log.record(`w${i}`, unit(i));
			await log.record('w3', unit(99));
			const again = new DeliveryLog(dir, 'events', 'us-abc', 'amplitude_events', 20);
			expect(await again.unit('w0')).toBeUndefined();
			expect(await again.unit('w3')).toMatchObject({ accepted: 99 });
			expect(await again.unit('w24')).toMatchObject({ accepted: 24, hash: 'h24' });
			expect(await again.unit('w5')).toBeUndefined();
			expect(await again.unit('w6')).toMatchObject({ accepted: 6 });
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
