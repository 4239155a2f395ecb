import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { AmplitudeClient } from '../amplitude/client.js';
import { downloadExport } from '../amplitude/export-api.js';
import { backoffMs, type RetryPolicy } from '../amplitude/retry.js';
import type { Logger } from '../cli/logger.js';
import { AmpImportError, dataError } from '../errors.js';
import { lineBatches } from '../pipeline/lines.js';
import type { Checkpoint } from '../pipeline/output-sink.js';
import { readExportZip, type ExportEntry } from '../pipeline/zip-entries.js';
import { addHours, exportHour, hoursBetween, isoHour } from './hours.js';
import type { EventsRunStats } from './stats.js';
import type { EventBatch } from './to-ndjson.js';

/** Marks the end of a window: all its events are before this in the stream. */
export interface WindowDone {
	first: number;
	last: number;
}

export interface ExportSourceOptions {
	client: AmplitudeClient;
	first: number;
	last: number;
	windowHours: number;
	tempDir: string;
	maxLineBytes: number;
	maxEntryBytes: number;
	onBadRecord: 'fail' | 'skip';
	retry: RetryPolicy;
	stats: EventsRunStats;
	logger: Logger;
	signal: AbortSignal;
	sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
The events source: for each window in order, download the export, read its entries in (date, hour, partition)
order, gunzip, split lines, parse JSON, and yield batches of events; then a checkpoint for the window. A window that
is too large (400, 504) is split in half, down to one hour, and the size that worked is kept for the rest of the run.
*/
export async function* exportSource(o: ExportSourceOptions): AsyncGenerator<EventBatch | Checkpoint<WindowDone>> {
	let size = o.windowHours;
	for (let start = o.first; start <= o.last; ) {
		const window = { first: start, last: Math.min(addHours(start, size - 1), o.last) };
		const hours = hoursBetween(window.first, window.last);
		const label = `${isoHour(window.first)}..${isoHour(window.last)}`;
		o.stats.current.window = label;
		const zipPath = join(o.tempDir, `export-${exportHour(window.first)}-${exportHour(window.last)}.zip`);
		try {
			const outcome = await fetchWindow(o, window, zipPath, label);
			if (outcome === 'too-large') {
				if (hours === 1) {
					throw new AmpImportError('export-too-large', `export hour ${isoHour(window.first)} is too large for the Export API even alone (over 4 GB, or it times out)`, {
						hint: "Export this hour through Amplitude's Amazon S3 export (Data Destinations → Amazon S3); amp-import cannot split an hour further.",
					});
				}
				size = Math.ceil(hours / 2);
				o.stats.splits++;
				o.logger.warn(`export ${label} is too large; splitting into windows of ${size} h for the rest of the run`);
				continue;
			}
			if (outcome === 'empty') {
				o.stats.emptyHours += hours;
				o.logger.debug(`export ${label}: no data (404)`);
			} else {
				const hoursSeen = new Set<string>();
				for await (const batch of decodeZip(o, zipPath, hoursSeen)) yield batch;
				o.stats.emptyHours += hours - hoursSeen.size;
			}
		} finally {
			await rm(zipPath, { force: true });
		}
		o.stats.windows++;
		yield { checkpoint: window };
		start = addHours(window.last, 1);
	}
}

/** Downloads a window; a 200 that is not a readable zip is fetched again (then fails: never "no data"). */
async function fetchWindow(o: ExportSourceOptions, window: WindowDone, zipPath: string, label: string): Promise<'zip' | 'empty' | 'too-large'> {
	for (let attempt = 1; ; attempt++) {
		const outcome = await downloadExport(o.client, window, zipPath, o.signal);
		if (outcome.kind === 'empty' || outcome.kind === 'too-large') return outcome.kind;
		let problem: string;
		if (outcome.kind === 'zip') {
			o.stats.bytesDownloaded += outcome.bytes;
			problem = await zipProblem(zipPath);
			if (!problem) return 'zip';
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

async function* decodeZip(o: ExportSourceOptions, zipPath: string, hoursSeen: Set<string>): AsyncGenerator<EventBatch> {
	const skip = (name: string) => {
		o.stats.skippedEntries++;
		o.logger.warn(`skipping zip entry "${name}": not named like <app>/<app>_<YYYY-MM-DD>_<H>#<n>.json.gz`);
	};
	for await (const { entry, open } of readExportZip(zipPath, skip)) {
		o.stats.files++;
		o.stats.current.entry = entry.name;
		hoursSeen.add(`${entry.date}_${entry.hour}`);
		yield* decodeEntry(o, entry, await open());
	}
}

async function* decodeEntry(o: ExportSourceOptions, entry: ExportEntry, raw: NodeJS.ReadableStream & { destroy(): void }): AsyncGenerator<EventBatch> {
	const gunzip = createGunzip();
	raw.on('error', (error: Error) => gunzip.destroy(error));
	raw.pipe(gunzip);
	const limits = { maxLineBytes: o.maxLineBytes, maxBytes: o.maxEntryBytes, label: `entry ${entry.name}` };
	try {
		for await (const { lines, firstLine } of lineBatches(gunzip, limits, (n) => (o.stats.bytesInflated += n))) {
			const batch: Record<string, unknown>[] = [];
			for (let i = 0; i < lines.length; i++) {
				const line = lines[i]!;
				if (line === '') continue;
				const event = parseEvent(line);
				if (event) {
					batch.push(event);
					continue;
				}
				const where = `entry ${entry.name} line ${firstLine + i}`;
				if (o.onBadRecord === 'fail') {
					throw dataError(`${where} is not a JSON object: ${JSON.stringify(line.slice(0, 60))}`, 'Set events.onBadRecord: skip to count and skip such lines.');
				}
				o.stats.badRecordsSkipped++;
				if (o.stats.badRecordsSkipped <= 10) o.logger.warn(`skipping ${where}: not a JSON object`);
			}
			o.stats.eventsRead += batch.length;
			if (batch.length) yield { batch };
		}
	} catch (error) {
		if (error instanceof AmpImportError) throw error;
		throw dataError(`entry ${entry.name} cannot be decompressed: ${(error as Error).message}`, 'The export file is corrupt; rerun to download it again.', error);
	} finally {
		raw.unpipe(gunzip);
		raw.destroy();
		gunzip.destroy();
	}
}

function parseEvent(line: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(line);
		return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}
