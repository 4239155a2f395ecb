import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { AmpImportError } from '../errors.js';

/** A zip entry of an Amplitude export: `<app>/<app>_<YYYY-MM-DD>_<H>#<n>.json.gz`. */
export interface ExportEntry {
	name: string;
	date: string;
	hour: number;
	/** A partition number, not a counter: not contiguous, not starting at 0. */
	partition: number;
	compressedSize: number;
}

const entryName = /^(?:(\d+)\/)?(\d+)_(\d{4}-\d{2}-\d{2})_(\d{1,2})#(\d+)\.json\.gz$/;

export function parseEntryName(name: string): ExportEntry | undefined {
	const m = entryName.exec(name);
	if (!m || (m[1] !== undefined && m[1] !== m[2])) return undefined;
	return { name, date: m[3]!, hour: Number(m[4]), partition: Number(m[5]), compressedSize: 0 };
}

/** (date, hour, partition) order: hours in time order, partitions numerically, whatever the zip's own order. */
export function compareEntries(a: ExportEntry, b: ExportEntry): number {
	// Dates are ASCII YYYY-MM-DD: code-unit order is date order (and localeCompare would load ICU's collation data).
	const byDate = a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
	return byDate || a.hour - b.hour || a.partition - b.partition;
}

/** Bytes per read of a stored entry (larger reads saved little more CPU and left more garbage for the GC). */
const readBytes = 256 << 10;

/**
An entry's bytes. Amplitude stores the .json.gz files (compression method 0): those are read straight from the file
in 256 KB reads. yauzl's own stream reads 16 KB at a time, and each read and each small gunzip input is a round trip
through libuv's thread pool: unzip + gunzip of a 470 MB export took 2.5-3.0 CPU s that way and 1.2-1.6 s this way
(measured). A deflated (or encrypted) entry goes through yauzl, which inflates it and checks its size.
*/
async function openEntry(zip: yauzl.ZipFile, raw: yauzl.Entry, path: string): Promise<Readable> {
	if (raw.compressionMethod !== 0 || (raw.generalPurposeBitFlag & 1) !== 0) return zip.openReadStreamPromise(raw);
	// Also checks that the entry's data lies within the file.
	const { fileDataStart } = await zip.readLocalFileHeaderPromise(raw, { minimal: true });
	if (raw.compressedSize === 0) return Readable.from([]);
	return createReadStream(path, { start: fileDataStart, end: fileDataStart + raw.compressedSize - 1, highWaterMark: readBytes });
}

/**
Opens an export zip and yields its entries one at a time, in (date, hour, partition) order, each with a stream of
its (still gzipped) bytes. Names of another shape are reported through `onSkip` and skipped. A file that is not a
readable zip (truncated, no central directory) is reported as `not-a-zip` so the caller can download it again.
*/
export async function* readExportZip(
	path: string,
	onSkip: (name: string) => void,
): AsyncGenerator<{ entry: ExportEntry; open: () => Promise<Readable> }> {
	let zip: yauzl.ZipFile;
	try {
		zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
	} catch (error) {
		throw new AmpImportError('unavailable', `export archive is not a readable zip (${(error as Error).message})`, { cause: error });
	}
	try {
		const entries: Array<ExportEntry & { raw: yauzl.Entry }> = [];
		for await (const raw of zip.eachEntry()) {
			if (raw.fileName.endsWith('/')) continue;
			const parsed = parseEntryName(raw.fileName);
			if (!parsed) onSkip(raw.fileName);
			else entries.push({ ...parsed, compressedSize: raw.compressedSize, raw });
		}
		entries.sort(compareEntries);
		for (const { raw, ...entry } of entries) {
			yield { entry, open: () => openEntry(zip, raw, path) };
		}
	} finally {
		zip.close();
	}
}
