import { describe, expect, it } from '@jest/globals';
import { exportHour, isoHour, newestExportableHour, parseHourArgument } from '../../../src/amplitude/hours.js';
import { planRun, windows } from '../../../src/events/plan.js';

const h = (iso: string) => Date.parse(`${iso}:00:00Z`);
const now = new Date('2026-11-28T10:41:07Z');

describe('hours', () => {
	it('formats the Export API parameter and parses user hours', () => {
		expect(exportHour(h('2026-10-01T05'))).toBe('20261001T05');
		expect(parseHourArgument('2026-10-01T05', 'start', '--start')).toBe(h('2026-10-01T05'));
		expect(parseHourArgument('20261001T05', 'start', '--start')).toBe(h('2026-10-01T05'));
		expect(parseHourArgument('2026-10-01', 'start', '--start')).toBe(h('2026-10-01T00'));
		expect(parseHourArgument('2026-10-01', 'end', '--end')).toBe(h('2026-10-01T23'));
		expect(parseHourArgument('2026-10-01T05:00', 'end', '--end')).toBe(h('2026-10-01T05'));
		for (const bad of ['2026-13-01', '2026-10-01T24', 'yesterday', '2026-02-30']) {
			expect(() => parseHourArgument(bad, 'start', '--start')).toThrow(/--start: expected an hour/);
		}
	});

	it('takes the newest exportable hour as floor(now) minus the lag', () => {
		expect(isoHour(newestExportableHour(now, 3))).toBe('2026-11-28T07');
		expect(isoHour(newestExportableHour(new Date('2026-11-28T10:00:00Z'), 3))).toBe('2026-11-28T07');
	});
});

describe('run plan', () => {
	it('backfills N whole days on a first run, ending at the newest exportable hour', () => {
		const plan = planRun({ now, lagHours: 3, backfillDays: 2 });
		expect(plan).toEqual({ kind: 'range', first: h('2026-11-26T08'), last: h('2026-11-28T07'), reason: 'first run: backfill of 2 days' });
	});

	it('with backfillDays 0 starts from now on: a cursor, no export', () => {
		expect(planRun({ now, lagHours: 3, backfillDays: 0 })).toEqual({ kind: 'from-now', cursor: h('2026-11-28T07') });
	});

	it('resumes from the hour after the cursor, and is up to date when nothing new is exportable', () => {
		expect(planRun({ now, lagHours: 3, backfillDays: 90, cursor: h('2026-11-28T01') })).toMatchObject({ kind: 'range', first: h('2026-11-28T02'), last: h('2026-11-28T07') });
		expect(planRun({ now, lagHours: 3, backfillDays: 90, cursor: h('2026-11-28T07') })).toEqual({ kind: 'up-to-date', cursor: h('2026-11-28T07'), newest: h('2026-11-28T07') });
	});

	it('uses an explicit range as it is, end inclusive, and checks its order', () => {
		expect(planRun({ now, lagHours: 3, backfillDays: 90, cursor: h('2026-11-28T01'), start: h('2026-10-01T00'), end: h('2026-10-01T23') })).toMatchObject({
			kind: 'range',
			first: h('2026-10-01T00'),
			last: h('2026-10-01T23'),
		});
		expect(() => planRun({ now, lagHours: 3, backfillDays: 90, start: h('2026-10-02T00'), end: h('2026-10-01T00') })).toThrow(/is after/);
		expect(() => planRun({ now, lagHours: 3, backfillDays: 90, end: h('2026-10-02T00') })).toThrow(/needs --start/);
	});

	it('never plans past the newest exportable hour: --start alone runs up to it, a later --end is cut back to it', () => {
		expect(planRun({ now, lagHours: 3, backfillDays: 90, start: h('2026-11-28T00') })).toEqual({ kind: 'range', first: h('2026-11-28T00'), last: h('2026-11-28T07'), reason: 'explicit range' });
		expect(planRun({ now, lagHours: 3, backfillDays: 90, start: h('2026-10-02T00'), end: h('2027-06-30T23') })).toEqual({
			kind: 'range',
			first: h('2026-10-02T00'),
			last: h('2026-11-28T07'),
			reason: 'explicit range',
			clampedFrom: h('2027-06-30T23'),
		});
		expect(() => planRun({ now, lagHours: 3, backfillDays: 90, start: h('2026-11-28T08') })).toThrow(/not exportable yet/);
	});

	it('cuts a range into windows of at most N hours, the last one shorter', () => {
		const list = [...windows(h('2026-10-01T00'), h('2026-10-02T05'), 24)].map((w) => [exportHour(w.first), exportHour(w.last)]);
		expect(list).toEqual([
			['20261001T00', '20261001T23'],
			['20261002T00', '20261002T05'],
		]);
	});
});
