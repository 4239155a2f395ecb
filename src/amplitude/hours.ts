import { usageError } from '../errors.js';

/**
Hour arithmetic for the Export API. An hour is the epoch milliseconds of its start, in UTC. The API's `start` and
`end` are both inclusive and refer to `server_upload_time` hours, formatted `YYYYMMDDTHH`.
*/

export const HOUR_MS = 3_600_000;

export const floorHour = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;
export const addHours = (hour: number, n: number): number => hour + n * HOUR_MS;
export const hoursBetween = (first: number, last: number): number => (last - first) / HOUR_MS + 1;

/** `20261001T05`, the Export API's parameter format. */
export function exportHour(hour: number): string {
	const iso = new Date(hour).toISOString();
	return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}`;
}

/** `2026-10-01T05`, the form amp-import prints, stores and accepts. */
export function isoHour(hour: number): string {
	return new Date(hour).toISOString().slice(0, 13);
}

/**
Parses a user's hour: `2026-10-01T05` (also `2026-10-01T05:00`, `20261001T05`), or a bare date `2026-10-01`, which
means its first hour as a start and its last hour as an end.
*/
export function parseHourArgument(value: string, role: 'start' | 'end', flag: string): number {
	const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2})$/.exec(value);
	const normalised = compact ? `${compact[1]}-${compact[2]}-${compact[3]}T${compact[4]}` : value;
	const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2})(?::00(?::00)?)?Z?)?$/.exec(normalised);
	const date = m && Date.parse(`${m[1]}T${m[2] ?? '00'}:00:00Z`);
	if (!m || date === null || Number.isNaN(date) || new Date(date).toISOString().slice(0, 10) !== m[1] || Number(m[2] ?? 0) > 23) {
		throw usageError(`${flag}: expected an hour like 2026-10-01T05 or a date like 2026-10-01, got "${value}"`);
	}
	return m[2] === undefined && role === 'end' ? addHours(date, 23) : date;
}

/** The newest hour the Export API can serve completely: floor(now) minus the lag (an hour is ready ~2 h after it ends). */
export function newestExportableHour(now: Date, lagHours: number): number {
	return addHours(floorHour(now.getTime()), -lagHours);
}
