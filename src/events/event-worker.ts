import { workerData } from 'node:worker_threads';
import { ownedBuffer, serveWorker } from '../pipeline/worker-pool.js';
import { createBlockProcessor, type BlockOptions, type BlockResult } from './event-block.js';

/** A mapping worker: decodes, parses and maps the blocks it is sent (see event-block.ts). */
const mapBlock = createBlockProcessor(workerData as BlockOptions);
await serveWorker<Uint8Array, BlockResult>(
	(input) => {
		const result = mapBlock(input);
		return { ...result, bytes: ownedBuffer(result.bytes) };
	},
	(result) => [result.bytes.buffer as ArrayBuffer, result.ids.buffer as ArrayBuffer, result.idKinds.buffer as ArrayBuffer],
);
