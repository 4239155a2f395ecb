import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load.js';
import { AmpImportError } from '../../src/errors.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/config/${name}`, import.meta.url));

async function configError(promise: Promise<unknown>): Promise<AmpImportError> {
	const error = await promise.then(() => undefined, (e: unknown) => e);
	expect(error).toBeInstanceOf(AmpImportError);
	return error as AmpImportError;
}

describe('config discovery', () => {
	it.each(['json', 'yaml', 'rc-noext', 'mjs', 'cjs', 'package-json'])('finds and reads %s', async (name) => {
		const { config, filepath } = await loadConfig({ cwd: fixture(name), env: {} });
		expect(filepath).toContain(`fixtures/config/${name}/`);
		expect(config.region).toBe('eu');
		expect(config.events.backfillDays).toBe(7);
	});

	it('fills every default when there is no file', async () => {
		const { config, filepath } = await loadConfig({ cwd: fixture('empty'), env: {} });
		expect(filepath).toMatch(/empty\/\.amp-importrc\.json$/);
		expect(config.events).toMatchObject({ backfillDays: 90, lagHours: 3, windowHours: 24, shape: 'mapped', onBadRecord: 'fail' });
		expect(config.http).toMatchObject({ retries: 5, timeoutSeconds: 600 });
		expect(config.region).toBeUndefined();
	});

	it('loads an explicit --config path and fails clearly when it does not exist', async () => {
		const { config } = await loadConfig({ cwd: '/', env: {}, configPath: `${fixture('yaml')}/.amp-importrc.yaml` });
		expect(config.region).toBe('eu');
		const error = await configError(loadConfig({ cwd: '/', env: {}, configPath: '/nonexistent/amp.json' }));
		expect(error.exitCode).toBe(78);
		expect(error.message).toContain('file not found');
	});
});

describe('precedence: defaults < file < environment < flags', () => {
	it('lets the environment override the file, and flags override both', async () => {
		const base = await loadConfig({ cwd: fixture('json'), env: {} });
		expect(base.config.events.windowHours).toBe(6);
		const withEnv = await loadConfig({ cwd: fixture('json'), env: { AMPLITUDE_REGION: 'us', AMP_IMPORT_STATE_DIR: '/var/lib/amp' } });
		expect(withEnv.config.region).toBe('us');
		expect(withEnv.config.stateDir).toBe('/var/lib/amp');
		const withFlags = await loadConfig({
			cwd: fixture('json'),
			env: { AMPLITUDE_REGION: 'us' },
			flags: [{ path: 'region', flag: '--region', value: 'eu' }, { path: 'events.backfillDays', flag: '--backfill-days', value: 0 }],
		});
		expect(withFlags.config.region).toBe('eu');
		expect(withFlags.config.events.backfillDays).toBe(0);
		expect(withFlags.config.events.windowHours).toBe(6); // untouched keys keep the file's value
	});
});

describe('validation', () => {
	it('reports every problem at once, with path, expectation and the value found; exit 78', async () => {
		const error = await configError(loadConfig({ cwd: fixture('invalid'), env: {} }));
		expect(error.exitCode).toBe(78);
		expect(error.code).toBe('ERR_AMP_CONFIG');
		expect(error.message).toMatch(/invalid configuration in .*invalid\/\.amp-importrc\.json: 6 problems/);
		expect(error.details).toEqual(
			expect.arrayContaining([
				'region: expected one of "us", "eu", got "de"',
				'endpoint: expected https (plain http is accepted only for loopback hosts such as 127.0.0.1), got "http://amplitude.example.com"',
				'http.retries: expected an integer from 0 to 20, got -1',
				'events.backfillDays: expected an integer from 0 to 3650, got "ninety"',
				'events.windowHours: expected an integer from 1 to 8760, got 0',
				'events.shape: expected one of "mapped", "raw", got "flat"',
			]),
		);
	});

	it('reports unknown keys with a suggestion, and never echoes their values', async () => {
		const error = await configError(loadConfig({ cwd: fixture('typo'), env: {} }));
		expect(error.details).toEqual(
			expect.arrayContaining([
				'regoin: unknown key (did you mean "region"?)',
				'events.backfilDays: unknown key (did you mean "backfillDays"?)',
				'secretKey: unknown key',
			]),
		);
		expect(JSON.stringify(error.details)).not.toContain('do-not-put-secrets-here');
	});

	it('names the environment variable or flag a bad value came from', async () => {
		const error = await configError(
			loadConfig({ cwd: fixture('empty'), env: { AMPLITUDE_REGION: 'mars' }, flags: [{ path: 'events.lagHours', flag: '--lag-hours', value: 1 }] }),
		);
		expect(error.details).toEqual([
			'region (from AMPLITUDE_REGION): expected one of "us", "eu", got "mars"',
			'events.lagHours (from --lag-hours): expected an integer from 2 to 168, got 1',
		]);
	});

	it('checks the Keep Updated time of day and time zone; bad flag values are a usage error (64) on one line', async () => {
		const error = await configError(
			loadConfig({
				cwd: fixture('empty'),
				env: {},
				flags: [
					{ path: 'cohorts.timeOfDay', flag: '--time', value: '6:00' },
					{ path: 'cohorts.timezone', flag: '--zone', value: 'Europe/Berlim' },
				],
			}),
		);
		expect(error.exitCode).toBe(64);
		expect(error.message).toBe(
			'cohorts.timeOfDay (from --time): expected a time of day as HH:MM (24-hour), such as 06:00, got "6:00"; ' +
				'cohorts.timezone (from --zone): expected an IANA time zone such as Europe/Berlin or America/New_York, got "Europe/Berlim"',
		);
		const fromFile = await configError(loadConfig({ cwd: fixture('empty'), env: { AMPLITUDE_REGION: 'mars' }, flags: [{ path: 'events.windowHours', flag: '--window-hours', value: 0 }] }));
		expect(fromFile.exitCode).toBe(78); // one value came from the environment: config
		expect(fromFile.details).toHaveLength(2);
		const { config } = await loadConfig({ cwd: fixture('empty'), env: {} });
		expect(config.cohorts.timeOfDay).toBe('06:00');
		expect(config.cohorts.timezone).toBeUndefined();
		expect(config.events.minuteOfHour).toBe(15);
	});

	it('accepts plain http only for loopback endpoints', async () => {
		for (const endpoint of ['http://127.0.0.1:8080', 'http://localhost:9', 'http://[::1]:80', 'https://proxy.example.com/amp']) {
			const { config } = await loadConfig({ cwd: fixture('empty'), env: { AMPLITUDE_BASE_URL: endpoint } });
			expect(config.endpoint).toBe(endpoint);
		}
		const error = await configError(loadConfig({ cwd: fixture('empty'), env: { AMPLITUDE_BASE_URL: 'https://user:pw@proxy.example.com' } }));
		expect(error.details[0]).toContain('without user:password');
	});
});
