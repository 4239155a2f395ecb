import { MappingStats } from '../mapping/compile.js';

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
}
