import type { ErrorKind } from '../errors.js';

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

const regionHint =
	'Check the API key and secret key of the project (Amplitude → Settings → Projects). A project in the EU data ' +
	'center answers like this on the US host: set `region: eu` on the authorization or in the config.';

export const statusPolicy: Record<number, StatusRule> = {
	400: { retry: false, kind: 'usage', message: 'Amplitude rejected the request as invalid', hint: 'Check the command arguments (ids, dates).' },
	401: { retry: false, kind: 'auth', message: 'Amplitude rejected the credentials', hint: regionHint },
	403: { retry: false, kind: 'auth', message: 'Amplitude refused access: invalid API key or secret key, or the wrong region', hint: regionHint },
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
