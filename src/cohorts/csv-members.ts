import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse, CsvError } from 'csv-parse';
import { dataError } from '../errors.js';

export type MemberRow = Record<string, string>;

/**
Reads a cohort file: RFC 4180 CSV with a header row, every field quoted, quotes doubled, commas and newlines inside
fields. Columns past `amplitude_id,user_id` vary, and a name can repeat: the first keeps its name, the next ones
get `__2`, `__3`. A gzip body (by its magic bytes) is inflated. Yields batches of rows as column → string objects.
*/
export async function* readMemberCsv(path: string, label: string, onDuplicates?: (names: string[]) => void): AsyncGenerator<MemberRow[]> {
	let input: Readable = createReadStream(path, { highWaterMark: 256 * 1024 });
	if (await isGzip(path)) input = input.pipe(createGunzip());
	const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: false });
	input.on('error', (error) => parser.destroy(error));
	input.pipe(parser);
	let header: string[] | undefined;
	let batch: MemberRow[] = [];
	try {
		for await (const record of parser as AsyncIterable<string[]>) {
			if (!header) {
				header = uniqueNames(record, onDuplicates);
				continue;
			}
			const row: MemberRow = {};
			for (let i = 0; i < header.length; i++) row[header[i]!] = record[i] ?? '';
			batch.push(row);
			if (batch.length === 1000) {
				yield batch;
				batch = [];
			}
		}
	} catch (error) {
		if (error instanceof CsvError) {
			throw dataError(`${label}: not a valid CSV file (${error.message})`, 'Rerun to download the cohort again; report it if it persists.', error);
		}
		throw dataError(`${label}: cannot be read (${(error as Error).message})`, 'Rerun to download the cohort again.', error);
	} finally {
		input.destroy();
	}
	if (batch.length) yield batch;
	if (!header) throw dataError(`${label}: the file is empty (no header row)`, 'Rerun to download the cohort again.');
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
