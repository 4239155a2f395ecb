import { char } from '../bytes/chars.js';
import { dataError } from '../errors.js';
import { joinInto } from '../pipeline/buffer-pool.js';

export interface CsvBlockOptions {
	/** Names the file in errors. */
	label: string;
	/** About how many bytes a block holds (it ends at the first record end past this). */
	blockBytes: number;
	/** A longer record is an error: a memory guard (cohort rows are a few hundred bytes), not a format rule. */
	maxRecordBytes: number;
	/** Where block buffers come from (a BufferPool's take); each must own its ArrayBuffer. */
	take: (size: number) => Buffer;
}

/**
Cuts a CSV byte stream into blocks of whole records without parsing it, so that the blocks can be parsed apart (on
worker threads) and give the rows the whole file gives. In RFC 4180 a newline ends a record exactly when it stands
outside quotes, that is after an even number of quote characters (a doubled quote inside a field counts twice, so
it keeps the parity). That is one pass over the bytes and no decoding: a block never splits a record, a field or a
multi-byte character. The first block is the header record alone (blank lines before it skipped); the last may
end without a newline, or inside quotes, which the parser then reports.
*/
export async function* csvBlocks(source: AsyncIterable<Buffer>, o: CsvBlockOptions): AsyncGenerator<Buffer> {
	let pending: Buffer[] = [];
	let pendingBytes = 0;
	/** Whether the bytes so far end inside quotes. */
	let inQuotes = false;
	let header = true;
	const tooLong = () => dataError(`${o.label}: a record is longer than ${o.maxRecordBytes} bytes; not a cohort file?`, 'Rerun to download the cohort again; report it if it persists.');

	for await (let chunk of source) {
		while (header && chunk.length) {
			// The header is cut at its own end (the first non-blank record): the parsing of the rest depends on it.
			const end = recordEnd(chunk, inQuotes);
			if (end === -1) {
				inQuotes = inQuotes !== oddQuotes(chunk, 0, chunk.length);
				pending.push(chunk);
				pendingBytes += chunk.length;
				if (pendingBytes > o.maxRecordBytes) throw tooLong();
				chunk = chunk.subarray(chunk.length);
				break;
			}
			pending.push(chunk.subarray(0, end));
			const record = joinInto(o.take, pending, pendingBytes + end);
			pending = [];
			pendingBytes = 0;
			inQuotes = false;
			chunk = chunk.subarray(end);
			if (isBlank(record)) continue;
			header = false;
			yield record;
		}
		if (!chunk.length) continue;
		inQuotes = inQuotes !== oddQuotes(chunk, 0, chunk.length);
		pending.push(chunk);
		pendingBytes += chunk.length;
		if (pendingBytes < o.blockBytes) continue;
		const cut = lastRecordEnd(chunk, inQuotes);
		if (cut === -1) {
			if (pendingBytes > o.blockBytes + o.maxRecordBytes) throw tooLong();
			continue;
		}
		const tail = chunk.subarray(cut);
		pending[pending.length - 1] = chunk.subarray(0, cut);
		yield joinInto(o.take, pending, pendingBytes - tail.length);
		pending = tail.length ? [tail] : [];
		pendingBytes = tail.length;
	}
	if (pendingBytes > 0 && !(header && isBlank(Buffer.concat(pending)))) yield joinInto(o.take, pending, pendingBytes);
}

/** The index after the first newline outside quotes, or -1 (byte by byte: used for the header only). */
function recordEnd(chunk: Buffer, inQuotes: boolean): number {
	let q = inQuotes;
	for (let i = 0; i < chunk.length; i++) {
		const c = chunk[i];
		if (c === char.quote) q = !q;
		else if (c === char.newline && !q) return i + 1;
	}
	return -1;
}

/**
The index after the chunk's last newline outside quotes, or -1; `endsInQuotes` is the state at the chunk's end.
Walks back newline by newline (the native lastIndexOf), counting only the quotes after each: the last record end
is normally within the chunk's last record or two.
*/
function lastRecordEnd(chunk: Buffer, endsInQuotes: boolean): number {
	let q = endsInQuotes;
	let after = chunk.length;
	for (let nl = chunk.lastIndexOf(10); nl !== -1; nl = nl > 0 ? chunk.lastIndexOf(10, nl - 1) : -1) {
		q = q !== oddQuotes(chunk, nl + 1, after);
		if (!q) return nl + 1;
		after = nl;
	}
	return -1;
}

/**
Whether `bytes[from, to)` holds an odd number of quotes. Every byte of a cohort file passes through here, so four at
a time: the classic exact "which bytes are zero" trick applied to word ^ 0x22222222 marks each quote with a high
bit, the marks of all words are xor-ed together and the parity of the result is the parity of the count (about
2 GB/s, where a byte loop managed 200-600 MB/s: a quote every few bytes defeats the branch predictor).
*/
export function oddQuotes(bytes: Uint8Array, from: number, to: number): boolean {
	let odd = 0;
	let i = from;
	const aligned = Math.min(to, from + ((4 - ((bytes.byteOffset + from) & 3)) & 3));
	for (; i < aligned; i++) odd ^= bytes[i] === char.quote ? 1 : 0;
	const words = (to - i) >>> 2;
	if (words > 0) {
		const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
		let marks = 0;
		for (let w = 0; w < words; w++) {
			const x = view[w]! ^ 0x22222222;
			marks ^= ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x);
		}
		marks &= 0x80808080;
		marks ^= marks >>> 16;
		marks ^= marks >>> 8;
		marks ^= marks >>> 4;
		marks ^= marks >>> 2;
		marks ^= marks >>> 1;
		odd ^= marks & 1;
		i += words * 4;
	}
	for (; i < to; i++) odd ^= bytes[i] === char.quote ? 1 : 0;
	return odd === 1;
}

/** An empty line (papaparse's skipEmptyLines skips it too). */
function isBlank(record: Buffer): boolean {
	return record.length === 0 || (record.length <= 2 && record.toString('latin1').trimEnd() === '');
}
