/**
The uuids a run has emitted most recently, to drop duplicates within a run with bounded memory. When full, the
oldest uuid is forgotten first (a Set iterates in insertion order). Duplicates in an export sit close together (the
same event uploaded twice lands in nearby hours), so a window of recent ids catches them without growing forever.
*/
export class RecentSet {
	readonly #items = new Set<string>();

	constructor(private readonly capacity: number) {}

	/** True if `id` was seen (and is still remembered); otherwise remembers it. */
	seen(id: string): boolean {
		if (this.capacity === 0) return false;
		if (this.#items.has(id)) return true;
		this.#items.add(id);
		if (this.#items.size > this.capacity) this.#items.delete(this.#items.values().next().value!);
		return false;
	}

	get size(): number {
		return this.#items.size;
	}
}
