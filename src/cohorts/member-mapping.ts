import { BufferPool } from '../pipeline/buffer-pool.js';
import { defaultWorkers, WorkerPool } from '../pipeline/worker-pool.js';
import { createMemberBlockProcessor, type MemberBlock, type MemberBlockOptions, type MemberBlockResult } from './member-block.js';

/** Input blocks of about 128 KB: their output (about 2.5× as many bytes) then fits the pooled output buffers. */
export const blockBytes = 128 << 10;
const outputBytes = 512 << 10;

/**
The CPU side of importing cohort files, for a whole run: worker threads (`workers`, default one per core up to 4;
0 = on this thread) that parse and map blocks of a file, and the pooled buffers the blocks and their output travel
in (a block's buffer goes to a worker and comes back; output buffers come back from the sink once written).
*/
export class MemberMapping {
	#pool?: WorkerPool<MemberBlock, MemberBlockResult>;
	readonly #blocks = new BufferPool(blockBytes + (64 << 10), 8);
	readonly #outputs = new BufferPool(outputBytes, 16);

	constructor(private readonly options: MemberBlockOptions & { workers?: number }) {}

	/** Started with the first block: a run that imports nothing (all unchanged, or still polling) starts no thread. */
	get #workers(): WorkerPool<MemberBlock, MemberBlockResult> {
		if (this.#pool) return this.#pool;
		const { workers, ...blockOptions } = this.options;
		return (this.#pool = new WorkerPool({
			script: new URL('./member-worker.js', import.meta.url),
			workerData: blockOptions,
			size: workers ?? defaultWorkers(),
			inline: () => createMemberBlockProcessor(blockOptions),
			// papaparse's blocks (the raw shape, or files off the byte path) keep a block's rows alive while it is read:
			// too small a young generation makes them slow, a large one costs RSS (figures: docs/performance.md).
			resourceLimits: { maxYoungGenerationSizeMb: 8 },
		}));
	}

	/** Worker threads in use (0: on this thread). */
	get threads(): number {
		return this.#workers.threads;
	}

	get maxInFlight(): number {
		return this.#workers.maxInFlight;
	}

	takeBlock = (size: number): Buffer => this.#blocks.take(size);

	run(block: Omit<MemberBlock, 'out'>): Promise<MemberBlockResult> {
		const out = this.#outputs.take(outputBytes);
		const transfer = [block.bytes.buffer, out.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
		return this.#workers.run({ ...block, out }, transfer);
	}

	/** A block's buffer (holding its member lines) once they are copied; output lines once the sink has written them. */
	giveBlock(bytes: Uint8Array): void {
		this.#blocks.give(bytes);
	}

	/** Output buffers: for lines made on this thread (the leavers'), and back from the sink for every block. */
	takeOutput = (size: number): Buffer => this.#outputs.take(size);

	giveOutput = (bytes: Uint8Array): void => {
		this.#outputs.give(bytes);
	};

	async close(): Promise<void> {
		await this.#pool?.close();
	}
}
