import { MappingStats } from '../mapping/compile.js';
import { formatBytes, formatCount, formatDuration, formatRate } from '../io/units.js';

export interface ExportPhase {
	name: 'starting' | 'waiting' | 'downloading' | 'reading';
	since: number;
	bytes: number;
	total?: number;
}

/** Counters of one `events` run, printed as the run summary. */
export class EventsRunStats {
	windows = 0;
	emptyHours = 0;
	splits = 0;
	files = 0;
	skippedEntries = 0;
	eventsRead = 0;
	events = 0;
	duplicatesDropped = 0;
	badRecordsSkipped = 0;
	bytesDownloaded = 0;
	bytesInflated = 0;
	readonly mapping = new MappingStats();
	/** Lines and values that left the byte path, by reason (the debug summary). */
	readonly fallbacks = new Map<string, number>();
	/** What the progress line shows. */
	current = { window: '', entry: '', hour: '' };
	/** What the run is doing now: waiting for Amplitude to build the export, downloading it, or reading it. */
	phase: ExportPhase = { name: 'starting', since: Date.now(), bytes: 0 };
	/** The window being worked on (1-based) and how many the range takes at the current window size. */
	window = { index: 0, count: 0 };
	/** Hours of the range, and hours done (complete windows, plus hours read of the current one). */
	hours = { total: 0, done: 0, inWindow: 0 };
	readonly startedAt = Date.now();

	enter(name: ExportPhase['name']): void {
		this.phase = { name, since: Date.now(), bytes: 0 };
	}

	summary(extra: Record<string, unknown>): Record<string, unknown> {
		const seconds = (Date.now() - this.startedAt) / 1000;
		return {
			...extra,
			windows: this.windows,
			emptyHours: this.emptyHours,
			splits: this.splits,
			files: this.files,
			skippedEntries: this.skippedEntries,
			events: this.events,
			duplicatesDropped: this.duplicatesDropped,
			badRecordsSkipped: this.badRecordsSkipped,
			badValues: this.mapping.badValues,
			badValuesByField: this.mapping.toJSON(),
			bytesDownloaded: this.bytesDownloaded,
			bytesInflated: this.bytesInflated,
			seconds: Number(seconds.toFixed(2)),
			eventsPerSecond: seconds > 0 ? Math.round(this.events / seconds) : 0,
		};
	}

	/** The same run for people: counts with separators, sizes in MB, the time it took; zero counts left out. */
	humanSummary(extra: { range: string; output: string; cursor?: string }): Array<[string, string | undefined]> {
		const ms = Date.now() - this.startedAt;
		const nonZero = (pairs: Array<[number, string]>) => pairs.filter(([n]) => n > 0).map(([n, what]) => `${formatCount(n)} ${what}`);
		const dropped = nonZero([[this.duplicatesDropped, 'duplicates dropped'], [this.badRecordsSkipped, 'bad records skipped'], [this.skippedEntries, 'entries skipped']]);
		const windows = nonZero([[this.files, 'files'], [this.emptyHours, 'empty hours'], [this.splits, 'splits']]);
		const byField = Object.entries(this.mapping.toJSON()).map(([field, n]) => `${field} ${formatCount(n)}`);
		return [
			['range', extra.range],
			['output', extra.output],
			['events', `${formatCount(this.events)}${dropped.length ? ` (${dropped.join(', ')})` : ''}`],
			['windows', `${formatCount(this.windows)}${windows.length ? ` (${windows.join(', ')})` : ''}`],
			['bad values', this.mapping.badValues ? `${formatCount(this.mapping.badValues)} left out (${byField.join(', ')})` : undefined],
			['downloaded', `${formatBytes(this.bytesDownloaded)} (${formatBytes(this.bytesInflated)} of JSON)`],
			['took', `${formatDuration(ms)} (${formatRate(ms > 0 ? (this.events * 1000) / ms : 0, 'events')})`],
			['cursor', extra.cursor],
		];
	}
}
