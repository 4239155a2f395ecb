import { describe, expect, it } from '@jest/globals';
import type { RetryObject } from 'got';
import { backoffMs, retryDelayFunction, type RetryPolicy } from '../../src/runtime/retry.js';
import { retryableStatuses, ruleFor } from '../../src/amplitude/status-policy.js';
import { AmpImportError, ExitCode } from '../../src/errors.js';

const policy: RetryPolicy = { retries: 5, maxTotalMs: 10_000, baseMs: 1000, maxDelayMs: 8000, random: () => 0.5 };
const attempt = (attemptCount: number, computedValue = 1000, retryAfter?: number) =>
	({ attemptCount, computedValue, retryAfter, error: new Error('x'), retryOptions: {} }) as unknown as RetryObject;

describe('backoff', () => {
	it('doubles from the base with equal jitter and stops growing at the cap', () => {
		expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy))).toEqual([750, 1500, 3000, 6000, 6000]);
		expect(backoffMs(1, { ...policy, random: () => 0 })).toBe(500);
		expect(backoffMs(1, { ...policy, random: () => 1 })).toBe(1000);
	});

	it('uses Retry-After when the server sends one', () => {
		expect(backoffMs(1, policy, 4200)).toBe(4200);
	});

	it('never retries what got ruled out, and stops when the total budget would be exceeded', () => {
		const delay = retryDelayFunction(policy);
		expect(delay(attempt(1, 0))).toBe(0);
		expect(delay(attempt(1))).toBe(750);
		expect(delay(attempt(2))).toBe(1500);
		expect(delay(attempt(3))).toBe(3000);
		expect(delay(attempt(4))).toBe(0); // 750 + 1500 + 3000 + 6000 > 10 000
	});

	it('counts Retry-After against the budget', () => {
		const delay = retryDelayFunction(policy);
		expect(delay(attempt(1, 1000, 9000))).toBe(9000);
		expect(delay(attempt(2, 1000, 2000))).toBe(0);
	});
});

describe('status policy', () => {
	it.each([
		[400, false, 'usage', ExitCode.usage],
		[401, false, 'auth', ExitCode.noPermission],
		[403, false, 'auth', ExitCode.noPermission],
		[404, false, 'usage', ExitCode.usage],
		[408, true, 'transient', ExitCode.tempFail],
		[429, true, 'rate-limited', ExitCode.tempFail],
		[500, true, 'unavailable', ExitCode.unavailable],
		[502, true, 'unavailable', ExitCode.unavailable],
		[503, true, 'unavailable', ExitCode.unavailable],
		[418, false, 'unavailable', ExitCode.unavailable],
	] as const)('HTTP %i: retry=%s, then %s (exit %i)', (status, retry, kind, exitCode) => {
		const rule = ruleFor(status);
		expect(rule.retry).toBe(retry);
		expect(rule.kind).toBe(kind);
		expect(new AmpImportError(rule.kind, 'x').exitCode).toBe(exitCode);
		expect(retryableStatuses.includes(status)).toBe(retry);
	});
});

describe('error taxonomy', () => {
	it.each([
		['usage', 'ERR_AMP_USAGE', 64],
		['data', 'ERR_AMP_DATA', 65],
		['unavailable', 'ERR_AMP_UNAVAILABLE', 69],
		['export-too-large', 'ERR_AMP_EXPORT_TOO_LARGE', 69],
		['internal', 'ERR_AMP_INTERNAL', 70],
		['transient', 'ERR_AMP_TRANSIENT', 75],
		['lock-held', 'ERR_AMP_LOCKED', 75],
		['rate-limited', 'ERR_AMP_RATE_LIMITED', 75],
		['auth', 'ERR_AMP_AUTH', 77],
		['config', 'ERR_AMP_CONFIG', 78],
		['interrupted', 'ERR_AMP_INTERRUPTED', 130],
	] as const)('%s → %s, exit %i', (kind, code, exitCode) => {
		const error = new AmpImportError(kind, 'message');
		expect(error.code).toBe(code);
		expect(error.exitCode).toBe(exitCode);
	});

	it('lets SIGTERM override the interrupted exit code', () => {
		expect(new AmpImportError('interrupted', 'x', { exitCode: 143 }).exitCode).toBe(143);
	});
});
