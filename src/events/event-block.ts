import type { FieldRow } from '../mapping/field-table.js';
import { compileLineMapper, MappingStats } from '../mapping/compile.js';
import { eventTimestampKeys } from '../mapping/events-table.js';
import { rawEvent } from '../mapping/raw-event.js';
import { isExportLayout } from '../mapping/timestamps.js';
import { uuidWords } from './uuid-window.js';

/** How a run maps blocks; sent once to each worker, so plain data only. */
export interface BlockOptions {
	shape: 'mapped' | 'raw';
	/** The selected mapping rows (mapped shape). */
	rows: FieldRow[];
}

/** What a block of export lines became. Plain data (and one transferable buffer), to cross a thread boundary. */
export interface BlockResult {
	/** The NDJSON output, one line per event. */
	bytes: Uint8Array;
	/** Output lines (events). */
	events: number;
	/**
	Per event, what identifies it, for the caller to drop duplicates in order across blocks: `idKinds[i]` is 0 (no
	uuid), 1 (a UUID, as four words at `ids[4i..4i+3]`) or 2 (another string, next in `otherIds`).
	*/
	idKinds: Uint8Array;
	ids: Uint32Array;
	otherIds: string[];
	/** Block-relative (0-based) indexes of lines that are not JSON objects; they have no output line. */
	bad: number[];
	/** The first characters of the first few bad lines, for the error message. */
	badSamples: string[];
	/** Values that could not be converted, by output field. */
	badValues: [string, number][];
}

const sampleCount = 10;

/**
Maps one block of export lines (bytes, newline-separated) to NDJSON bytes. Pure: the same on a worker thread and
inline. Each line is decoded and parsed on its own; the mapped shape writes each event through the compiled line
mapper. The raw shape passes an event's original bytes through untouched when it needs no repair (its timestamps
already in the export's layout, no object inside an array), which is nearly always: that saves encoding the event
again, and keeps the export's own bytes (number formats, escapes) as they were.
*/
export function createBlockProcessor(options: BlockOptions): (input: Uint8Array) => BlockResult {
	const mapLine = options.shape === 'mapped' ? compileLineMapper(options.rows) : undefined;
	return (input) => {
		const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
		const stats = new MappingStats();
		let idKinds = new Uint8Array(1024);
		let ids = new Uint32Array(idKinds.length * 4);
		const otherIds: string[] = [];
		let events = 0;
		const bad: number[] = [];
		const badSamples: string[] = [];
		/** Output: text lines, and (raw) byte ranges of the input passed through. */
		const parts: (string | Buffer)[] = [];
		let text = '';
		// Mapped lines are encoded one by one into one buffer: much cheaper than joining them into a string first.
		const mapped = mapLine ? new LineBuffer(buf.length + (buf.length >> 1) + 1024) : undefined;
		/** Start of the current run of passed-through input lines (raw), or -1. */
		let runStart = -1;
		let runEnd = -1;
		const flushRun = () => {
			if (runStart === -1) return;
			if (text) parts.push(text), (text = '');
			parts.push(buf.subarray(runStart, runEnd));
			runStart = -1;
		};
		let index = 0;
		for (let start = 0; start < buf.length; index++) {
			let end = buf.indexOf(10, start);
			if (end === -1) end = buf.length;
			const lineEnd = end > start && buf[end - 1] === 13 ? end - 1 : end;
			const next = end + 1;
			if (lineEnd === start) {
				start = next;
				flushRun();
				continue;
			}
			const line = buf.toString('utf8', start, lineEnd);
			const event = parseObject(line);
			if (event === undefined) {
				bad.push(index);
				if (badSamples.length < sampleCount) badSamples.push(line.slice(0, 60));
				start = next;
				flushRun();
				continue;
			}
			if (events === idKinds.length) {
				const kinds = new Uint8Array(events * 2);
				kinds.set(idKinds);
				idKinds = kinds;
				const words = new Uint32Array(events * 8);
				words.set(ids);
				ids = words;
			}
			const uuid = event.uuid;
			if (typeof uuid === 'string' && uuid !== '') {
				if (uuidWords(uuid, ids, events * 4)) idKinds[events] = 1;
				else (idKinds[events] = 2), otherIds.push(uuid);
			}
			events++;
			if (mapped) {
				mapped.writeLine(mapLine!(event, stats));
			} else if (lineEnd === end && end < buf.length && !needsRepair(event)) {
				// Unchanged and newline-terminated: extend the run of input bytes passed through.
				if (runStart === -1) runStart = start;
				runEnd = next;
			} else {
				flushRun();
				text += `${JSON.stringify(rawEvent(event, stats))}\n`;
			}
			start = next;
		}
		flushRun();
		if (text) parts.push(text);
		// Trimmed copies: they cross to the main thread, and most of the room was not needed.
		idKinds = idKinds.slice(0, events);
		ids = ids.slice(0, events * 4);
		return { bytes: mapped ? mapped.bytes() : toBytes(parts, input), events, idKinds, ids, otherIds, bad, badSamples, badValues: [...stats.badValuesByField] };
	};
}

function parseObject(line: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(line);
		return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

/** True when the raw shape would change the event: a timestamp not in the export layout, or an object in an array. */
function needsRepair(event: Record<string, unknown>): boolean {
	for (const key of eventTimestampKeys) {
		const value = event[key];
		if (typeof value === 'string' && value !== '' && !isExportLayout(value)) return true;
	}
	for (const key in event) {
		const value = event[key];
		if (typeof value === 'object' && value !== null && holdsObjectInArray(value)) return true;
	}
	return false;
}

function holdsObjectInArray(value: object): boolean {
	if (Array.isArray(value)) return value.some((item) => typeof item === 'object' && item !== null);
	const object = value as Record<string, unknown>;
	for (const key in object) {
		const inner = object[key];
		if (typeof inner === 'object' && inner !== null && holdsObjectInArray(inner)) return true;
	}
	return false;
}

/** Lines encoded as UTF-8 into one growing buffer. */
class LineBuffer {
	#buf: Buffer;
	#length = 0;

	constructor(capacity: number) {
		this.#buf = Buffer.allocUnsafe(capacity);
	}

	writeLine(line: string): void {
		for (;;) {
			const room = this.#buf.length - this.#length - 1;
			// write() stops at the end of the buffer; a line that may not have fitted whole is written again.
			const written = this.#buf.write(line, this.#length, room, 'utf8');
			if (written < room - 3) {
				this.#length += written;
				this.#buf[this.#length++] = 10;
				return;
			}
			const bigger = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#length + Buffer.byteLength(line) + 1024));
			this.#buf.copy(bigger, 0, 0, this.#length);
			this.#buf = bigger;
		}
	}

	/** The bytes written, in a buffer of their own (it will be handed to another thread). */
	bytes(): Uint8Array {
		return this.#buf.subarray(0, this.#length);
	}
}

/** One buffer of the output: the input itself when it passed through whole, else the parts joined. */
function toBytes(parts: (string | Buffer)[], input: Uint8Array): Uint8Array {
	if (parts.length === 1 && typeof parts[0] !== 'string' && parts[0]!.length === input.byteLength) return input;
	if (parts.length === 1 && typeof parts[0] === 'string') return Buffer.from(parts[0]);
	return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
}
