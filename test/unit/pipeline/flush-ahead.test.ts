import { describe, expect, it } from '@jest/globals';
import { FlushAhead } from '../../../src/pipeline/flush-ahead.js';

/** A flush that stays in flight until `finish` is called. */
function controlledFlush() {
	const calls: Array<(error?: Error) => void> = [];
	const flush = () => new Promise<void>((resolve, reject) => calls.push((error) => (error ? reject(error) : resolve())));
	return { flush, calls };
}

describe('FlushAhead', () => {
	it('starts a flush each time the byte budget has gone by, never two at once', async () => {
		const { flush, calls } = controlledFlush();
		const ahead = new FlushAhead(flush, 100);
		ahead.written(99);
		expect(calls).toHaveLength(0);
		ahead.written(1);
		expect(calls).toHaveLength(1);
		ahead.written(500); // one in flight: no second
		expect(calls).toHaveLength(1);
		calls[0]!();
		await ahead.idle();
		ahead.written(100);
		expect(calls).toHaveLength(2);
		calls[1]!();
		await ahead.settle();
	});

	it('reports a failed flush at the next settle, once; idle never throws', async () => {
		const { flush, calls } = controlledFlush();
		const ahead = new FlushAhead(flush, 10);
		ahead.written(10);
		calls[0]!(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
		await expect(ahead.idle()).resolves.toBeUndefined();
		await expect(ahead.settle()).rejects.toThrow('EIO');
		await expect(ahead.settle()).resolves.toBeUndefined();
	});
});
