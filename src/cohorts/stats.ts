import { MappingStats } from '../mapping/compile.js';
import { formatCount, formatDuration } from '../io/units.js';

export interface CohortActivity {
	name: string;
	phase: 'requesting' | 'polling' | 'downloading' | 'writing';
	since: number;
	poll: number;
	/** When the next poll is due (epoch ms). */
	nextPollAt?: number;
	bytes: number;
	total?: number;
}

/** Counters of one `cohorts` run, printed as the run summary. */
export class CohortsRunStats {
	selected = 0;
	requested = 0;
	resumed = 0;
	readonly resumedIds = new Set<string>();
	skippedUnchanged = 0;
	skippedTooLarge = 0;
	imported = 0;
	polls = 0;
	members = 0;
	joins = 0;
	leaves = 0;
	records = 0;
	badRows = 0;
	/** Rows naming a member the file had already listed (written once). */
	repeatedRows = 0;
	readonly mapping = new MappingStats();
	readonly startedAt = Date.now();
	/** What each cohort in flight is doing, in the order they were started (the progress line shows the first). */
	readonly activity = new Map<string, CohortActivity>();
	/** How many cohorts this run imports; the one being written is `activity`'s first. */
	toImport = 0;
	finished = 0;

	doing(id: string, name: string, phase: CohortActivity['phase'], extra: Partial<CohortActivity> = {}): void {
		const previous = this.activity.get(id);
		this.activity.set(id, { name, phase, since: previous?.phase === phase ? previous.since : Date.now(), poll: previous?.poll ?? 0, bytes: 0, ...extra });
	}

	done(id: string): void {
		this.activity.delete(id);
		this.finished++;
	}

	summary(extra: Record<string, unknown>): Record<string, unknown> {
		return {
			...extra,
			cohortsSelected: this.selected,
			cohortsRequested: this.requested,
			cohortsResumed: this.resumed,
			cohortsImported: this.imported,
			skippedUnchanged: this.skippedUnchanged,
			skippedTooLarge: this.skippedTooLarge,
			polls: this.polls,
			members: this.members,
			joins: this.joins,
			leaves: this.leaves,
			records: this.records,
			badRows: this.badRows,
			repeatedRows: this.repeatedRows,
			badValues: this.mapping.badValues,
			seconds: Number(((Date.now() - this.startedAt) / 1000).toFixed(2)),
		};
	}

	/** The same run for people; zero counts left out. */
	humanSummary(output: string): Array<[string, string | undefined]> {
		const some = (pairs: Array<[number, string]>) => pairs.filter(([n]) => n > 0).map(([n, what]) => `${formatCount(n)} ${what}`);
		const cohorts = some([[this.imported, 'imported'], [this.resumed, 'resumed'], [this.skippedUnchanged, 'unchanged'], [this.skippedTooLarge, 'too large']]);
		const oddRows = some([[this.badRows, 'bad rows skipped'], [this.repeatedRows, 'repeated rows written once'], [this.mapping.badValues, 'bad values left out']]);
		return [
			['output', output],
			['cohorts', `${formatCount(this.selected)} selected${cohorts.length ? `: ${cohorts.join(', ')}` : ''}`],
			['members', `${formatCount(this.members)} (${formatCount(this.joins)} joined, ${formatCount(this.leaves)} left)`],
			['records', formatCount(this.records)],
			['polls', this.polls ? formatCount(this.polls) : undefined],
			['problems', oddRows.length ? oddRows.join(', ') : undefined],
			['took', formatDuration(Date.now() - this.startedAt)],
		];
	}
}
