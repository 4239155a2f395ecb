import { StringDecoder } from 'node:string_decoder';
import { dataError } from '../errors.js';

export interface LineBatch {
	lines: string[];
	/** 1-based number of the batch's first line in its file. */
	firstLine: number;
}

export interface LineLimits {
	/** A longer line is an error (a memory guard, not a format rule). */
	maxLineBytes: number;
	/** More decompressed bytes than this is an error (a zip-bomb guard). */
	maxBytes: number;
	/** Names the source in errors. */
	label: string;
}

/**
Splits a byte stream into lines, one batch per chunk (batches keep the per-line overhead of async iteration low).
Decoding runs on whole chunks with a StringDecoder, which holds back a multi-byte character cut by a chunk
boundary. `\r\n` is accepted. `onBytes` is told of every decompressed chunk (for progress).
*/
export async function* lineBatches(
	source: AsyncIterable<Buffer>,
	limits: LineLimits,
	onBytes?: (bytes: number) => void,
): AsyncGenerator<LineBatch> {
	const decoder = new StringDecoder('utf8');
	let carry = '';
	let lineNo = 0;
	let total = 0;
	for await (const chunk of source) {
		total += chunk.length;
		onBytes?.(chunk.length);
		if (total > limits.maxBytes) {
			throw dataError(`${limits.label}: inflates to more than ${limits.maxBytes} bytes (events.maxEntryBytes); refusing it as a possible zip bomb`);
		}
		const text = carry + decoder.write(chunk);
		const parts = text.split('\n');
		carry = parts.pop()!;
		if (carry.length > limits.maxLineBytes && Buffer.byteLength(carry) > limits.maxLineBytes) {
			throw dataError(`${limits.label}: line ${lineNo + parts.length + 1} is longer than ${limits.maxLineBytes} bytes (events.maxLineBytes)`);
		}
		const batch = collect(parts, lineNo, limits);
		lineNo += parts.length;
		if (batch.lines.length) yield batch;
	}
	const rest = carry + decoder.end();
	if (rest !== '') yield collect([rest], lineNo, limits);
}

/** Lines are kept even when empty, so a line's number is always `firstLine + index`; the parser skips empty ones. */
function collect(parts: string[], lineNo: number, limits: LineLimits): LineBatch {
	const lines = new Array<string>(parts.length);
	for (let i = 0; i < parts.length; i++) {
		const line = parts[i]!;
		if (line.length > limits.maxLineBytes && Buffer.byteLength(line) > limits.maxLineBytes) {
			throw dataError(`${limits.label}: line ${lineNo + i + 1} is longer than ${limits.maxLineBytes} bytes (events.maxLineBytes)`);
		}
		lines[i] = line.endsWith('\r') ? line.slice(0, -1) : line;
	}
	return { lines, firstLine: lineNo + 1 };
}
