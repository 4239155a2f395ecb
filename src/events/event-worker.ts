import { workerData } from 'node:worker_threads';
import { serveWorker } from '../pipeline/worker-pool.js';
import { createBlockProcessor, type BlockOptions, type BlockResult } from './event-block.js';

/**
A mapping worker: scans and maps the blocks it is sent (see event-block.ts). A block arrives in a buffer
of its own and its output goes back in the same buffer (or a new one), handed over without a copy.
*/
const mapBlock = createBlockProcessor(workerData as BlockOptions);
await serveWorker<Uint8Array, BlockResult>(
	mapBlock,
	(result) => [result.bytes.buffer as ArrayBuffer, result.ids.buffer as ArrayBuffer, result.idKinds.buffer as ArrayBuffer],
);
