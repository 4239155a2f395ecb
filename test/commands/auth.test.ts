import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmodSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { EU, US, useMsw } from '../helpers/msw.js';
import { isolatedEnv, runCli, tempDir } from '../helpers/run.js';

const server = useMsw();
const API_KEY = 'abcd1234apikey5678wxyz';
const SECRET = 'S3cr3t-s3cr3t-value-9f8e7d';
const basic = `Basic ${Buffer.from(`${API_KEY}:${SECRET}`).toString('base64')}`;
const cohorts = { cohorts: [{ id: 'c1', name: 'Buyers', size: 3, lastComputed: 1679440233, archived: false }] };

let home: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
beforeEach(() => {
	home = tempDir();
	env = isolatedEnv(home.path);
});
afterEach(() => home.cleanup());

const add = (label: string, extra: string[] = []) => runCli(['auth', 'add', label, ...extra], { env, stdin: `${API_KEY}\n${SECRET}\n` });

describe('auth add / list / remove', () => {
	it('stores an authorization read from stdin in a 0600 file, and lists it masked', async () => {
		const added = await add('prod', ['--description', 'Production project', '--region', 'eu']);
		expect(added.code).toBe(0);
		expect(added.stderr).toContain('saved authorization "prod" (eu, key abcd…wxyz)');
		const file = join(home.path, 'config', 'credentials.json');
		expect(statSync(file).mode & 0o777).toBe(0o600);

		const listed = await runCli(['auth', 'list'], { env });
		expect(listed.code).toBe(0);
		expect(listed.stdout).toMatch(/^LABEL\s+REGION\s+API KEY\s+DESCRIPTION\nprod\s+eu\s+abcd…wxyz\s+Production project\n$/);
		expect(listed.stdout + listed.stderr).not.toContain(SECRET);
		expect(listed.stdout + listed.stderr).not.toContain(API_KEY);

		const json = await runCli(['auth', 'list', '--json'], { env });
		expect(JSON.parse(json.stdout)).toEqual({ label: 'prod', region: 'eu', key: 'abcd…wxyz', description: 'Production project', source: 'stored' });

		expect((await runCli(['auth', 'remove', 'prod'], { env })).code).toBe(0);
		expect((await runCli(['auth', 'list', '--json'], { env })).stdout).toBe('');
	});

	it('refuses to overwrite without --force, and rejects bad labels and missing keys (exit 64)', async () => {
		await add('prod');
		const again = await add('prod');
		expect(again.code).toBe(64);
		expect(again.stderr).toContain('exists already');
		expect((await add('prod', ['--force'])).code).toBe(0);
		expect((await add('../evil')).code).toBe(64);
		const missing = await runCli(['auth', 'add', 'x'], { env, stdin: 'only-one-line\n' });
		expect(missing.code).toBe(64);
		expect((await runCli(['auth', 'remove', 'nope'], { env })).code).toBe(64);
	});

	it('takes keys from the environment with --from-env', async () => {
		const result = await runCli(['auth', 'add', 'ci', '--from-env'], { env: { ...env, AMPLITUDE_API_KEY: API_KEY, AMPLITUDE_SECRET_KEY: SECRET } });
		expect(result.code).toBe(0);
		expect(result.stderr).not.toContain(SECRET);
	});

	it('refuses a credentials file that group or others can read (exit 78)', async () => {
		await add('prod');
		const file = join(home.path, 'config', 'credentials.json');
		chmodSync(file, 0o644);
		const result = await runCli(['auth', 'list'], { env });
		expect(result.code).toBe(78);
		expect(result.stderr).toContain('readable by group or others (mode 644)');
		expect(result.stderr).toContain('chmod 600');
	});

	it('reports a corrupt credentials file as a config error', async () => {
		mkdirSync(join(home.path, 'config'), { recursive: true });
		writeFileSync(join(home.path, 'config', 'credentials.json'), '{not json', { mode: 0o600 });
		const result = await runCli(['auth', 'list'], { env });
		expect(result.code).toBe(78);
		expect(result.stderr).toContain('is not valid JSON');
	});
});

describe('auth test', () => {
	it('checks the stored credentials against GET /api/3/cohorts with Basic auth and a User-Agent', async () => {
		await add('prod');
		let seen: Request | undefined;
		server.use(http.get(`${US}/api/3/cohorts`, ({ request }) => {
			seen = request;
			return HttpResponse.json(cohorts);
		}));
		const result = await runCli(['auth', 'test', 'prod'], { env });
		expect(result.code).toBe(0);
		expect(result.stdout).toBe('ok prod region=us host=https://amplitude.com cohorts=1\n');
		expect(seen?.headers.get('authorization')).toBe(basic);
		expect(seen?.headers.get('user-agent')).toMatch(/^amp-import\/\d+\.\d+\.\d+/);
	});

	it('uses the EU host for an EU authorization', async () => {
		await add('eu-project', ['--region', 'eu']);
		server.use(http.get(`${EU}/api/3/cohorts`, () => HttpResponse.json(cohorts)));
		const result = await runCli(['auth', 'test'], { env });
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('region=eu host=https://analytics.eu.amplitude.com');
	});

	it.each([
		[401, 'Amplitude rejected the credentials'],
		[403, 'invalid API key or secret key, or the wrong region'],
	])('turns %i into ERR_AMP_AUTH, exit 77, with the region hint, without retrying', async (status, text) => {
		await add('prod');
		let calls = 0;
		server.use(http.get(`${US}/api/3/cohorts`, () => {
			calls++;
			return HttpResponse.json({ error: { metadata: { details: 'Invalid API Key' } } }, { status });
		}));
		const result = await runCli(['auth', 'test', 'prod'], { env });
		expect(result.code).toBe(77);
		expect(calls).toBe(1);
		expect(result.stderr).toContain('ERR_AMP_AUTH');
		expect(result.stderr).toContain(text);
		expect(result.stderr).toContain('EU data center');
		expect(result.stdout).toBe('');
	});

	it('retries a 5xx and a 429 (honouring Retry-After) and then succeeds', async () => {
		await add('prod');
		const answers = [
			() => new HttpResponse('bad gateway', { status: 502 }),
			() => new HttpResponse('slow down', { status: 429, headers: { 'Retry-After': '0' } }),
			() => HttpResponse.json(cohorts),
		];
		let calls = 0;
		server.use(http.get(`${US}/api/3/cohorts`, () => answers[calls++]!()));
		const result = await runCli(['auth', 'test', 'prod'], { env });
		expect(result.code).toBe(0);
		expect(calls).toBe(3);
		expect(result.stderr).toContain('HTTP 502; retry 1 of 5');
		expect(result.stderr).toContain('HTTP 429; retry 2 of 5');
	});

	it('gives up after the retry limit with exit 69 on persistent 5xx, and 75 on persistent 429', async () => {
		await add('prod');
		let calls = 0;
		server.use(http.get(`${US}/api/3/cohorts`, () => {
			calls++;
			return new HttpResponse('oops', { status: 503 });
		}));
		const failed = await runCli(['auth', 'test', 'prod'], { env });
		expect(failed.code).toBe(69);
		expect(calls).toBe(6);
		expect(failed.stderr).toContain('server error and retries are exhausted (HTTP 503)');
		server.use(http.get(`${US}/api/3/cohorts`, () => new HttpResponse('', { status: 429 })));
		expect((await runCli(['auth', 'test', 'prod'], { env })).code).toBe(75);
	});

	it('reports a network failure (connection refused on 127.0.0.1) with exit 69 after retrying', async () => {
		await add('prod');
		const port = await closedPort();
		const result = await runCli(['auth', 'test', 'prod'], { env: { ...env, AMPLITUDE_BASE_URL: `http://127.0.0.1:${port}` } });
		expect(result.code).toBe(69);
		expect(result.stderr).toContain('cannot reach 127.0.0.1');
		expect(result.stderr).toContain('ECONNREFUSED');
		expect(result.stderr).toContain('retry 5 of 5');
	});

	it('prefers AMPLITUDE_API_KEY/AMPLITUDE_SECRET_KEY over stored authorizations, and --auth over both', async () => {
		await add('prod');
		const seen: string[] = [];
		server.use(http.get(`${US}/api/3/cohorts`, ({ request }) => {
			seen.push(request.headers.get('authorization') ?? '');
			return HttpResponse.json(cohorts);
		}));
		const envKeys = { ...env, AMPLITUDE_API_KEY: 'env-key-123456', AMPLITUDE_SECRET_KEY: 'env-secret-123456' };
		expect((await runCli(['auth', 'test'], { env: envKeys })).stdout).toContain('ok env ');
		expect((await runCli(['--auth', 'prod', 'auth', 'test'], { env: envKeys })).stdout).toContain('ok prod ');
		expect(seen).toEqual([`Basic ${Buffer.from('env-key-123456:env-secret-123456').toString('base64')}`, basic]);
	});

	it('explains what to do when there are no credentials, or an unknown label (exit 78)', async () => {
		const none = await runCli(['auth', 'test'], { env });
		expect(none.code).toBe(78);
		expect(none.stderr).toContain('no Amplitude credentials');
		await add('prod');
		const unknown = await runCli(['auth', 'test', 'staging'], { env });
		expect(unknown.code).toBe(78);
		expect(unknown.stderr).toContain('Stored authorizations: prod.');
	});
});

function closedPort(): Promise<number> {
	return new Promise((resolve) => {
		const s = createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => resolve(port));
		});
	});
}
