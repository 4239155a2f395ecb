import { workerData } from 'node:worker_threads';
import { serveWorker } from '../pipeline/worker-pool.js';
import { createMemberBlockProcessor, transferablesOf, type MemberBlock, type MemberBlockOptions, type MemberBlockResult } from './member-block.js';

/** A cohort-file worker: parses and maps the blocks it is sent (see member-block.ts), answering in order. */
const mapBlock = createMemberBlockProcessor(workerData as MemberBlockOptions);
await serveWorker<MemberBlock, MemberBlockResult>(mapBlock, transferablesOf);
