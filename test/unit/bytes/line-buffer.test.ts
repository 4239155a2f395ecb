import { describe, expect, it } from '@jest/globals';
import { LineBuffer } from '../../../src/bytes/line-buffer.js';
import { BufferPool } from '../../../src/pipeline/buffer-pool.js';

describe('LineBuffer', () => {
	it('grows past its capacity without cutting a line or a multi-byte character', () => {
		const lines = new LineBuffer(8);
		const text = ['{"a":"ü✓ü✓"}', 'x'.repeat(100), '', '{"b":"✓"}'];
		for (const line of text) lines.writeLine(line);
		lines.writeBytes(Buffer.from('{"raw":1}\n'));
		const expected = `${text.join('\n')}\n{"raw":1}\n`;
		expect(lines.length).toBe(Buffer.byteLength(expected));
		const out = lines.drainInto(new Uint8Array(lines.length));
		expect(Buffer.from(out).toString('utf8')).toBe(expected);
		expect(lines.length).toBe(0);
	});

	it('moves its output into the input block when it fits, else into a new buffer', () => {
		const lines = new LineBuffer(64);
		lines.writeLine('short');
		const input = new Uint8Array(new ArrayBuffer(32), 0, 10);
		const moved = lines.moveInto(input);
		expect(moved.buffer).toBe(input.buffer);
		expect(Buffer.from(moved).toString()).toBe('short\n');
		lines.reset();
		lines.writeLine('y'.repeat(40));
		expect(lines.moveInto(input).buffer).not.toBe(input.buffer);
	});
});

describe('BufferPool', () => {
	it('hands out buffers of its capacity again once given back, keeps at most `keep`, and never pools odd sizes', () => {
		const pool = new BufferPool(1024, 1);
		const a = pool.take(100);
		expect(a.length).toBe(100);
		expect(a.buffer.byteLength).toBe(1024);
		pool.give(a);
		expect(pool.take(500).buffer).toBe(a.buffer);
		const big = pool.take(4096);
		expect(big.buffer.byteLength).toBe(4096);
		pool.give(big);
		expect(pool.take(10).buffer).not.toBe(big.buffer);
	});
});
