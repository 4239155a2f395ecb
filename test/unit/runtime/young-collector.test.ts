import { describe, expect, it } from '@jest/globals';
import { YoungCollector } from '../../../src/runtime/young-collector.js';

describe('YoungCollector', () => {
	it('collects once each time the byte budget has gone by, whatever the chunk sizes', () => {
		let collections = 0;
		const collector = new YoungCollector(100, () => collections++);
		for (const bytes of [40, 40, 19]) collector.count(bytes);
		expect(collections).toBe(0);
		collector.count(1); // 100
		expect(collections).toBe(1);
		collector.count(250); // one large chunk: one collection, the count starts again
		expect(collections).toBe(2);
		for (let i = 0; i < 10; i++) collector.count(10);
		expect(collections).toBe(3);
	});

	it('does nothing without a collection function (node run without --expose-gc)', () => {
		const collector = new YoungCollector(1, undefined);
		expect(() => collector.count(10)).not.toThrow();
	});
});
