import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { AmplitudeClient } from '../amplitude/client.js';
import { downloadExport, type ExportOutcome } from '../amplitude/export-api.js';
import { backoffMs, type RetryPolicy } from '../runtime/retry.js';
import type { Logger } from '../io/logger.js';
import { AmpImportError, dataError } from '../errors.js';
import { lineBlocks, type LineBlock } from '../pipeline/lines.js';
import type { Checkpoint } from '../pipeline/output-sink.js';
import { YoungCollector } from '../runtime/young-collector.js';
import { readExportZip, type ExportEntry } from '../pipeline/zip-entries.js';
import { addHours, exportHour, hoursBetween, isoHour } from '../amplitude/hours.js';
import type { EventsRunStats } from './stats.js';

/** A block of an entry's lines, still undecoded. */
export interface EntryBlock extends LineBlock {
	entry: string;
}

/** Marks the end of a unit (a window, or its hours up to one): all its events are before this in the stream. */
export interface WindowDone {
	first: number;
	last: number;
	/** Files read and bytes downloaded in the run when the source ended this unit (it reads ahead of commits). */
	files?: number;
	bytes?: number;
}

export interface ExportSourceOptions {
	client: AmplitudeClient;
	first: number;
	last: number;
	windowHours: number;
	tempDir: string;
	maxLineBytes: number;
	maxEntryBytes: number;
	/** Where block buffers come from (reused ones; see BufferPool). */
	takeBuffer?: (size: number) => Buffer;
	retry: RetryPolicy;
	stats: EventsRunStats;
	logger: Logger;
	/**
	`hour`: a checkpoint each time the zip moves on to a later hour (entries come in hour order), so stdout and Lytics
	get, and commit, each hour as soon as it is read. `window` (a file): one checkpoint a window.
	*/
	unit?: 'window' | 'hour';
	signal: AbortSignal;
	sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
The events source: for each window in order, download the export, read its entries in (date, hour, partition)
order, gunzip, and yield blocks of whole lines (decoding and parsing happen where blocks are mapped, on worker
threads); then a checkpoint for the window. A window that
is too large (400, 504) is split in half, down to one hour, and the size that worked is kept for the rest of the run.
*/
export async function* exportSource(o: ExportSourceOptions): AsyncGenerator<EntryBlock | Checkpoint<WindowDone>> {
	let size = o.windowHours;
	for (let start = o.first; start <= o.last; ) {
		const window = { first: start, last: Math.min(addHours(start, size - 1), o.last) };
		const hours = hoursBetween(window.first, window.last);
		const label = `${isoHour(window.first)}..${isoHour(window.last)}`;
		o.stats.current.window = label;
		o.stats.window = { index: o.stats.window.index + 1, count: o.stats.window.index + Math.ceil(hoursBetween(window.first, o.last) / size) };
		o.stats.hours.inWindow = 0;
		o.stats.enter('waiting');
		const zipPath = join(o.tempDir, `export-${exportHour(window.first)}-${exportHour(window.last)}.zip`);
		/** Where the unit being read began: the window's first hour, or the hour after the last hour checkpointed. */
		let unitFirst = window.first;
		try {
			const outcome = await fetchWindow(o, window, zipPath, label);
			if (outcome.kind === 'rejected') {
				throw new AmpImportError('usage', `Amplitude rejected the export request ${label} (400, not about its size): "${outcome.message.slice(0, 200)}"`, {
					hint: 'Amplitude refuses ranges over 365 days and malformed hours; check --start, --end and events.windowHours.',
				});
			}
			if (outcome.kind === 'too-large') {
				const said = outcome.status === 400 ? `over 4 GB (400${outcome.message ? `: "${outcome.message.slice(0, 120)}"` : ''})` : 'timed out building it (504)';
				if (hours === 1) {
					throw new AmpImportError('export-too-large', `export hour ${isoHour(window.first)} is too large for the Export API even alone: Amplitude said ${said}`, {
						hint: "Export this hour through Amplitude's Amazon S3 export (Data Destinations → Amazon S3); amp-import cannot split an hour further.",
					});
				}
				size = Math.ceil(hours / 2);
				o.stats.splits++;
				o.logger.warn(`export ${label} is too large (Amplitude said ${said}); splitting into windows of ${size} h for the rest of the run`);
				continue;
			}
			if (outcome.kind === 'empty') {
				o.stats.emptyHours += hours;
				o.logger.debug(`export ${label}: no data (404)`);
			} else {
				const hoursSeen = new Set<string>();
				let hourInUnit: number | undefined;
				for await (const item of decodeZip(o, zipPath, hoursSeen)) {
					if (typeof item === 'number') {
						// The zip moved on to the hour `item`: the hours before it are complete.
						if (o.unit === 'hour' && hourInUnit !== undefined && item > hourInUnit) {
							yield { checkpoint: { first: unitFirst, last: hourInUnit, ...readSoFar(o.stats) } };
							unitFirst = addHours(hourInUnit, 1);
						}
						hourInUnit = item;
						continue;
					}
					yield item;
				}
				o.stats.emptyHours += hours - hoursSeen.size;
			}
		} finally {
			await rm(zipPath, { force: true });
		}
		o.stats.windows++;
		o.stats.hours.done += hours;
		o.stats.hours.inWindow = 0;
		yield { checkpoint: { first: unitFirst, last: window.last, ...readSoFar(o.stats) } };
		start = addHours(window.last, 1);
	}
}

function readSoFar(stats: EventsRunStats): { files: number; bytes: number } {
	return { files: stats.files, bytes: stats.bytesDownloaded };
}

/** Downloads a window; a 200 that is not a readable zip is fetched again (then fails: never "no data"). */
async function fetchWindow(o: ExportSourceOptions, window: WindowDone, zipPath: string, label: string): Promise<ExportOutcome> {
	for (let attempt = 1; ; attempt++) {
		o.stats.enter('waiting');
		const outcome = await downloadExport(o.client, window, zipPath, o.signal, (bytes, total) => {
			if (o.stats.phase.name !== 'downloading') o.stats.enter('downloading');
			o.stats.phase.bytes = bytes;
			o.stats.phase.total = total;
		});
		if (outcome.kind === 'empty' || outcome.kind === 'too-large' || outcome.kind === 'rejected') return outcome;
		let problem: string;
		if (outcome.kind === 'zip') {
			o.stats.bytesDownloaded += outcome.bytes;
			problem = await zipProblem(zipPath);
			if (!problem) return outcome;
		} else {
			problem = `the body is not a zip (starts with "${outcome.sample}")`;
		}
		if (attempt > o.retry.retries) {
			throw new AmpImportError('unavailable', `export ${label}: Amplitude answered 200 but ${problem}, ${attempt} times`, {
				hint: 'This is never taken as an empty window. Rerun later; if it persists, check `endpoint` or proxies.',
			});
		}
		const delay = backoffMs(attempt, o.retry);
		o.logger.warn(`export ${label}: ${problem}; downloading again in ${(delay / 1000).toFixed(1)} s (retry ${attempt} of ${o.retry.retries})`);
		await o.sleep(delay, o.signal);
	}
}

/** An empty string when the zip's central directory reads; otherwise why not (a truncated download). */
async function zipProblem(zipPath: string): Promise<string> {
	try {
		for await (const _ of readExportZip(zipPath, () => undefined)) break;
		return '';
	} catch (error) {
		return `the zip is unreadable, probably truncated (${(error as Error).message.replace(/^export archive is not a readable zip \((.*)\)$/, '$1')})`;
	}
}

/** The blocks of the zip's entries, and before each entry the hour it holds (epoch ms). */
async function* decodeZip(o: ExportSourceOptions, zipPath: string, hoursSeen: Set<string>): AsyncGenerator<EntryBlock | number> {
	const skip = (name: string) => {
		o.stats.skippedEntries++;
		o.logger.warn(`skipping zip entry "${name}": not named like <app>/<app>_<YYYY-MM-DD>_<H>#<n>.json.gz`);
	};
	for await (const { entry, chunks } of readExportZip(zipPath, skip)) {
		// First the hour, so a checkpoint of the hours before it counts none of this entry.
		yield Date.parse(`${entry.date}T${String(entry.hour).padStart(2, '0')}:00:00Z`);
		o.stats.files++;
		o.stats.current.entry = entry.name;
		if (o.stats.phase.name !== 'reading') o.stats.enter('reading');
		o.stats.current.hour = `${entry.date}T${String(entry.hour).padStart(2, '0')}`;
		hoursSeen.add(`${entry.date}_${entry.hour}`);
		// Hours before the one being read are done (entries come in hour order).
		o.stats.hours.inWindow = hoursSeen.size - 1;
		yield* decodeEntry(o, entry, chunks());
	}
}

/** Spent zlib chunks are returned to malloc only by a collection; see YoungCollector. */
const youngCollector = new YoungCollector();

async function* decodeEntry(o: ExportSourceOptions, entry: ExportEntry, chunks: AsyncIterable<Uint8Array>): AsyncGenerator<EntryBlock> {
	// Large output chunks: fewer callbacks from the zlib thread for the same bytes.
	const gunzip = createGunzip({ chunkSize: 64 * 1024 });
	const feeding = feed(chunks, gunzip);
	const limits = { maxLineBytes: o.maxLineBytes, maxBytes: o.maxEntryBytes, label: `entry ${entry.name}` };
	const inflated = (n: number) => {
		o.stats.bytesInflated += n;
		youngCollector.count(n);
	};
	try {
		for await (const block of lineBlocks(gunzip, limits, inflated, undefined, o.takeBuffer)) {
			yield { ...block, entry: entry.name };
		}
	} catch (error) {
		if (error instanceof AmpImportError) throw error;
		throw dataError(`entry ${entry.name} cannot be decompressed: ${(error as Error).message}`, 'The export file is corrupt; rerun to download it again.', error);
	} finally {
		gunzip.destroy();
		await feeding;
	}
}

/**
Writes the chunks into gunzip one at a time, each once the previous is consumed (a chunk's buffer is reused by the
next), then ends it. A failure to read ends gunzip with that error, which its reader then sees; a gunzip closed
early (its reader stopped) stops the feeding.
*/
async function feed(chunks: AsyncIterable<Uint8Array>, gunzip: Gunzip): Promise<void> {
	try {
		for await (const chunk of chunks) if (!(await written(gunzip, chunk))) return;
		gunzip.end();
	} catch (error) {
		gunzip.destroy(error as Error);
	}
}

/** Resolves true once `stream` has consumed `chunk`, false if it closed first (a write in progress when a stream is
destroyed never calls back). */
function written(stream: Writable, chunk: Uint8Array): Promise<boolean> {
	return new Promise((resolve, reject) => {
		const closed = () => resolve(false);
		stream.once('close', closed);
		stream.write(chunk, (error) => {
			stream.off('close', closed);
			if (error) reject(error);
			else resolve(true);
		});
	});
}
