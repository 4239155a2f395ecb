import { char } from '../bytes/chars.js';
import type { FieldRow } from '../mapping/field-table.js';
import { compileByteMapper } from '../mapping/byte-mapper.js';
import { compileLineMapper, MappingStats } from '../mapping/compile.js';
import { eventTimestampKeys } from '../mapping/events-table.js';
import { needsRepair, rawEvent, writeRepaired } from '../mapping/raw-event.js';
import { countFallback, fallbacks } from '../mapping/transforms/transform.js';
import { isJsonContainer, parseExact, stringifyExact } from '../mapping/exact-json.js';
import * as json from '../mapping/json-scan.js';
import { isExportLayoutRange } from '../mapping/timestamps.js';
import { uuidWords, uuidWordsAt } from './uuid-window.js';
import { LineBuffer } from '../bytes/line-buffer.js';

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
	/** Where lines and values left the byte path, by reason, with counts (a debug summary of the run sums them). */
	fallbacks: Array<[string, number]>;
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
inline. Each line is first scanned on its bytes (json-scan.ts), which nearly always settles it without decoding or
parsing: the mapped shape then writes the event through the byte mapper, and the raw shape passes the event's
original bytes through untouched when it needs no repair (its timestamps already in the export's layout, no object
inside an array), which saves encoding it again and keeps the export's own bytes as they were. A line the scanner
is unsure of (invalid, or unusual) takes the ordinary path: decoded, parsed, mapped by the compiled line mapper or
repaired; the two paths give the same bytes.
*/
export function createBlockProcessor(options: BlockOptions): (input: Uint8Array) => BlockResult {
	const mapLine = options.shape === 'mapped' ? compileLineMapper(options.rows) : undefined;
	const byteMapper = mapLine ? compileByteMapper(options.rows) : undefined;
	// The raw shape's scanner records the uuid (key 0) and the timestamps it checks.
	const rawScanner = mapLine ? undefined : new json.JsonLineScanner(rawKeys);
	// One output buffer for every block: large buffers allocated and freed per block are what makes RSS grow.
	const out = new LineBuffer(2 << 20);
	return (input) => {
		const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
		const stats = new MappingStats();
		const idList = new IdList();
		const bad: number[] = [];
		const badSamples: string[] = [];
		out.reset();
		/** Raw shape: the current run of input lines passed through unchanged, [runStart, runEnd), or -1. */
		let runStart = -1;
		let runEnd = -1;
		/** False once any line is not passed through as it is (raw shape). */
		let untouched = !mapLine;
		const flushRun = () => {
			if (runStart === -1) return;
			out.writeBytes(buf.subarray(runStart, runEnd));
			runStart = -1;
		};
		let index = 0;
		for (let start = 0; start < buf.length; index++) {
			let end = buf.indexOf(char.newline, start);
			if (end === -1) end = buf.length;
			const lineEnd = end > start && buf[end - 1] === char.carriageReturn ? end - 1 : end;
			const next = end + 1;
			if (lineEnd === start) {
				untouched = false;
				flushRun();
				start = next;
				continue;
			}
			if (byteMapper?.map(buf, start, end, out, stats)) {
				idList.addScanned(buf, byteMapper.scanner, byteMapper.uuidKey);
				start = next;
				continue;
			}
			if (byteMapper) countFallback('line: scanner unsure, parsed whole');
			const scanned = rawScanner !== undefined && rawScanner.scan(buf, start, end);
			const inLayout = scanned && timestampsInLayout(buf, rawScanner);
			if (rawScanner) {
				if (!scanned) countFallback('raw line: scanner unsure, parsed whole');
				else if (!inLayout) countFallback('raw line: a timestamp to repair, parsed whole');
				else if (rawScanner.sites < 0) countFallback('raw line: too many arrays to repair, parsed whole');
			}
			if (inLayout && rawScanner.sites >= 0) {
				idList.addScanned(buf, rawScanner, 0);
				if (!rawScanner.objectInArray && lineEnd === end && end < buf.length) {
					// Unchanged and newline-terminated: extend the run of input bytes passed through.
					if (runStart === -1) runStart = start;
					runEnd = next;
				} else {
					untouched = false;
					flushRun();
					writeRepaired(buf, start, lineEnd, rawScanner, out);
				}
				start = next;
				continue;
			}
			const line = buf.toString('utf8', start, lineEnd);
			const event = parseObject(line);
			if (event === undefined) {
				bad.push(index);
				if (badSamples.length < sampleCount) badSamples.push(line.slice(0, 60));
				untouched = false;
				flushRun();
				start = next;
				continue;
			}
			idList.add(event.uuid);
			if (mapLine) {
				out.writeLine(mapLine(event, stats));
			} else if (lineEnd === end && end < buf.length && !needsRepair(event)) {
				// Unchanged and newline-terminated: extend the run of input bytes passed through.
				if (runStart === -1) runStart = start;
				runEnd = next;
			} else {
				untouched = false;
				flushRun();
				out.writeLine(stringifyExact(rawEvent(event, stats)));
			}
			start = next;
		}
		flushRun();
		const bytes = untouched ? input : out.moveInto(input);
		const counted = [...fallbacks];
		fallbacks.clear();
		return { bytes, ...idList.done(), fallbacks: counted, bad, badSamples, badValues: [...stats.badValuesByField] };
	};
}

/** The ids of a block's events, as BlockResult carries them. */
class IdList {
	events = 0;
	#kinds = new Uint8Array(1024);
	#words = new Uint32Array(4096);
	readonly #others: string[] = [];

	add(uuid: unknown): void {
		this.#room();
		if (typeof uuid === 'string' && uuid !== '') {
			if (uuidWords(uuid, this.#words, this.events * 4)) this.#kinds[this.events] = 1;
			else (this.#kinds[this.events] = 2), this.#others.push(uuid);
		}
		this.events++;
	}

	#room(): void {
		if (this.events === this.#kinds.length) {
			const kinds = new Uint8Array(this.events * 2);
			kinds.set(this.#kinds);
			this.#kinds = kinds;
			const words = new Uint32Array(this.events * 8);
			words.set(this.#words);
			this.#words = words;
		}
	}

	/** The same, for the uuid the scanner recorded (its `key`th captured key). */
	addScanned(b: Buffer, scanner: json.JsonLineScanner, key: number): void {
		const kind = scanner.kinds[key];
		const start = scanner.starts[key]!;
		const end = scanner.ends[key]!;
		if (kind === json.escapedString) return this.add(JSON.parse(b.toString('utf8', start - 1, end + 1)));
		if (kind !== json.plainString || start === end) return this.add(undefined);
		this.#room();
		if (uuidWordsAt(b, start, end, this.#words, this.events * 4)) this.#kinds[this.events] = 1;
		else (this.#kinds[this.events] = 2), this.#others.push(b.toString('utf8', start, end));
		this.events++;
	}

	/** Trimmed copies: they cross to the main thread, and most of the room was not needed. */
	done(): Pick<BlockResult, 'events' | 'idKinds' | 'ids' | 'otherIds'> {
		return { events: this.events, idKinds: this.#kinds.slice(0, this.events), ids: this.#words.slice(0, this.events * 4), otherIds: this.#others };
	}
}

function parseObject(line: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = parseExact(line);
		return isJsonContainer(value) && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

/** The keys the raw shape's scan records: the uuid, then the timestamps it would repair. */
const rawKeys = ['uuid', ...eventTimestampKeys];

/** After a scan with rawKeys: true when every timestamp is already in the export's layout (the raw shape keeps it). */
function timestampsInLayout(b: Buffer, scanner: json.JsonLineScanner): boolean {
	for (let k = 1; k < rawKeys.length; k++) {
		const kind = scanner.kinds[k];
		if (kind === json.escapedString) return false;
		if (kind !== json.plainString) continue;
		const start = scanner.starts[k]!;
		const end = scanner.ends[k]!;
		if (start !== end && !isExportLayoutRange(b, start, end)) return false;
	}
	return true;
}

