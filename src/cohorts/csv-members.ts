import { char } from '../bytes/chars.js';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import Papa from 'papaparse';
import { dataError } from '../errors.js';

export type MemberRow = Record<string, string>;

/**
A cohort file: RFC 4180 CSV with a header row, every field quoted, quotes doubled, commas and newlines inside
fields. Columns past `amplitude_id,user_id` vary, and a name can repeat: the first keeps its name, the next ones
get `__2`, `__3`. Parsing is papaparse's (about 3× csv-parse on these files; uDSV is 3× faster still but reads a
stray quote by dropping text, where papaparse reports it), on blocks of whole records cut by csv-blocks.ts, for
every block the byte path (member-bytes.ts) does not take.
*/

/** The file's bytes as a stream, inflated when it is gzip (by its magic bytes: Amplitude does not say). */
export async function openCohortFile(path: string): Promise<Readable> {
	const input = createReadStream(path, { highWaterMark: 64 * 1024 });
	if (!(await isGzip(path))) return input;
	const inflated = input.pipe(createGunzip());
	input.on('error', (error) => inflated.destroy(error));
	inflated.on('close', () => input.destroy()); // the file closes with the stream read from it
	return inflated;
}

export interface CsvHeader {
	/** Column names, repeats suffixed. */
	names: string[];
	/** The record separator the file uses, given to the parser of every block so all read it alike. */
	newline: '\n' | '\r\n';
}

/** Reads the header record (a block of its own, see csvBlocks): column names, and how records end. */
export function parseHeader(record: Buffer, label: string, onDuplicates?: (names: string[]) => void): CsvHeader {
	const newline = record.length >= 2 && record[record.length - 2] === char.carriageReturn && record[record.length - 1] === char.newline ? '\r\n' : '\n';
	const { records, fault } = parseRecords(record.toString('utf8'), newline);
	if (fault) throw invalidCsv(label, { message: `header: ${fault.message}` }, 0);
	const [names, ...rest] = records;
	if (!names || rest.length) throw dataError(`${label}: no header row`, 'Rerun to download the cohort again.');
	const header = { names: uniqueNames(names, onDuplicates), newline } as const;
	if (!header.names.includes('amplitude_id')) {
		// Without it no member could be counted, and every member of the last import would look like a leaver.
		throw dataError(`${label}: the header has no amplitude_id column (${names.slice(0, 5).map((n) => JSON.stringify(n)).join(', ')}…)`, 'Rerun to download the cohort again; report it if it persists.');
	}
	return header;
}

/** What made a text unreadable as CSV: papaparse's message, and the record (0-based in the text) near it. */
export interface CsvFault {
	message: string;
	row?: number;
}

/** The records of a text of whole records, or the first malformed quote found in it. */
export function parseRecords(text: string, newline: CsvHeader['newline']): { records: string[][]; fault?: CsvFault } {
	const { data, errors } = Papa.parse<string[]>(text, { delimiter: ',', newline, skipEmptyLines: true });
	const fatal = errors.find((e) => e.type === 'Quotes');
	return { records: data, fault: fatal && { message: fatal.message, row: fatal.row } };
}

/** The error for a fault; `rowsBefore` is the number of data rows before the text (the header is row 0). */
export function invalidCsv(label: string, fault: CsvFault, rowsBefore: number): Error {
	const near = fault.row === undefined ? '' : ` near row ${rowsBefore + fault.row + 1}`;
	return dataError(`${label}: not a valid CSV file (${fault.message}${near})`, 'Rerun to download the cohort again; report it if it persists.');
}

/**
A function that turns a record into a row object for this header, compiled once per header: an object literal with
the column names as constant keys gives every row one shape (V8 then builds and reads them fast), where adding
keys one by one in a loop did not (profiled on 2,000,000 members: 1.3-1.8 s for the loop, about 0.25 s now). Names
enter the code only as JSON string literals, as computed keys, so even `__proto__` is an ordinary own property.
*/
export function rowFactory(header: readonly string[]): (record: string[]) => MemberRow {
	const fields = header.map((name, i) => `[${JSON.stringify(name)}]: r[${i}]`).join(', ');
	// eslint-disable-next-line @typescript-eslint/no-implied-eval -- code generated from the header, once per file
	return new Function('r', `return { ${fields} };`) as (record: string[]) => MemberRow;
}

function uniqueNames(names: string[], onDuplicates?: (names: string[]) => void): string[] {
	const seen = new Map<string, number>();
	const duplicates: string[] = [];
	const unique = names.map((name) => {
		const count = (seen.get(name) ?? 0) + 1;
		seen.set(name, count);
		if (count === 1) return name;
		duplicates.push(name);
		return `${name}__${count}`;
	});
	if (duplicates.length) onDuplicates?.(duplicates);
	return unique;
}

async function isGzip(path: string): Promise<boolean> {
	const handle = await open(path, 'r');
	try {
		const head = Buffer.alloc(2);
		const { bytesRead } = await handle.read(head, 0, 2, 0);
		return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
	} finally {
		await handle.close();
	}
}
