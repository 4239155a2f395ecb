import { MappingStats } from '../mapping/compile.js';

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
	/** What the progress line shows. */
	current = { window: '', entry: '' };
	readonly startedAt = Date.now();

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
}
