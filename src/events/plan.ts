import { addHours, isoHour, newestExportableHour } from '../amplitude/hours.js';
import { usageError } from '../errors.js';

/** What a run will export: an inclusive hour range, or nothing (with the reason), or "start from now on". */
export type RunPlan =
	/** `clampedFrom`: an explicit --end past the newest exportable hour, cut back to it. */
	| { kind: 'range'; first: number; last: number; reason: string; clampedFrom?: number }
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
Decides the hour range of a run. Explicit --start/--end win (no --end: up to the newest exportable hour). Otherwise
incremental: from the cursor's next hour up to the newest exportable hour; with no cursor, `backfillDays` days back,
where 0 means "from now on": the cursor is set to the newest exportable hour and nothing is exported this time.
No plan ever reaches past the newest exportable hour: an hour not yet complete at Amplitude would be exported
short, and a cursor past it would skip the rest for good.
*/
export function planRun(input: PlanInput): RunPlan {
	const newest = newestExportableHour(input.now, input.lagHours);
	if (input.start !== undefined || input.end !== undefined) {
		if (input.start === undefined) throw usageError('--end needs --start');
		if (input.start > newest) {
			throw usageError(`--start ${isoHour(input.start)} is not exportable yet: the newest exportable hour is ${isoHour(newest)}`, 'Amplitude exports an hour about 2 hours after it ends (lagHours); rerun later.');
		}
		const end = input.end ?? newest;
		if (input.start > end) throw usageError(`--start ${isoHour(input.start)} is after --end ${isoHour(end)}`);
		const clamped = end > newest ? { clampedFrom: end } : {};
		return { kind: 'range', first: input.start, last: Math.min(end, newest), reason: 'explicit range', ...clamped };
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
