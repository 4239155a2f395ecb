import { z } from 'zod/v3';
import { isTimeZone, timeOfDayPattern } from './zones.js';

/**
Schema building blocks whose messages read as what was expected. The formatter adds where the value came from and
what was found, giving lines like `events.backfillDays: expected an integer >= 0, got "ninety"`.
*/

export function integer(min: number, max?: number) {
	const error = max === undefined ? `expected an integer >= ${min}` : `expected an integer from ${min} to ${max}`;
	const base = z.number({ message: error }).int({ message: error }).min(min, { message: error });
	return max === undefined ? base : base.max(max, { message: error });
}

export function positiveNumber() {
	const error = 'expected a number > 0';
	return z.number({ message: error }).positive({ message: error });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
	return z.enum(values, { message: `expected one of ${values.map((v) => `"${v}"`).join(', ')}` });
}

/** `EU` or `eu`: a name people type either way, kept in lower case. */
export function oneOfAnyCase<const T extends readonly [string, ...string[]]>(values: T) {
	return z.preprocess((value) => (typeof value === 'string' ? value.toLowerCase() : value), oneOf(values));
}

export function text() {
	const error = 'expected a non-empty string';
	return z.string({ message: error }).min(1, { message: error });
}

export function flag() {
	return z.boolean({ message: 'expected true or false' });
}

export function listOf<const T extends readonly [string, ...string[]]>(values: T) {
	return z.array(oneOf(values), { message: 'expected a list' });
}

export function timeOfDay() {
	const error = 'expected a time of day as HH:MM (24-hour), such as 06:00';
	return z.string({ message: error }).regex(timeOfDayPattern, { message: error });
}

export function timeZone() {
	const error = 'expected an IANA time zone such as Europe/Berlin or America/New_York';
	return z.string({ message: error }).refine(isTimeZone, { message: error });
}

/** A base URL: https anywhere, plain http only on loopback (a proxy on this host or a local fake of Amplitude). */
export function baseUrl() {
	return z.string({ message: 'expected a URL' }).superRefine((value, ctx) => {
		const problem = checkBaseUrl(value);
		if (problem) ctx.addIssue({ code: 'custom', message: problem });
	});
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
	return loopbackHosts.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

export function checkBaseUrl(value: string): string | undefined {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return 'expected an absolute URL such as https://amplitude.com';
	}
	if (url.username || url.password) return 'expected a URL without user:password (credentials come from `auth`)';
	if (url.protocol === 'https:') return undefined;
	if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
	if (url.protocol === 'http:') return 'expected https (plain http is accepted only for loopback hosts such as 127.0.0.1)';
	return 'expected an http(s) URL';
}
