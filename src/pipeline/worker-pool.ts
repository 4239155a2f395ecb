import { expectTransfers } from '../runtime/detach-protector.js';
import { existsSync } from 'node:fs';
import { availableParallelism, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

type Settle<R> = { resolve: (result: R) => void; reject: (error: Error) => void };
type Reply<R> = { ok: R } | { error: { message: string; stack?: string } };

/** Worker threads when none are configured: one per core up to 4, none on a single core. */
export function defaultWorkers(): number {
	const cores = availableParallelism();
	return cores < 2 ? 0 : Math.min(cores, 4);
}

/**
A fixed set of worker threads that run one function on inputs, or the same function inline when no worker can be
started (`size` 0, or the worker script is absent, as when the sources run untranspiled under a test runner).
Inputs go round-robin and each worker answers in the order it was asked, so `run` promises resolve per worker in
order; callers that need one overall order await them in submission order (see `inOrder`).
*/
export class WorkerPool<I, R> {
	readonly #workers: { worker: Worker; pending: Settle<R>[] }[] = [];
	#next = 0;
	#broken?: Error;
	#inline?: (input: I) => R;

	constructor(
		private readonly options: {
			/** The worker's module: it must call `serveWorker` with the same function `inline` makes. */
			script: URL;
			workerData: unknown;
			size: number;
			resourceLimits?: ResourceLimits;
			/** Makes the function to run here when there are no workers; called on first use only, so a pool with
			workers never holds its buffers on this thread. */
			inline: () => (input: I) => R;
		},
	) {
		if (options.size <= 0 || !existsSync(fileURLToPath(options.script))) return;
		expectTransfers();
		for (let i = 0; i < options.size; i++) {
			const worker = new Worker(options.script, { workerData: options.workerData, resourceLimits: options.resourceLimits, stdout: false, stderr: false });
			const slot = { worker, pending: [] as Settle<R>[] };
			worker.on('message', (reply: Reply<R>) => {
				const settle = slot.pending.shift();
				if ('ok' in reply) settle?.resolve(reply.ok);
				else settle?.reject(Object.assign(new Error(reply.error.message), { stack: reply.error.stack }));
			});
			const fail = (error: Error) => {
				this.#broken ??= error;
				for (const settle of slot.pending.splice(0)) settle.reject(error);
			};
			worker.on('error', fail);
			worker.on('exit', (code) => fail(new Error(`a mapping worker stopped unexpectedly (exit ${code})`)));
			this.#workers.push(slot);
		}
	}

	/** Worker threads in use (0: inline). */
	get threads(): number {
		return this.#workers.length;
	}

	/** Inputs worth keeping in flight: two a worker (one running, one queued), and one more being prepared. */
	get maxInFlight(): number {
		return Math.max(2, this.#workers.length * 2 + 1);
	}

	/** Runs one input; `transfer` lists the buffers handed over to the worker (they are unusable here afterwards). */
	run(input: I, transfer: ArrayBuffer[] = []): Promise<R> {
		if (this.#workers.length === 0) {
			try {
				return Promise.resolve((this.#inline ??= this.options.inline())(input));
			} catch (error) {
				return Promise.reject(error as Error);
			}
		}
		if (this.#broken) return Promise.reject(this.#broken);
		const slot = this.#workers[this.#next++ % this.#workers.length]!;
		return new Promise<R>((resolve, reject) => {
			slot.pending.push({ resolve, reject });
			slot.worker.postMessage(input, transfer);
		});
	}

	async close(): Promise<void> {
		const workers = this.#workers.splice(0);
		for (const { worker } of workers) worker.removeAllListeners('exit');
		await Promise.all(workers.map(({ worker }) => worker.terminate()));
	}
}

/** The nice value of a worker thread: the lowest priority (see yieldToFeeder). */
export const workerNice = 19;

/**
A worker thread runs at the lowest priority, so that the thread feeding the pool (the main thread: it reads,
inflates, orders, writes and commits) gets a core the moment it has work. With more busy threads than cores, the
feeder otherwise waited in the run queue behind the workers, and then every worker waited for it
(docs/performance.md). Linux only: there setpriority(0) is the calling thread; elsewhere it would be the whole
process. Other processes compete with the whole process as before where the kernel groups a process's threads
(autogroup, or the cgroup that systemd and containers give each service); without that, the workers yield to them
too and a busy machine slows the run rather than the reverse.
*/
function yieldToFeeder(): void {
	if (process.platform !== 'linux') return;
	try {
		setPriority(workerNice);
	} catch {
		// Lowering one's own priority is always allowed; a sandbox that refuses it only costs the speed-up.
	}
}

/** The worker side: answers every input with `fn(input)`, handing back the result's buffers without copying. */
export async function serveWorker<I, R>(fn: (input: I) => R, transferOf: (result: R) => ArrayBuffer[]): Promise<void> {
	const { parentPort } = await import('node:worker_threads');
	yieldToFeeder();
	expectTransfers();
	parentPort!.on('message', (input: I) => {
		try {
			const result = fn(input);
			parentPort!.postMessage({ ok: result }, transferOf(result));
		} catch (error) {
			const e = error as Error;
			parentPort!.postMessage({ error: { message: e.message, stack: e.stack } });
		}
	});
}

/**
Runs items through `run` with up to `maxInFlight` at once and yields the results in the items' order. Markers
(checkpoints) pass through in place, after every result before them.

The source is read ahead by a pump of its own, so the work goes on while the consumer is busy with what it was
given (a marker is a commit: a file's rename, an hour copied to stdout, a batch sent to Lytics). What was read
ahead reaches the consumer only after the marker, failures included: a unit of work is committed before anything
of the next one can fail it. `stopSource` is called when the consumer stops before the source is done, to cut
short a read in progress (a download of the next window) that would otherwise be waited for.
*/
export function inOrder<T, R, M>(run: (item: T) => Promise<R>, isMarker: (item: T | M) => item is M, maxInFlight: number, options: { stopSource?: () => void } = {}) {
	return async function* (source: AsyncIterable<T | M>): AsyncGenerator<R | M> {
		const queue: ({ marker: M } | { result: Promise<R> })[] = [];
		/** Results queued and not yet taken by the consumer: what the pump may have in flight. */
		let running = 0;
		let finished = false;
		let stopped = false;
		let failure: { error: unknown } | undefined;
		let itemAdded: (() => void) | undefined;
		let roomMade: (() => void) | undefined;
		const added = () => {
			itemAdded?.();
			itemAdded = undefined;
		};
		const pump = (async () => {
			try {
				for await (const item of source) {
					if (stopped) return;
					if (isMarker(item)) {
						queue.push({ marker: item });
					} else {
						while (running >= maxInFlight) {
							await new Promise<void>((resolve) => (roomMade = resolve));
							if (stopped) return;
						}
						running++;
						const result = run(item);
						result.catch(() => undefined); // awaited in order by the consumer; this only keeps an early failure from being "unhandled"
						queue.push({ result });
					}
					added();
				}
			} catch (error) {
				failure = { error };
			} finally {
				finished = true;
				added();
			}
		})();
		try {
			for (;;) {
				const next = queue.shift();
				if (next === undefined) {
					if (failure) throw failure.error;
					if (finished) return;
					await new Promise<void>((resolve) => (itemAdded = resolve));
					continue;
				}
				if ('marker' in next) {
					yield next.marker;
					continue;
				}
				const result = await next.result;
				running--;
				roomMade?.();
				roomMade = undefined;
				yield result;
			}
		} finally {
			stopped = true;
			queue.length = 0;
			if (!finished) options.stopSource?.();
			roomMade?.();
			await pump;
		}
	};
}
