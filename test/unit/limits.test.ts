import { describe, expect, it } from '@jest/globals';
import { RateLimit, Semaphore } from '../../src/cohorts/limits.js';
import { selectCohorts } from '../../src/cohorts/select.js';
import { contains, decodeId, IdList, IdSet, parseAmplitudeId, parseAmplitudeIdAt, SeenIds } from '../../src/cohorts/id-list.js';
import { prng } from '../../scripts/synthetic-export.js';

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
	it('holds Amplitude IDs exactly, whatever their size, sorted for lookups', () => {
		const id = (text: string) => parseAmplitudeId(text)!;
		const list = new IdList();
		for (const n of ['5', '3', '9', '1', '7']) list.push(id(n));
		for (let i = 0; i < 2000; i++) list.push(id(String(10_000 + i)));
		// Past 2^53 as numbers these would round onto one another.
		for (const big of ['9007199254740993', '9007199254740992', '12345678901234567890'.slice(0, 19), '9218868437227405311']) list.push(id(big));
		const sorted = list.sorted();
		expect(contains(sorted, id('9'))).toBe(true);
		expect(contains(sorted, id('4'))).toBe(false);
		expect(contains(sorted, id('11999'))).toBe(true);
		expect(contains(sorted, id('9007199254740993'))).toBe(true);
		expect(contains(sorted, id('9007199254740994'))).toBe(false);
		expect([...sorted.slice(-4)].map(decodeId)).toEqual(['9007199254740992', '9007199254740993', '1234567890123456789', '9218868437227405311']);
		expect(decodeId(id('538001826014'))).toBe('538001826014');
		expect(decodeId(id('0'))).toBe('0');
		expect(parseAmplitudeId('12a')).toBeUndefined();
		expect(parseAmplitudeId('')).toBeUndefined();
		expect(parseAmplitudeId(undefined)).toBeUndefined();
		expect(parseAmplitudeId('-5')).toBeUndefined();
		expect(parseAmplitudeId('9218868437227405312')).toBeUndefined(); // 2^63 - 2^52: its bits would be a NaN
		expect(parseAmplitudeId('12345678901234567890')).toBeUndefined(); // 20 digits: past int64
		expect(parseAmplitudeIdAt(Buffer.from('x9007199254740993\t'), 1, 17)).toBe(id('9007199254740993'));
	});

	it('sets ids apart exactly, grows past its first size, and turns into the sorted list', () => {
		const set = new IdSet(4);
		const texts = ['0', '7', '9007199254740993', '9007199254740992', ...Array.from({ length: 5000 }, (_, i) => String(1_000_000 + i * 7919))];
		for (const t of texts) expect(set.add(parseAmplitudeId(t)!)).toBe(true);
		for (const t of texts) expect(set.add(parseAmplitudeId(t)!)).toBe(false);
		expect(set.size).toBe(texts.length);
		const sorted = set.sorted();
		expect(sorted.length).toBe(texts.length);
		expect([...sorted].map(decodeId)).toEqual([...texts].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
	});

	it('SeenIds answers as IdSet does, on ascending files (its fast path), files out of order, and repeats anywhere', () => {
		const rand = prng(11);
		for (let run = 0; run < 60; run++) {
			const ascending = run % 3 !== 0;
			let next = Math.floor(rand() * 10);
			const texts = Array.from({ length: 1 + Math.floor(rand() * 3000) }, () => {
				if (!ascending || rand() < 0.001) return String(Math.floor(rand() * 5000));
				next += 1 + Math.floor(rand() * 5);
				return String(next === 0 ? 1 : next);
			});
			if (run % 5 === 0) texts.push(texts[Math.floor(rand() * texts.length)]!);
			if (run % 7 === 0) texts.push('9007199254740993', '9007199254740993');
			const fast = new SeenIds(16);
			const set = new IdSet(16);
			for (const t of texts) expect(fast.add(parseAmplitudeId(t)!)).toBe(set.add(parseAmplitudeId(t)!));
			expect(fast.size).toBe(set.size);
			expect([...fast.sorted()]).toEqual([...set.sorted()]);
		}
	});
});
