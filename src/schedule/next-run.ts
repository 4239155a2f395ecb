import { formatInTimeZone } from 'date-fns-tz';
import { isTimeZone, timeOfDayPattern } from '../config/zones.js';

/**
When the next scheduled run is, in an IANA zone, the same on any host. Only Intl readings of an instant are used,
with UTC arithmetic: date-fns-tz's `fromZonedTime` and `toZonedTime` depend on the host's own TZ, `fromZonedTime`
puts a time in the spring-forward gap an hour early, and `getTimezoneOffset(zone, date)` reads the date as a wall
time, so around a transition it gives the offset of the wrong side.

The rules, as cron (cronie) has them:
- a time of day that does not exist (the spring-forward gap) runs at the first valid instant after it, the moment
  the clocks jump (02:30 New York on the spring-forward day runs at 03:00 EDT);
- a time of day that exists twice (the fall-back overlap) runs once, at its first occurrence.
*/

const minuteMs = 60_000;
const dayMs = 86_400_000;


const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at instant `at`, in ms (local = UTC + offset), read from Intl's wall clock for that instant. */
export function zoneOffset(zone: string, at: number): number {
	let format = formatters.get(zone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formatters.set(zone, format);
	}
	const part: Record<string, number> = {};
	for (const { type, value } of format.formatToParts(at)) part[type] = Number(value);
	const wall = Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!, part.second!);
	return wall - Math.floor(at / 1000) * 1000;
}

/** The host's zone: TZ when it names an IANA zone (`:Europe/Berlin` too), else what Intl resolved. */
export function systemTimeZone(env: NodeJS.ProcessEnv): string {
	const fromEnv = env.TZ?.replace(/^:/, '');
	if (fromEnv && isTimeZone(fromEnv) && !/^\//.test(fromEnv)) return fromEnv === 'UTC0' ? 'UTC' : fromEnv;
	return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The first run strictly after `after` (ms) of a job daily at `timeOfDay` (HH:MM) in `zone`. */
export function nextDailyRun(after: number, timeOfDay: string, zone: string): number {
	if (!timeOfDayPattern.test(timeOfDay)) throw new RangeError(`not a time of day: ${timeOfDay}`);
	const localToday = Date.parse(`${formatInTimeZone(after, zone, 'yyyy-MM-dd')}T00:00:00Z`);
	for (let i = 0; i <= 2; i++) {
		const date = new Date(localToday + i * dayMs).toISOString().slice(0, 10);
		const at = dailyOccurrence(date, timeOfDay, zone);
		if (at > after) return at;
	}
	throw new Error(`no run of ${timeOfDay} ${zone} found after ${new Date(after).toISOString()}`);
}

/** The instant a local date's `timeOfDay` happens in `zone` (see the rules above for gaps and overlaps). */
export function dailyOccurrence(date: string, timeOfDay: string, zone: string): number {
	const wall = Date.parse(`${date}T${timeOfDay}:00Z`);
	const before = zoneOffset(zone, wall - dayMs);
	const afterwards = zoneOffset(zone, wall + dayMs);
	const wanted = `${date} ${timeOfDay}`;
	const valid = [...new Set([before, afterwards])]
		.map((offset) => wall - offset)
		.filter((t) => formatInTimeZone(t, zone, 'yyyy-MM-dd HH:mm') === wanted)
		.sort((a, b) => a - b);
	if (valid.length > 0) return valid[0]!;
	// In the gap: the clocks jumped over this time. Run at the jump, found by bisection to the minute between the two
	// readings of the wall time (wall - afterwards is before the jump, wall - before is after it).
	let lo = Math.min(wall - afterwards, wall - before);
	let hi = Math.max(wall - afterwards, wall - before);
	while (hi - lo > minuteMs) {
		const mid = lo + Math.floor((hi - lo) / 2 / minuteMs) * minuteMs;
		if (zoneOffset(zone, mid) === afterwards) hi = mid;
		else lo = mid;
	}
	return hi;
}

/** The first run strictly after `after` of a job hourly at `minuteOfHour` past the hour, local time in `zone`. */
export function nextHourlyRun(after: number, minuteOfHour: number, zone: string): number {
	// Local minutes differ from UTC minutes by the offset (30 or 45 minutes in some zones), so walk the minutes.
	let t = Math.floor(after / minuteMs) * minuteMs + minuteMs;
	for (let i = 0; i < 3 * 60; i++, t += minuteMs) {
		const offsetMinutes = Math.round(zoneOffset(zone, t) / minuteMs);
		const local = (((Math.floor(t / minuteMs) + offsetMinutes) % 60) + 60) % 60;
		if (local === minuteOfHour) return t;
	}
	throw new Error(`no run at minute ${minuteOfHour} in ${zone} found after ${new Date(after).toISOString()}`);
}

/** `2026-03-08 03:00 EDT (America/New_York)`: a run time as the user reads it. */
export function formatInZone(at: number, zone: string): string {
	const local = formatInTimeZone(at, zone, 'yyyy-MM-dd HH:mm zzz');
	return local.endsWith(` ${zone}`) ? local : `${local} (${zone})`;
}
