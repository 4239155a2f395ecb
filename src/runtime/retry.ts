import type { RetryObject } from 'got';

export interface RetryPolicy {
	/** Retries after the first attempt. */
	retries: number;
	/** Total milliseconds one call may spend waiting between attempts. */
	maxTotalMs: number;
	/** First backoff; doubles each attempt. Tests set it to 1. */
	baseMs: number;
	maxDelayMs: number;
	random?: () => number;
}

/**
Exponential backoff with equal jitter (half fixed, half random), so many cron jobs that fail together do not retry
together. Retry-After wins when Amplitude sends it.
*/
export function backoffMs(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
	if (retryAfterMs !== undefined && retryAfterMs > 0) return retryAfterMs;
	const exp = Math.min(policy.baseMs * 2 ** (attempt - 1), policy.maxDelayMs);
	return Math.round(exp / 2 + (policy.random ?? Math.random)() * (exp / 2));
}

/**
A got `calculateDelay` with a budget: got decides *whether* a failure is retryable (status, error code, method,
limit); this decides *how long*, and stops once the call's total waiting would pass `maxTotalMs`. One per request,
so the budget is per call.
*/
export function retryDelayFunction(policy: RetryPolicy, onRetry?: (attempt: number, error: Error, delayMs: number) => void) {
	let waited = 0;
	return ({ attemptCount, computedValue, retryAfter, error }: RetryObject): number => {
		if (computedValue === 0) return 0;
		const delay = backoffMs(attemptCount, policy, retryAfter);
		if (waited + delay > policy.maxTotalMs) return 0;
		waited += delay;
		onRetry?.(attemptCount, error, delay);
		return Math.max(delay, 1); // 0 would mean "do not retry" to got
	};
}
