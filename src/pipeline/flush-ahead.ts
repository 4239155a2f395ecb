/**
Starts writing a file's data to disk every `everyBytes` written, while the writing goes on, so that the fsync that
makes a unit durable finds little left to do. The kernel would otherwise keep a whole window's output in its cache
(it starts writeback on its own only past 10% of RAM), and the checkpoint's fsync would write it all while the run
waits: ~0.3 s for the 470 MB of a 1x bench export, over a second at 4x (README, Performance). Not for durability:
the checkpoint still syncs, and a failure here is reported there (`settle`).
*/
export class FlushAhead {
	#since = 0;
	#inFlight?: Promise<void>;
	#error?: unknown;

	constructor(
		private readonly flush: () => Promise<void>,
		private readonly everyBytes = 32 << 20,
	) {}

	/** Counts `bytes` more written; starts a flush once `everyBytes` have gone by and none is in flight. */
	written(bytes: number): void {
		this.#since += bytes;
		if (this.#since < this.everyBytes || this.#inFlight) return;
		this.#since = 0;
		this.#inFlight = this.flush().then(
			() => {
				this.#inFlight = undefined;
			},
			(error: unknown) => {
				this.#error ??= error;
				this.#inFlight = undefined;
			},
		);
	}

	/** Waits for a flush in flight (never throws): before the file is truncated, closed or renamed. */
	async idle(): Promise<void> {
		await this.#inFlight;
	}

	/** Waits for a flush in flight and throws what any flush since the last settle failed with. */
	async settle(): Promise<void> {
		await this.#inFlight;
		this.#since = 0;
		const error = this.#error;
		this.#error = undefined;
		if (error !== undefined) throw error;
	}
}
