import { char } from '../bytes/chars.js';
import { dataError } from '../errors.js';
import { joinInto } from './buffer-pool.js';

/** A run of whole lines, as bytes: ends with a newline unless it is the end of the source. */
export interface LineBlock {
	bytes: Buffer;
	/** 1-based number of the block's first line in its source. */
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

/** About how many bytes a block holds: large enough that per-block costs vanish, small enough to keep memory flat. */
export const defaultBlockBytes = 1 << 20;

/**
Cuts a byte stream into blocks of whole lines without decoding it (decoding, like parsing, happens where the block
is mapped, on a worker thread). Blocks are cut at a newline once `blockBytes` have gathered, so no line and no
multi-byte character is ever split. Every line's length is checked, and lines are counted so errors can name them.
`onBytes` is told of every chunk (for progress).
*/
export async function* lineBlocks(
	source: AsyncIterable<Buffer>,
	limits: LineLimits,
	onBytes?: (bytes: number) => void,
	blockBytes = defaultBlockBytes,
	/** Where block buffers come from (a BufferPool's take); each must own its ArrayBuffer. */
	take: (size: number) => Buffer = (size) => Buffer.from(new ArrayBuffer(size)),
): AsyncGenerator<LineBlock> {
	let pending: Buffer[] = [];
	let pendingBytes = 0;
	let total = 0;
	/** Lines completed so far (newlines seen). */
	let lineNo = 0;
	let blockFirstLine = 1;
	/** Bytes of the line in progress. */
	let open = 0;
	const tooLong = (line: number) => dataError(`${limits.label}: line ${line} is longer than ${limits.maxLineBytes} bytes (events.maxLineBytes)`);
	for await (const chunk of source) {
		total += chunk.length;
		onBytes?.(chunk.length);
		if (total > limits.maxBytes) {
			throw dataError(`${limits.label}: inflates to more than ${limits.maxBytes} bytes (events.maxEntryBytes); refusing it as a possible zip bomb`);
		}
		let lastNewline = -1;
		for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(char.newline, nl + 1)) {
			if (open + nl - lastNewline - 1 > limits.maxLineBytes) throw tooLong(lineNo + 1);
			open = 0;
			lineNo++;
			lastNewline = nl;
		}
		open += chunk.length - lastNewline - 1;
		if (open > limits.maxLineBytes) throw tooLong(lineNo + 1);
		pending.push(chunk);
		pendingBytes += chunk.length;
		if (pendingBytes < blockBytes || lastNewline === -1) continue;
		const tail = chunk.subarray(lastNewline + 1);
		pending[pending.length - 1] = chunk.subarray(0, lastNewline + 1);
		yield { bytes: joinInto(take, pending, pendingBytes - tail.length), firstLine: blockFirstLine };
		blockFirstLine = lineNo + 1;
		pending = tail.length ? [tail] : [];
		pendingBytes = tail.length;
	}
	if (pendingBytes > 0) yield { bytes: joinInto(take, pending, pendingBytes), firstLine: blockFirstLine };
}
