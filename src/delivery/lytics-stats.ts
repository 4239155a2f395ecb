import { formatBytes, formatCount } from '../io/units.js';

/** What a run delivered to Lytics: the summary's Lytics part, for people and for machines. */
export class LyticsStats {
	batches = 0;
	records = 0;
	bytes = 0;
	/** Summed from Lytics' answers. */
	messageCount = 0;
	rejectedCount = 0;
	retries = 0;
	/** Records sent again whose first sending Lytics may have stored (a cut connection, a crash mid-batch). */
	possiblyDuplicated = 0;
	/** Records of units whose data changed since an interrupted run (sent whole again). */
	resent = 0;
	/** Batches skipped because Lytics had accepted them before (a resumed unit). */
	skippedBatches = 0;
	rejects = 0;
	rejectsPath?: string;

	constructor(
		readonly stream: string,
		readonly dryrun: boolean,
	) {}

	toJSON(): Record<string, unknown> {
		return {
			stream: this.stream,
			dryrun: this.dryrun || undefined,
			batches: this.batches,
			records: this.records,
			bytes: this.bytes,
			messageCount: this.messageCount,
			rejectedCount: this.rejectedCount,
			retries: this.retries,
			possiblyDuplicated: this.possiblyDuplicated,
			resent: this.resent,
			skippedBatches: this.skippedBatches,
			rejects: this.rejects,
			rejectsFile: this.rejectsPath,
		};
	}

	humanRows(): Array<[string, string | undefined]> {
		const some = (pairs: Array<[number, string]>) => pairs.filter(([n]) => n > 0).map(([n, what]) => `${formatCount(n)} ${what}`);
		const notes = some([[this.retries, 'retries'], [this.skippedBatches, 'batches already accepted, skipped']]);
		return [
			['lytics', `${this.dryrun ? 'dry run (dryrun=true, nothing stored): ' : ''}${formatCount(this.records)} records to ${this.stream} in ${formatCount(this.batches)} batches, ${formatBytes(this.bytes)}${notes.length ? ` (${notes.join(', ')})` : ''}`],
			['lytics said', `${formatCount(this.messageCount)} messages, ${formatCount(this.rejectedCount)} rejected`],
			['duplicates', this.possiblyDuplicated || this.resent ? some([[this.possiblyDuplicated, 'possibly duplicated (sent again after a cut connection or a crash mid-batch)'], [this.resent, "sent again (the data changed since the interrupted run)"]]).join(', ') : undefined],
			['rejects', this.rejects ? `${formatCount(this.rejects)} records refused, with Lytics' reason, in ${this.rejectsPath}` : undefined],
		];
	}
}
