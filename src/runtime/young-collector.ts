/** V8's collection function, present when node runs with --expose-gc (see src/runtime/node-flags.ts). */
const gc = (globalThis as { gc?: (options: { type: 'minor' | 'major' }) => void }).gc;
const collectYoung = gc && (() => gc({ type: 'minor' }));

/**
Asks V8 for a young-generation collection (a scavenge: a fraction of a millisecond) each time `everyBytes` (8 MB) more
bytes have gone through. Why: a Buffer's memory is malloc'd outside V8's heap and returned only when a collection
finds the Buffer dead, and V8 collects the young generation when 1 MB of *heap* objects has been allocated,
whatever the Buffers hold. The events reader inflates hundreds of MB a second in 64 KB zlib chunks while allocating
very little on the heap, so dead chunks piled up in the main thread's malloc heap between collections (figures:
docs/performance.md). Without --expose-gc this does nothing.
*/
export class YoungCollector {
	#since = 0;

	constructor(
		private readonly everyBytes = 8 << 20,
		private readonly collect: (() => void) | undefined = collectYoung,
	) {}

	/** Counts `bytes` more, and collects once `everyBytes` have gone by since the last collection. */
	count(bytes: number): void {
		this.#since += bytes;
		if (this.#since < this.everyBytes || !this.collect) return;
		this.#since = 0;
		this.collect();
	}
}

/** A listener for downloaded bytes (AmplitudeClient's onDownloadBytes): the socket's spent chunks are freed the same way. */
export function collectorOfDownloads(): (bytes: number) => void {
	const collector = new YoungCollector();
	return (bytes) => collector.count(bytes);
}
