import { describe, expect, it } from '@jest/globals';
import { dailyOccurrence, formatInZone, nextDailyRun, nextHourlyRun, systemTimeZone } from '../../../src/schedule/next-run.js';

/**
Next-run times must not depend on the host's zone. `npm test` runs this file twice: with the whole suite under
TZ=UTC, and again under TZ=Pacific/Chatham (+13:45 in its summer). Jest cannot switch the zone inside one process.
*/
const underHostZones = (check: () => void) => check();

const t = (iso: string) => Date.parse(iso);
const next = (after: string, time: string, zone: string) => new Date(nextDailyRun(t(after), time, zone)).toISOString();

describe('daily runs across daylight saving time', () => {
	it('America/New_York: 02:30 on the spring-forward day runs when the clocks jump (03:00 EDT)', () => {
		underHostZones(() => {
			expect(next('2026-03-07T12:00:00Z', '02:30', 'America/New_York')).toBe('2026-03-08T07:00:00.000Z');
			expect(next('2026-03-08T07:00:00Z', '02:30', 'America/New_York')).toBe('2026-03-09T06:30:00.000Z');
			expect(next('2026-03-06T12:00:00Z', '02:30', 'America/New_York')).toBe('2026-03-07T07:30:00.000Z'); // EST day
		});
	});

	it('America/New_York: 01:30 on the fall-back day runs once, at the first (EDT) occurrence', () => {
		underHostZones(() => {
			expect(next('2026-10-31T12:00:00Z', '01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
			// After that run, the second 01:30 (EST, 06:30Z) is skipped: the next run is the following day.
			expect(next('2026-11-01T05:30:00Z', '01:30', 'America/New_York')).toBe('2026-11-02T06:30:00.000Z');
			expect(next('2026-11-01T05:45:00Z', '01:30', 'America/New_York')).toBe('2026-11-02T06:30:00.000Z');
		});
	});

	it('Europe/Berlin: 02:30 in the March gap runs at 03:00 CEST; the October 02:30 runs once', () => {
		underHostZones(() => {
			expect(next('2026-03-28T12:00:00Z', '02:30', 'Europe/Berlin')).toBe('2026-03-29T01:00:00.000Z');
			expect(next('2026-10-24T12:00:00Z', '02:30', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
			expect(next('2026-10-25T00:30:00Z', '02:30', 'Europe/Berlin')).toBe('2026-10-26T01:30:00.000Z');
			expect(next('2026-11-28T20:00:00Z', '06:00', 'Europe/Berlin')).toBe('2026-11-29T05:00:00.000Z');
		});
	});

	it('Australia/Lord_Howe: a 30-minute shift, both ways', () => {
		underHostZones(() => {
			// 2026-10-04 02:00 LHST (+10:30) jumps to 02:30 LHDT (+11): 02:15 runs at the jump, 15:30Z the day before.
			expect(next('2026-10-03T00:00:00Z', '02:15', 'Australia/Lord_Howe')).toBe('2026-10-03T15:30:00.000Z');
			expect(formatInZone(t('2026-10-03T15:30:00Z'), 'Australia/Lord_Howe')).toMatch(/^2026-10-04 02:30 /);
			// 2026-04-05 02:00 LHDT falls back to 01:30 LHST: 01:45 exists twice and runs at the first (+11).
			expect(next('2026-04-04T00:00:00Z', '01:45', 'Australia/Lord_Howe')).toBe('2026-04-04T14:45:00.000Z');
			expect(next('2026-04-04T14:45:00Z', '01:45', 'Australia/Lord_Howe')).toBe('2026-04-05T15:15:00.000Z');
		});
	});

	it('Asia/Kolkata: no DST, a constant +05:30', () => {
		underHostZones(() => {
			expect(next('2026-03-08T00:00:00Z', '06:00', 'Asia/Kolkata')).toBe('2026-03-08T00:30:00.000Z');
			expect(next('2026-03-09T00:29:59Z', '06:00', 'Asia/Kolkata')).toBe('2026-03-09T00:30:00.000Z');
			expect(next('2026-11-01T05:00:00Z', '00:00', 'Asia/Kolkata')).toBe('2026-11-01T18:30:00.000Z');
		});
	});

	it('is strictly after: a run at the exact time moves to the next day', () => {
		expect(next('2026-06-01T10:00:00Z', '10:00', 'UTC')).toBe('2026-06-02T10:00:00.000Z');
		expect(new Date(dailyOccurrence('2026-06-01', '10:00', 'UTC')).toISOString()).toBe('2026-06-01T10:00:00.000Z');
	});

	it('rejects a malformed time of day', () => {
		expect(() => nextDailyRun(0, '6:00', 'UTC')).toThrow(RangeError);
	});
});

describe('hourly runs', () => {
	const hourly = (after: string, minute: number, zone: string) => new Date(nextHourlyRun(t(after), minute, zone)).toISOString();

	it('runs at the local minute past the hour, which is :45 UTC in Kolkata', () => {
		underHostZones(() => {
			expect(hourly('2026-11-28T10:41:07Z', 15, 'UTC')).toBe('2026-11-28T11:15:00.000Z');
			expect(hourly('2026-11-28T10:41:07Z', 15, 'Asia/Kolkata')).toBe('2026-11-28T10:45:00.000Z');
			expect(hourly('2026-11-28T10:45:00Z', 15, 'Asia/Kolkata')).toBe('2026-11-28T11:45:00.000Z');
		});
	});

	it('follows the 30-minute shift in Lord Howe and the overlap hour in New York', () => {
		underHostZones(() => {
			// Before the jump :15 local is :45 UTC; after it, :15 UTC. 02:15 LHST never happens.
			expect(hourly('2026-10-03T14:45:00Z', 15, 'Australia/Lord_Howe')).toBe('2026-10-03T16:15:00.000Z');
			// 01:15 happens twice in New York on the fall-back day; an hourly job runs in both real hours.
			expect(hourly('2026-11-01T05:15:00Z', 15, 'America/New_York')).toBe('2026-11-01T06:15:00.000Z');
		});
	});
});

describe('system zone', () => {

	it('reads TZ when it names an IANA zone, with or without the leading colon', () => {
		expect(systemTimeZone({ TZ: 'Europe/Berlin' })).toBe('Europe/Berlin');
		expect(systemTimeZone({ TZ: ':Asia/Kolkata' })).toBe('Asia/Kolkata');
		expect(systemTimeZone({ TZ: 'Not/AZone' })).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
	});
});
