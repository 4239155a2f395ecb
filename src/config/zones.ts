/** Time-of-day and zone checks for the config schema (kept apart from next-run.ts, which loads date-fns-tz). */

export const timeOfDayPattern = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}
