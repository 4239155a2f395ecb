import type { Writable } from 'node:stream';

/* The sink's vocabulary (pipeline/output-sink.ts): what flows into it, where it writes, how a unit is read back. */

/** A marker in the item stream: everything before it forms a unit (a window) that must be made durable together. */
export interface Checkpoint<M> {
	checkpoint: M;
}
export type SinkItem<M> = string | Uint8Array | Checkpoint<M>;

/**
Where the output goes: a file (the spool renamed into place), stdout (each unit copied out), or units handed to
`deliver` whole (Lytics: each unit read from the spool as often as the deliverer needs, then dropped).
*/
export type SinkTarget = { kind: 'file'; path: string } | { kind: 'stdout'; stream: Writable } | { kind: 'units' };

/** Reads the unit in the spool, from its start, into `into` (a chunk at a time, each awaited). */
export type UnitCopy = (into?: (chunk: Buffer) => Promise<void>) => Promise<void>;
