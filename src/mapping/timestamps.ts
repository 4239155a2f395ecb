import type { LineBuffer } from '../bytes/line-buffer.js';
import { char } from '../bytes/chars.js';

/**
Amplitude timestamps. Real exports use `YYYY-MM-DD HH:MM:SS.ffffff` (space, six digits, UTC, no zone); the docs show a
`T` variant and other importers have seen no fraction. We accept all of those (0–9 fraction digits, optional `Z`)
and produce either RFC 3339 UTC with microseconds, or the exact layout that Lytics' todate() needs.
*/

const pattern = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{0,9}))?(?:Z|\+00:?00)?$/;
const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export interface TimestampParts {
	date: string; // YYYY-MM-DD
	time: string; // HH:MM:SS
	micros: string; // exactly six digits
}

/** Splits a timestamp into validated parts, or undefined when it is not a real UTC instant in a known layout. */
export function parseAmplitudeTimestamp(value: string): TimestampParts | undefined {
	const m = pattern.exec(value);
	if (!m) return undefined;
	if (!isRealInstant(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))) return undefined;
	const fraction = m[7] ?? '';
	const micros = fraction.length >= 6 ? fraction.slice(0, 6) : fraction.padEnd(6, '0');
	return { date: `${m[1]}-${m[2]}-${m[3]}`, time: `${m[4]}:${m[5]}:${m[6]}`, micros };
}

/** A calendar date (leap years included) and a time of day with no leap second. */
function isRealInstant(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
	if (month < 1 || month > 12 || day < 1) return false;
	const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
	return day <= daysInMonth[month - 1]! + (leap ? 1 : 0) && hour <= 23 && minute <= 59 && second <= 59;
}

const digitPositions = Uint8Array.of(0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22, 23, 24, 25);

/** The number written by the two digits at `b[at]` (checked to be digits by the caller). */
function twoDigits(b: Uint8Array, at: number): number {
	return (b[at]! - 48) * 10 + b[at + 1]! - 48;
}

/**
True when `value` is exactly the export's own layout, `YYYY-MM-DD HH:MM:SS.ffffff`, and a real instant. Nearly every
timestamp is; checking it by character codes, with no regex, makes the common case cheap.
*/
export function isExportLayout(value: string): boolean {
	// As UTF-8 into a scratch buffer: anything but 26 ASCII characters is not the layout.
	return value.length === exportLayoutLength && scratch.write(value, 'utf8') === exportLayoutLength && isExportLayoutAt(scratch, 0);
}

/** The length of `YYYY-MM-DD HH:MM:SS.ffffff`. */
export const exportLayoutLength = 26;
const scratch = Buffer.alloc(exportLayoutLength * 3); // room for any 26 characters, so write() returns their full UTF-8 length

/** isExportLayout for a string's text `b[start, end)` (no escapes): the scanned path. */
export function isExportLayoutRange(b: Uint8Array, start: number, end: number): boolean {
	return end - start === exportLayoutLength && isExportLayoutAt(b, start);
}

/**
toRfc3339 of an export-layout timestamp, on bytes: `2026-10-01 05:07:09.123456` becomes `"2026-10-01T05:07:09.123456Z"`
(quotes included), the space replaced and a Z appended. `b[start]` must be isExportLayoutRange.
*/
export function writeRfc3339FromExportLayout(b: Buffer, start: number, out: LineBuffer): void {
	out.writeByte(char.quote);
	out.writeRange(b, start, start + 10);
	out.writeByte(char.upperT);
	out.writeRange(b, start + 11, start + exportLayoutLength);
	out.writeByte(char.upperZ);
	out.writeByte(char.quote);
}

/** isExportLayout for the 26 bytes at `b[at]` (a string's text, with no escapes): the scanned path. */
export function isExportLayoutAt(b: Uint8Array, at: number): boolean {
	if (b[at + 4] !== char.minus || b[at + 7] !== char.minus || b[at + 10] !== char.space || b[at + 13] !== char.colon || b[at + 16] !== char.colon || b[at + 19] !== char.dot) return false;
	for (let k = 0; k < digitPositions.length; k++) {
		const d = b[at + digitPositions[k]!]! - 48;
		if (d < 0 || d > 9) return false;
	}
	return isRealInstant(twoDigits(b, at) * 100 + twoDigits(b, at + 2), twoDigits(b, at + 5), twoDigits(b, at + 8), twoDigits(b, at + 11), twoDigits(b, at + 14), twoDigits(b, at + 17));
}

/** `2023-01-01 19:02:52.749` → `2023-01-01T19:02:52.749000Z`. */
export function toRfc3339(value: string): string | undefined {
	if (isExportLayout(value)) return `${value.slice(0, 10)}T${value.slice(11)}Z`;
	const p = parseAmplitudeTimestamp(value);
	return p && `${p.date}T${p.time}.${p.micros}Z`;
}

/** `2023-01-01T19:02:52.7Z` → `2023-01-01 19:02:52.700000`, the layout `2006-01-02 15:04:05.000000` parses. */
export function toLyticsLayout(value: string): string | undefined {
	if (isExportLayout(value)) return value;
	const p = parseAmplitudeTimestamp(value);
	return p && `${p.date} ${p.time}.${p.micros}`;
}

/**
Cohort times (`lastComputed`) are epoch integers whose unit the docs never state: Amplitude's samples use seconds,
third-party docs show milliseconds. Anything below 10^11 is taken as seconds (10^11 s is the year 5138; 10^11 ms
is 1973), and the result is RFC 3339 UTC.
*/
export function epochToRfc3339(value: number): string | undefined {
	return epochToDate(value)?.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The same to the second, for people (`cohorts list`): `2023-03-21T23:10:33Z`. */
export function epochToRfc3339Seconds(value: number): string | undefined {
	const date = epochToDate(value);
	return date && `${date.toISOString().slice(0, 19)}Z`;
}

/** A cohort's epoch time (seconds or milliseconds, as above) as a Date. */
export function epochToDate(value: number): Date | undefined {
	if (!Number.isFinite(value) || value < 0) return undefined;
	const date = new Date(Math.round(value < 1e11 ? value * 1000 : value));
	return Number.isNaN(date.getTime()) ? undefined : date;
}
