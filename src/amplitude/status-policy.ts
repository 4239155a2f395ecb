import type { ErrorKind } from '../errors.js';
import type { Region } from '../config/schema.js';
import { regionHosts } from './hosts.js';

/**
What each HTTP status from Amplitude means, defined once (Airbyte's error_handler as a table). `retry` statuses are
retried with backoff first; `kind` is what the failure becomes when retries are exhausted or not allowed.
Endpoint-specific meanings (the Export API's 400, 404 and 504) are handled by that endpoint before this table.
*/
export interface StatusRule {
	retry: boolean;
	kind: ErrorKind;
	message: string;
	hint: string;
}

const regionHint = 'Check the API key and secret key (Amplitude: Settings → Organization settings → Projects → General).';

/**
The 401/403 hint: which host refused, and the other data center only when the host is one of Amplitude's own (a
project's keys work on its region's host only; a custom `endpoint` is not a region question).
*/
export function authHint(host: string | undefined): string {
	const keys = regionHint.replace(/\.$/, '');
	if (!host) return `${keys}.`;
	const region = (Object.keys(regionHosts) as Region[]).find((r) => new URL(regionHosts[r]).host === host);
	if (!region) return `${keys}; ${host} is the configured \`endpoint\`.`;
	const other: Region = region === 'us' ? 'eu' : 'us';
	return `${keys} for the project on ${host} (the ${region.toUpperCase()} data center). If the project is in the ${other.toUpperCase()} data center, use \`--region ${other}\` on \`auth add\` or \`region: ${other}\` in the config.`;
}

export const statusPolicy: Record<number, StatusRule> = {
	400: { retry: false, kind: 'usage', message: 'Amplitude rejected the request as invalid', hint: 'Check the command arguments (ids, dates).' },
	401: { retry: false, kind: 'auth', message: 'Amplitude rejected the credentials', hint: regionHint },
	403: { retry: false, kind: 'auth', message: 'Amplitude refused access with these keys', hint: regionHint },
	404: { retry: false, kind: 'usage', message: 'Amplitude has no such resource', hint: 'Check the id you asked for.' },
	408: { retry: true, kind: 'transient', message: 'Amplitude timed out the request', hint: 'Safe to rerun later.' },
	429: { retry: true, kind: 'rate-limited', message: 'Amplitude rate limit exceeded and retries are exhausted', hint: 'Amplitude allows 5 concurrent requests per project; rerun later or lower concurrency.' },
};

const serverError: StatusRule = {
	retry: true,
	kind: 'unavailable',
	message: 'Amplitude answered with a server error and retries are exhausted',
	hint: 'Amplitude may be having an outage (status.amplitude.com); rerun later.',
};

const otherClientError: StatusRule = {
	retry: false,
	kind: 'unavailable',
	message: 'Amplitude answered with an unexpected status',
	hint: 'Rerun with --verbose and report it if it persists.',
};

export function ruleFor(status: number): StatusRule {
	return statusPolicy[status] ?? (status >= 500 ? serverError : otherClientError);
}

/** Statuses got may retry: the table's retry rows and every 5xx. */
export const retryableStatuses = [
	...Object.entries(statusPolicy).filter(([, rule]) => rule.retry).map(([status]) => Number(status)),
	500, 502, 503, 504, 520, 521, 522, 524,
];
