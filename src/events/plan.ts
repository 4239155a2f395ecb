import { addHours, isoHour, newestExportableHour } from './hours.js';
import { usageError } from '../errors.js';

/** What a run will export: an inclusive hour range, or nothing (with the reason), or "start from now on". */
export type RunPlan =
	| { kind: 'range'; first: number; last: number; reason: string }
	| { kind: 'up-to-date'; cursor: number; newest: number }
	| { kind: 'from-now'; cursor: number };

export interface PlanInput {
	now: Date;
	lagHours: number;
	backfillDays: number;
	/** Last fully exported hour from state, if any. */
	cursor?: number;
	/** Explicit --start/--end. */
	start?: number;
	end?: number;
}

/**
Decides the hour range of a run. Explicit --start/--end win. Otherwise incremental: from the cursor's next hour up
to the newest exportable hour; with no cursor, `backfillDays` days back, where 0 means "from now on": the cursor is
set to the newest exportable hour and nothing is exported this time.
*/
export function planRun(input: PlanInput): RunPlan {
	const newest = newestExportableHour(input.now, input.lagHours);
	if (input.start !== undefined || input.end !== undefined) {
		if (input.start === undefined || input.end === undefined) throw usageError('--start and --end go together');
		if (input.start > input.end) throw usageError(`--start ${isoHour(input.start)} is after --end ${isoHour(input.end)}`);
		return { kind: 'range', first: input.start, last: input.end, reason: 'explicit range' };
	}
	if (input.cursor !== undefined) {
		const first = addHours(input.cursor, 1);
		if (first > newest) return { kind: 'up-to-date', cursor: input.cursor, newest };
		return { kind: 'range', first, last: newest, reason: `incremental from cursor ${isoHour(input.cursor)}` };
	}
	if (input.backfillDays === 0) return { kind: 'from-now', cursor: newest };
	const first = addHours(newest, -(input.backfillDays * 24 - 1));
	return { kind: 'range', first, last: newest, reason: `first run: backfill of ${input.backfillDays} days` };
}

/** Windows of at most `size` hours covering [first, last], in order. */
export function* windows(first: number, last: number, size: number): Generator<{ first: number; last: number }> {
	for (let start = first; start <= last; start = addHours(start, size)) {
		yield { first: start, last: Math.min(addHours(start, size - 1), last) };
	}
}
