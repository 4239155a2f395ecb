import { createHash } from 'node:crypto';
import { char } from '../bytes/chars.js';

/**
Cuts NDJSON into the JSON-array batches the collect API takes: records in their order, a batch closed when the
next record would take it past `maxBatchBytes`. The cut depends only on the records and the limit, so a rerun of the
same unit makes the same batches (what resuming after the accepted ones relies on). A record over
`maxRecordBytes` never goes into a batch: `onOversize` gets it.
*/
export class Batcher {
	#records: Buffer[] = [];
	#bytes = 0;
	/** The start of a line the previous chunk cut. */
	#carry?: Buffer;

	constructor(
		private readonly limits: { maxBatchBytes: number; maxRecordBytes: number },
		private readonly onBatch: (batch: Buffer, records: number) => Promise<void>,
		private readonly onOversize: (record: Buffer) => Promise<void>,
	) {}

	async push(chunk: Buffer): Promise<void> {
		let start = 0;
		for (let i = chunk.indexOf(char.newline); i !== -1; i = chunk.indexOf(char.newline, start)) {
			const piece = chunk.subarray(start, i);
			start = i + 1;
			const line = this.#carry ? Buffer.concat([this.#carry, piece]) : piece;
			this.#carry = undefined;
			if (line.length) await this.#add(line);
		}
		// A copy: the chunk's buffer is read into again.
		if (start < chunk.length) this.#carry = Buffer.concat(this.#carry ? [this.#carry, chunk.subarray(start)] : [chunk.subarray(start)]);
	}

	/** Sends the last, partial batch (and a last line without its newline). */
	async end(): Promise<void> {
		const carry = this.#carry;
		this.#carry = undefined;
		if (carry?.length) await this.#add(carry);
		await this.#flush();
	}

	/** `record` may be a view of a chunk whose buffer is reused: a record kept for a batch is copied. */
	async #add(record: Buffer): Promise<void> {
		if (record.length > this.limits.maxRecordBytes) return this.onOversize(Buffer.from(record));
		// `[` and `]`, and a comma before every record but the first.
		const grown = this.#bytes + record.length + (this.#records.length ? 1 : 2);
		if (this.#records.length && grown > this.limits.maxBatchBytes) await this.#flush();
		this.#bytes += record.length + (this.#records.length ? 1 : 2);
		this.#records.push(Buffer.from(record));
	}

	async #flush(): Promise<void> {
		if (!this.#records.length) return;
		const records = this.#records;
		const batch = Buffer.allocUnsafe(this.#bytes);
		let at = 0;
		batch[at++] = char.openBracket;
		records.forEach((record, i) => {
			if (i) batch[at++] = char.comma;
			at += record.copy(batch, at);
		});
		batch[at++] = char.closeBracket;
		this.#records = [];
		this.#bytes = 0;
		await this.onBatch(batch, records.length);
	}
}

/** The records of a batch, one Buffer each (to bisect a refused batch). */
export function batchRecords(batch: Buffer): Buffer[] {
	// Batches are made above from NDJSON lines: a record never holds a raw newline, so the array's top-level commas
	// are found by tracking strings and nesting.
	const records: Buffer[] = [];
	let depth = 0;
	let inString = false;
	let start = 1;
	for (let i = 1; i < batch.length - 1; i++) {
		const c = batch[i]!;
		if (inString) {
			if (c === char.backslash) i++;
			else if (c === char.quote) inString = false;
		} else if (c === char.quote) inString = true;
		else if (c === char.openBrace || c === char.openBracket) depth++;
		else if (c === char.closeBrace || c === char.closeBracket) depth--;
		else if (c === char.comma && depth === 0) {
			records.push(batch.subarray(start, i));
			start = i + 1;
		}
	}
	if (batch.length > 2) records.push(batch.subarray(start, batch.length - 1));
	return records;
}

/** A batch of `records` as a JSON array. */
export function joinRecords(records: Buffer[]): Buffer {
	return Buffer.concat([Buffer.from('['), ...records.flatMap((r, i) => (i ? [Buffer.from(','), r] : [r])), Buffer.from(']')]);
}

/**
The running hash of a unit's batches: h(n) = sha256(h(n-1) ":" sha256(batch n)), from the empty string. Equal
hashes after n batches mean the same n batches, in the same order.
*/
export function chainHash(previous: string, batch: Buffer): string {
	const digest = createHash('sha256').update(batch).digest('hex');
	return createHash('sha256').update(`${previous}:${digest}`).digest('hex');
}
