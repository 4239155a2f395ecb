import { open, type FileHandle } from 'node:fs/promises';
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

/** One entry of the zip, and its (still gzipped) bytes as chunks. */
export interface ZipEntryReader {
	entry: ExportEntry;
	/**
	The entry's bytes, in order. A chunk may be a view of a buffer that the next chunk overwrites: use (or copy) each
	one before asking for the next (a gunzip write is used once its callback has run).
	*/
	chunks: () => AsyncIterable<Uint8Array>;
}

/** Bytes per read of a stored entry. */
const readBytes = 256 << 10;

/**
Opens an export zip and yields its entries one at a time, in (date, hour, partition) order. Names of another shape
are reported through `onSkip` and skipped. A file that is not a readable zip (truncated, no central directory) is
an `unavailable` error, so the caller can download it again.

Amplitude stores its .json.gz files in the zip (compression method 0). Those are read straight from the file, in
256 KB reads into one buffer reused for the whole zip. yauzl's own stream reads 16 KB at a time into a new buffer
each time: on a 470 MB export those round trips through libuv's thread pool and the small gunzip inputs cost 2.5-3.0
CPU s. (A fresh 256 KB buffer per read was as fast, but spent buffers piled up in malloc's heap between collections:
+14 MB peak RSS.) A deflated (or encrypted) entry goes through yauzl, which inflates it and checks its size (or
refuses it).
*/
export async function* readExportZip(path: string, onSkip: (name: string) => void): AsyncGenerator<ZipEntryReader> {
	let zip: yauzl.ZipFile;
	try {
		zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
	} catch (error) {
		throw new AmpImportError('unavailable', `export archive is not a readable zip (${(error as Error).message})`, { cause: error });
	}
	let file: FileHandle | undefined;
	try {
		const entries: Array<ExportEntry & { raw: yauzl.Entry }> = [];
		for await (const raw of zip.eachEntry()) {
			if (raw.fileName.endsWith('/')) continue;
			const parsed = parseEntryName(raw.fileName);
			if (!parsed) onSkip(raw.fileName);
			else entries.push({ ...parsed, compressedSize: raw.compressedSize, raw });
		}
		entries.sort(compareEntries);
		let buffer: Buffer | undefined;
		for (const { raw, ...entry } of entries) {
			const chunks = async function* (): AsyncGenerator<Uint8Array> {
				if (raw.compressionMethod !== 0 || (raw.generalPurposeBitFlag & 1) !== 0) {
					yield* await zip.openReadStreamPromise(raw);
					return;
				}
				// Also checks that the entry's data lies within the file.
				const { fileDataStart } = await zip.readLocalFileHeaderPromise(raw, { minimal: true });
				file ??= await open(path, 'r');
				buffer ??= Buffer.allocUnsafe(readBytes);
				// Held by this entry until it is read through; an entry left early (an error) may still be read from
				// by a gunzip being torn down, so the next entry gets a buffer of its own.
				const own = buffer;
				buffer = undefined;
				for (let at = 0; at < raw.compressedSize; ) {
					const { bytesRead } = await file.read(own, 0, Math.min(own.length, raw.compressedSize - at), fileDataStart + at);
					if (bytesRead === 0) throw new AmpImportError('unavailable', `export archive is truncated inside entry ${raw.fileName}`);
					at += bytesRead;
					yield own.subarray(0, bytesRead);
				}
				buffer = own;
			};
			yield { entry, chunks };
		}
	} finally {
		zip.close();
		await file?.close();
	}
}
