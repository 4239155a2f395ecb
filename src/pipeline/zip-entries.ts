import type { Readable } from 'node:stream';
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
			yield { entry, open: () => zip.openReadStreamPromise(raw) };
		}
	} finally {
		zip.close();
	}
}
