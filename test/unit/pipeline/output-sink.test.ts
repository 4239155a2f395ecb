import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { renameSync } from 'node:fs';
import { OutputClosedError, OutputSink, type SinkItem } from '../../../src/pipeline/output-sink.js';
import { tempDir } from '../../helpers/run.js';

/** A publish step that renames the spool to `to` (the sink's own part ends at the fsynced spool). */
const renameTo = (to: string | ((markers: number[]) => string), published: number[][] = []) => async (spool: string, markers: number[]) => {
	const path = typeof to === 'string' ? to : to(markers);
	renameSync(spool, path);
	published.push(markers);
	return path;
};

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
	dir = tempDir();
});
afterEach(() => dir.cleanup());

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const items: SinkItem<number>[] = ['a\n', 'b\n', { checkpoint: 1 }, 'c\n', { checkpoint: 2 }];

describe('output sink', () => {
	it('writes a file under a hidden temporary name and renames it into place on commit', async () => {
		const published: number[][] = [];
		const path = join(dir.path, 'out.ndjson');
		const sink = new OutputSink<number>({ kind: 'file', path }, { gzip: false, publish: renameTo(path, published), spoolTag: 'amp-import-events-k-1-a' });
		await sink.open();
		await pipeline(Readable.from(items), sink);
		expect(readdirSync(dir.path)).toEqual(['.out.ndjson.amp-import-events-k-1-a.partial']);
		expect(published).toEqual([]); // not visible yet
		expect(await sink.commit()).toBe(path);
		expect(readFileSync(path, 'utf8')).toBe('a\nb\nc\n');
		expect(readdirSync(dir.path)).toEqual(['out.ndjson']);
		expect(published).toEqual([[1, 2]]); // every unit, in order, published at once
	});

	it('on failure keeps only whole checkpointed units when asked, removes the spool otherwise, and a file with none', async () => {
		const path = join(dir.path, 'out.ndjson.gz');
		const sink = new OutputSink<number>({ kind: 'file', path }, { gzip: true, publish: renameTo(path) });
		await sink.open();
		await pipeline(Readable.from(['a\n', { checkpoint: 1 }, 'b\n', { checkpoint: 2 }, 'half-written\n']), sink);
		expect(await sink.abort({ keepComplete: true })).toBe(path);
		expect(gunzipSync(readFileSync(path)).toString()).toBe('a\nb\n'); // one valid gzip member per unit

		const dropped = new OutputSink<number>({ kind: 'file', path: join(dir.path, 'dropped.ndjson') }, { gzip: false, publish: renameTo(join(dir.path, 'dropped.ndjson')) });
		await dropped.open();
		await pipeline(Readable.from(['a\n', { checkpoint: 1 }, 'b\n']), dropped);
		expect(await dropped.abort()).toBeUndefined();

		const empty = new OutputSink<number>({ kind: 'file', path: join(dir.path, 'none.ndjson') }, { gzip: false, publish: renameTo(join(dir.path, 'none.ndjson')) });
		await empty.open();
		await pipeline(Readable.from(['x\n']), empty);
		expect(await empty.abort({ keepComplete: true })).toBeUndefined();
		expect(existsSync(join(dir.path, 'none.ndjson'))).toBe(false);
		expect(readdirSync(dir.path)).toEqual(['out.ndjson.gz']);
	});

	it('keeps every byte in order across the flushes it starts ahead of checkpoints, plain and gzip', async () => {
		// Incompressible 256 KB chunks (so the gzip file needs flushes too), each different: a lost, repeated or
		// misplaced chunk shows. A flush is started every 512 KB written.
		const chunks = Array.from({ length: 41 }, (_, i) => {
			const bytes = new Uint32Array(1 << 16);
			let x = i + 1;
			for (let j = 0; j < bytes.length; j++) bytes[j] = x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
			return new Uint8Array(bytes.buffer);
		});
		const expected = Buffer.concat(chunks);
		for (const gzip of [false, true]) {
			const path = join(dir.path, gzip ? 'big.ndjson.gz' : 'big.ndjson');
			const sink = new OutputSink<number>({ kind: 'file', path }, { gzip, publish: renameTo(path), flushAheadBytes: 512 << 10 });
			await sink.open();
			// Copies: the sink may hand buffers back for reuse.
			const source = [...chunks.slice(0, 40).map((c) => c.slice()), { checkpoint: 1 }, chunks[40]!.slice(), { checkpoint: 2 }, 'after the last checkpoint\n'];
			await pipeline(Readable.from(source), sink);
			expect(await sink.abort({ keepComplete: true })).toBe(path);
			const bytes = gzip ? gunzipSync(readFileSync(path)) : readFileSync(path);
			expect(bytes.equals(expected)).toBe(true);
		}
	});

	it('hands the publish step the units the file holds', async () => {
		const sink = new OutputSink<number>({ kind: 'file', path: join(dir.path, 'x') }, { gzip: false, publish: renameTo((m) => join(dir.path, `upto-${m.at(-1)}.ndjson`)) });
		await sink.open();
		await pipeline(Readable.from(items), sink);
		expect(await sink.commit()).toBe(join(dir.path, 'upto-2.ndjson'));
	});

	it('gives stdout whole units only, each copied inside its delivery step', async () => {
		const stdout = new PassThrough();
		let seen = '';
		stdout.on('data', (c: Buffer) => (seen += c.toString()));
		const log: string[] = [];
		const deliver = async (m: number, copy: () => Promise<void>) => {
			log.push(`before ${m}:${seen}`);
			await copy();
			log.push(`${m}:${seen}`);
		};
		const sink = new OutputSink<number>({ kind: 'stdout', stream: stdout }, { gzip: false, deliver });
		await sink.open();
		await pipeline(Readable.from([...items, 'tail-without-checkpoint\n']), sink);
		await sink.abort();
		expect(log).toEqual(['before 1:', '1:a\nb\n', 'before 2:a\nb\n', '2:a\nb\nc\n']);
		expect(seen).toBe('a\nb\nc\n');
	});

	it('copies units of several MB to a stream on a file descriptor through one reused buffer, and to any other stream through buffers of their own', async () => {
		// Units larger than the copy buffer, each byte depending on its position, so a chunk overwritten before it was
		// written would show.
		const unit = (n: number) => Array.from({ length: 30_000 }, (_, i) => `${n}:${i}:${'x'.repeat(i % 97)}\n`).join('');
		const text = [unit(1), unit(2), unit(3)];
		const sinkItems: SinkItem<number>[] = [text[0]!, { checkpoint: 1 }, text[1]!, { checkpoint: 2 }, text[2]!, { checkpoint: 3 }];
		const path = join(dir.path, 'stdout.ndjson');
		const fileStream = createWriteStream(path);
		await once(fileStream, 'open');
		const sink = new OutputSink<number>({ kind: 'stdout', stream: fileStream }, { gzip: false });
		await sink.open();
		await pipeline(Readable.from(sinkItems), sink);
		await sink.commit();
		await new Promise((resolve) => fileStream.end(resolve));
		expect(sha(readFileSync(path))).toBe(sha(text.join('')));
		// A stream that keeps the Buffers it is given (a PassThrough read later) must get Buffers of their own.
		const kept = new PassThrough({ highWaterMark: 64 << 20 });
		const second = new OutputSink<number>({ kind: 'stdout', stream: kept }, { gzip: false });
		await second.open();
		await pipeline(Readable.from(sinkItems), second);
		await second.commit();
		kept.end();
		const chunks: Buffer[] = [];
		for await (const chunk of kept) chunks.push(chunk as Buffer);
		expect(sha(Buffer.concat(chunks))).toBe(sha(text.join('')));
	});

	it('reports a reader that went away as OutputClosedError', async () => {
		const stdout = new PassThrough();
		stdout.destroy();
		const sink = new OutputSink<number>({ kind: 'stdout', stream: stdout }, { gzip: false });
		await sink.open();
		await expect(pipeline(Readable.from(items), sink)).rejects.toBeInstanceOf(OutputClosedError);
		await sink.abort();
	});
});
