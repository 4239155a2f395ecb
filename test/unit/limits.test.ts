import { describe, expect, it } from '@jest/globals';
import { RateLimit, Semaphore } from '../../src/cohorts/limits.js';
import { selectCohorts } from '../../src/cohorts/select.js';
import { contains, IdList, parseAmplitudeId } from '../../src/cohorts/id-list.js';

describe('limits', () => {
	it('runs at most N tasks at once', async () => {
		const semaphore = new Semaphore(2);
		let running = 0;
		let peak = 0;
		const task = async () => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((r) => setTimeout(r, 5));
			running--;
		};
		await Promise.all(Array.from({ length: 7 }, () => semaphore.run(task)));
		expect(peak).toBe(2);
	});

	it('allows at most `limit` calls per period, waiting out the oldest, even with a frozen clock', async () => {
		const sleeps: number[] = [];
		const limit = new RateLimit(3, 600_000, () => 1_000_000, async (ms) => void sleeps.push(ms));
		for (let i = 0; i < 7; i++) await limit.take();
		expect(sleeps).toEqual([600_000, 600_000]);
	});
});

describe('cohort selection', () => {
	const all = [
		{ id: 'a1', name: 'Buyers' },
		{ id: 'b2', name: 'Buyers' },
		{ id: 'c3', name: 'Archived', archived: true },
	];
	it('takes every non-archived cohort when none is named, and every cohort of a repeated name', () => {
		expect(selectCohorts(all, []).map((c) => c.id)).toEqual(['a1', 'b2']);
		expect(selectCohorts(all, ['Buyers', 'c3']).map((c) => c.id)).toEqual(['a1', 'b2', 'c3']);
	});
});

describe('id list', () => {
	it('holds Amplitude IDs as numbers, sorted for lookups', () => {
		const list = new IdList();
		for (const id of [5, 3, 9, 1, 7]) list.push(id);
		for (let i = 0; i < 2000; i++) list.push(10_000 + i);
		const sorted = list.sorted();
		expect(contains(sorted, 9)).toBe(true);
		expect(contains(sorted, 4)).toBe(false);
		expect(contains(sorted, 11_999)).toBe(true);
		expect(parseAmplitudeId('538001826014')).toBe(538001826014);
		expect(parseAmplitudeId('12a')).toBeUndefined();
		expect(parseAmplitudeId('')).toBeUndefined();
		expect(parseAmplitudeId(undefined)).toBeUndefined();
		expect(parseAmplitudeId('-5')).toBeUndefined();
		expect(parseAmplitudeId('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
		expect(parseAmplitudeId('9007199254740993')).toBeUndefined(); // would round to a safe integer
		expect(parseAmplitudeId('12345678901234567')).toBeUndefined();
	});
});
