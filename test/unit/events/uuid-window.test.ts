import { describe, expect, it } from '@jest/globals';
import { UuidWindow, uuidWords } from '../../../src/events/uuid-window.js';
import { prng } from '../../../scripts/synthetic-export.js';

/** The reference behaviour: a Set of the last `capacity` ids, the oldest forgotten first. */
class ReferenceWindow {
	readonly items = new Set<string>();
	constructor(private readonly capacity: number) {}
	seen(id: string): boolean {
		if (this.capacity === 0) return false;
		if (this.items.has(id)) return true;
		this.items.add(id);
		if (this.items.size > this.capacity) this.items.delete(this.items.values().next().value!);
		return false;
	}
}

const hex = (rand: () => number, n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');

describe('UuidWindow', () => {
	it('answers exactly like a Set of the most recent ids, through many evictions', () => {
		const rand = prng(7);
		const pool = Array.from({ length: 3000 }, () => `${hex(rand, 8)}-${hex(rand, 4)}-4${hex(rand, 3)}-a${hex(rand, 3)}-${hex(rand, 12)}`);
		for (const capacity of [0, 1, 7, 500]) {
			const window = new UuidWindow(capacity);
			const reference = new ReferenceWindow(capacity);
			const words = new Uint32Array(4);
			// Answers collected and compared once: 160,000 expect calls took most of the test's time.
			const got: boolean[] = [];
			const want: boolean[] = [];
			let parsed = 0;
			for (let i = 0; i < 20_000; i++) {
				// Mostly recent ids (duplicates close together, as in exports), sometimes any id.
				const id = pool[rand() < 0.7 ? Math.floor(rand() * Math.min(pool.length, 600)) : Math.floor(rand() * pool.length)]!;
				if (uuidWords(id, words, 0)) parsed++;
				got.push(window.seenWords(words, 0));
				want.push(reference.seen(id));
			}
			expect(parsed).toBe(20_000);
			expect(got).toEqual(want);
			if (capacity > 1) expect(want.filter(Boolean).length).toBeGreaterThan(100); // duplicates were really met
		}
	});

	it('keeps ids that are not UUIDs in a window of their own', () => {
		const window = new UuidWindow(2);
		expect(window.seenOther('a')).toBe(false);
		expect(window.seenOther('a')).toBe(true);
		expect(window.seenOther('b')).toBe(false);
		expect(window.seenOther('c')).toBe(false);
		expect(window.seenOther('a')).toBe(false); // forgotten: the window holds two
	});
});

describe('uuidWords', () => {
	it('reads a UUID as four words, folding case, and refuses anything else', () => {
		const words = new Uint32Array(8);
		expect(uuidWords('e6fe6a70-8a06-11ed-9ac0-ab8bd3fc3d15', words, 0)).toBe(true);
		expect([...words.slice(0, 4)]).toEqual([0xe6fe6a70, 0x8a0611ed, 0x9ac0ab8b, 0xd3fc3d15]);
		expect(uuidWords('E6FE6A70-8A06-11ED-9AC0-AB8BD3FC3D15', words, 4)).toBe(true);
		expect([...words.slice(4)]).toEqual([...words.slice(0, 4)]);
		for (const other of ['', 'e6fe6a70-8a06-11ed-9ac0-ab8bd3fc3d1', 'e6fe6a708a0611ed9ac0ab8bd3fc3d15xxxx', 'g6fe6a70-8a06-11ed-9ac0-ab8bd3fc3d15', 'Property Drop Purchased:2', 'e6fe6a70-8a06-11ed-9ac0-ab8bd3fc3dü5']) {
			expect(uuidWords(other, words, 0)).toBe(false);
		}
	});
});
