/** At most `size` tasks at once. */
export class Semaphore {
	#free: number;
	readonly #waiting: Array<() => void> = [];

	constructor(size: number) {
		this.#free = size;
	}

	async run<T>(task: () => Promise<T>): Promise<T> {
		if (this.#free > 0) this.#free--;
		else await new Promise<void>((resolve) => this.#waiting.push(resolve));
		try {
			return await task();
		} finally {
			const next = this.#waiting.shift();
			if (next) next();
			else this.#free++;
		}
	}
}

/**
At most `limit` calls in any `periodMs` (Amplitude: 60 cohort requests per 10 minutes per project). The clock is
the injected one, but never behind the time this limiter has already waited for, so a frozen test clock still
moves forward.
*/
export class RateLimit {
	readonly #times: number[] = [];
	#virtual = 0;

	constructor(
		private readonly limit: number,
		private readonly periodMs: number,
		private readonly now: () => number,
		private readonly sleep: (ms: number) => Promise<void>,
	) {}

	async take(): Promise<void> {
		for (;;) {
			const now = Math.max(this.now(), this.#virtual);
			while (this.#times.length && this.#times[0]! <= now - this.periodMs) this.#times.shift();
			if (this.#times.length < this.limit) {
				this.#times.push(now);
				return;
			}
			const wait = this.#times[0]! + this.periodMs - now;
			this.#virtual = now + wait;
			await this.sleep(wait);
		}
	}
}
