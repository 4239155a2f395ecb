import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
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

/** Stores keys without the checking call (the tests of that call are below). */
const add = (label: string, extra: string[] = []) => runCli(['auth', 'add', label, '--no-verify', ...extra], { env, stdin: `${API_KEY}\n${SECRET}\n` });

describe('auth add / list / remove', () => {
	it('stores an authorization read from stdin in a 0600 file, and lists it masked', async () => {
		const added = await add('prod', ['--description', 'Production project', '--region', 'eu']);
		expect(added.code).toBe(0);
		expect(added.stderr).toContain('saved authorization "prod" (eu, key abcd…wxyz)');
		const file = join(home.path, 'config', 'credentials.json');
		expect(statSync(file).mode & 0o777).toBe(0o600);

		const listed = await runCli(['auth', 'list'], { env });
		expect(listed.code).toBe(0);
		expect(listed.stdout).toMatch(/^LABEL\s+FOR\s+REGION\s+KEY\s+DESCRIPTION\nprod\s+amplitude\s+eu\s+abcd…wxyz\s+Production project\n$/);
		expect(listed.stdout + listed.stderr).not.toContain(SECRET);
		expect(listed.stdout + listed.stderr).not.toContain(API_KEY);

		const json = await runCli(['auth', 'list', '--json'], { env });
		expect(JSON.parse(json.stdout)).toEqual({ label: 'prod', for: 'amplitude', region: 'eu', key: 'abcd…wxyz', description: 'Production project', source: 'stored' });

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
		const result = await runCli(['auth', 'add', 'ci', '--from-env', '--no-verify'], { env: { ...env, AMPLITUDE_API_KEY: API_KEY, AMPLITUDE_SECRET_KEY: SECRET } });
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

describe('auth add checks before it saves', () => {
	const typed = (args: string[], stdin = `${API_KEY}\n${SECRET}\n`) => runCli(['auth', 'add', ...args], { env, stdin });
	const file = () => join(home.path, 'config', 'credentials.json');

	it('verifies the keys with one call on the region\'s host, and saves only keys that work', async () => {
		let calls = 0;
		server.use(http.get(`${US}/api/3/cohorts`, ({ request }) => {
			calls++;
			return request.headers.get('authorization') === basic ? HttpResponse.json(cohorts) : HttpResponse.json({}, { status: 401 });
		}));
		const refused = await typed(['prod'], `${API_KEY}\nwrong-secret-value\n`);
		expect(refused.code).toBe(77);
		expect(refused.stderr).toMatch(/error ERR_AMP_AUTH not saved: list cohorts: Amplitude rejected the credentials \(HTTP 401 from amplitude.com\)/);
		expect(refused.stderr).toContain('add --no-verify');
		expect(existsSync(file())).toBe(false);
		const saved = await typed(['prod']);
		expect(saved.code).toBe(0);
		expect(saved.stderr).toContain('checked: amplitude.com accepted the keys (1 cohorts)');
		expect(calls).toBe(2);
		expect(existsSync(file())).toBe(true);
	});

	it('takes the region in any case (--region EU) and checks on the EU host', async () => {
		server.use(http.get(`${EU}/api/3/cohorts`, () => HttpResponse.json(cohorts)));
		const result = await typed(['eu-prod', '--region', 'EU']);
		expect(result.code).toBe(0);
		expect(result.stderr).toContain('saved authorization "eu-prod" (eu,');
		expect((await typed(['x', '--region', 'mars'])).code).toBe(64);
	});

	it('refuses a taken or malformed label before asking for any key', async () => {
		await add('prod');
		const taken = await typed(['prod'], '');
		expect(taken.code).toBe(64);
		expect(taken.stderr).toContain('an authorization named "prod" exists already');
		const bad = await typed(['../evil'], '');
		expect(bad.code).toBe(64);
		expect(bad.stderr).toContain('invalid label');
	});

	it('fails fast when Amplitude cannot be reached, and --no-verify saves anyway', async () => {
		const port = await closedPort();
		const offline = { ...env, AMPLITUDE_BASE_URL: `http://127.0.0.1:${port}` };
		const failed = await runCli(['auth', 'add', 'prod'], { env: offline, stdin: `${API_KEY}\n${SECRET}\n` });
		expect(failed.code).toBe(69);
		expect(failed.stderr).not.toContain('retry');
		expect(existsSync(file())).toBe(false);
		const saved = await runCli(['auth', 'add', 'prod', '--no-verify'], { env: offline, stdin: `${API_KEY}\n${SECRET}\n` });
		expect(saved.code).toBe(0);
		expect(saved.stderr).toContain('not checked (--no-verify)');
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
		[403, 'Amplitude refused access with these keys'],
	])('turns %i into ERR_AMP_AUTH, exit 77, naming the host and the other region, without retrying', async (status, text) => {
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
		expect(result.stderr).toContain(`${text} (HTTP ${status} from amplitude.com)`);
		expect(result.stderr).toContain('on amplitude.com (the US data center). If the project is in the EU data center, use `--region eu`');
		expect(result.stdout).toBe('');
	});

	it('suggests no other region when the host is a configured endpoint', async () => {
		await add('prod');
		server.use(http.get('https://amplitude-proxy.internal/api/3/cohorts', () => HttpResponse.json({}, { status: 401 })));
		const result = await runCli(['auth', 'test', 'prod'], { env: { ...env, AMPLITUDE_BASE_URL: 'https://amplitude-proxy.internal' } });
		expect(result.code).toBe(77);
		expect(result.stderr).toContain('amplitude-proxy.internal is the configured `endpoint`');
		expect(result.stderr).not.toContain('data center');
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
		expect(failed.stderr).toContain('server error and retries are exhausted (HTTP 503 from amplitude.com)');
		server.use(http.get(`${US}/api/3/cohorts`, () => new HttpResponse('', { status: 429 })));
		expect((await runCli(['auth', 'test', 'prod'], { env })).code).toBe(75);
	});

	it('fails fast on a refused connection (exit 69, no retries)', async () => {
		await add('prod');
		const port = await closedPort();
		const result = await runCli(['auth', 'test', 'prod'], { env: { ...env, AMPLITUDE_BASE_URL: `http://127.0.0.1:${port}` } });
		expect(result.code).toBe(69);
		expect(result.stderr).toContain('cannot reach 127.0.0.1');
		expect(result.stderr).toContain('ECONNREFUSED');
		expect(result.stderr).not.toContain('retry');
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
