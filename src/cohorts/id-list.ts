/**
Amplitude IDs as float64 (they are integers far below 2^53), in a growable typed array: 2,000,000 members take
16 MB, where an array of strings would take well over 100 MB.
*/
export class IdList {
	#ids = new Float64Array(1024);
	#length = 0;

	push(id: number): void {
		if (this.#length === this.#ids.length) {
			const grown = new Float64Array(this.#ids.length * 2);
			grown.set(this.#ids);
			this.#ids = grown;
		}
		this.#ids[this.#length++] = id;
	}

	get length(): number {
		return this.#length;
	}

	/** The ids sorted ascending (the list's own memory, trimmed). */
	sorted(): Float64Array {
		return this.#ids.subarray(0, this.#length).sort();
	}
}

export function contains(sorted: Float64Array, id: number): boolean {
	let low = 0;
	let high = sorted.length - 1;
	while (low <= high) {
		const mid = (low + high) >>> 1;
		const value = sorted[mid]!;
		if (value === id) return true;
		if (value < id) low = mid + 1;
		else high = mid - 1;
	}
	return false;
}

/** An Amplitude ID from the file, or undefined when it is not a plain integer we can hold exactly. */
export function parseAmplitudeId(value: string | undefined): number | undefined {
	// By character codes, not a regex: this runs for every member, twice on a re-import.
	if (!value || value.length > 16) return undefined;
	let id = 0;
	for (let i = 0; i < value.length; i++) {
		const digit = value.charCodeAt(i) - 48;
		if (digit < 0 || digit > 9) return undefined;
		id = id * 10 + digit;
	}
	// Past 2^53 the sum above may round onto a safe integer: compare the text itself.
	if (value.length === 16 && value > '9007199254740991') return undefined;
	return id;
}
