import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { isolatedEnv, runCli, tempDir } from '../helpers/run.js';
import { startFakeLytics } from '../helpers/fake-lytics.js';

/*
`amp-import doctor` against a real local Amplitude stand-in (HTTP on 127.0.0.1: no DNS, no TLS to check), with one
thing broken at a time.
*/

const API_KEY = 'doctor-api-key-1234';
const SECRET = 'doctor-secret-key-5678';
const basic = `Basic ${Buffer.from(`${API_KEY}:${SECRET}`).toString('base64')}`;

let server: Server;
let url: string;
beforeAll(async () => {
	server = createServer((request, response) => {
		if (request.method === 'HEAD') return void response.end();
		if (request.url === '/api/3/cohorts') {
			const ok = request.headers.authorization === basic;
			response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
			return void response.end(ok ? '{"cohorts":[{"id":"c1","name":"Buyers"}]}' : '{"error":"Invalid API Key"}');
		}
		response.writeHead(404).end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let home: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
beforeEach(async () => {
	home = tempDir();
	env = isolatedEnv(home.path, { AMPLITUDE_BASE_URL: url });
	const added = await runCli(['auth', 'add', 'prod', '--no-verify'], { env, stdin: `${API_KEY}\n${SECRET}\n` });
	expect(added.code).toBe(0);
});
afterEach(() => home.cleanup());

const doctor = (extra: Record<string, string | undefined> = {}, now?: Date) => runCli(['doctor'], { env: { ...env, ...extra }, now });
const line = (stdout: string, check: string) => stdout.split('\n').find((l) => l.slice(6).startsWith(`${check} `)) ?? '';

describe('doctor', () => {
	it('prints a line per check and exits 0 when nothing is broken', async () => {
		const result = await doctor();
		expect(result.code).toBe(0);
		const checks = result.stdout.split('\n').filter((l) => /^(ok|warn|FAIL|skip) /.test(l)).map((l) => l.slice(6, 17).trim());
		expect(checks).toEqual(['node', 'config', 'credentials', 'auth', 'state dir', 'temp dir', 'clock', 'dns', 'tls', 'api', 'lytics']);
		expect(line(result.stdout, 'lytics')).toBe('skip  lytics       no Lytics token stored or set (needed only for -o lytics:)');
		expect(line(result.stdout, 'credentials')).toMatch(/^ok {4}credentials {2}\/.*credentials\.json \(mode 600, 1 authorization\)$/);
		expect(line(result.stdout, 'auth')).toContain(`prod: us, key doct…1234, host ${url}`);
		expect(line(result.stdout, 'state dir')).toMatch(/writable, [\d.]+ [kMGT]?B free/);
		expect(line(result.stdout, 'clock')).toMatch(/^ok {4}clock {8}within 2 s of 127\.0\.0\.1:\d+$/);
		expect(line(result.stdout, 'dns')).toMatch(/^skip  dns {10}127\.0\.0\.1 is an address$/);
		expect(line(result.stdout, 'tls')).toMatch(/^skip  tls {10}http:\/\/127\.0\.0\.1:\d+ is not https$/);
		expect(line(result.stdout, 'api')).toMatch(/^ok {4}api .*the keys work \(1 cohorts\)$/);
		expect(result.stdout).toMatch(/\n\d+ of 11 checks ok(, .*)?; none failed\n$/);
		expect(result.stdout + result.stderr).not.toContain(SECRET);
	});

	it('a config file with a mistake: FAIL config, exit 78', async () => {
		writeFileSync(join(home.path, '.amp-importrc.json'), JSON.stringify({ regoin: 'eu' }));
		const result = await runCli(['doctor'], { env, cwd: home.path });
		expect(result.code).toBe(78);
		expect(line(result.stdout, 'config')).toMatch(/^FAIL  config .*invalid configuration/);
		expect(line(result.stdout, 'auth')).toMatch(/^skip  auth {9}needs the config$/);
		expect(result.stderr).toContain('error ERR_AMP_CONFIG 1 of 11 checks failed: config');
	});

	it('a credentials file others can read: FAIL credentials, with the chmod to run', async () => {
		chmodSync(join(home.path, 'config', 'credentials.json'), 0o644);
		const result = await doctor();
		expect(result.code).toBe(78);
		expect(line(result.stdout, 'credentials')).toContain('readable by group or others (mode 644)');
		expect(result.stdout).toContain('hint: Run `chmod 600');
	});

	it('a state dir that cannot be made: FAIL state dir, exit 73', async () => {
		writeFileSync(join(home.path, 'blocker'), '');
		const result = await doctor({ AMP_IMPORT_STATE_DIR: join(home.path, 'blocker', 'state') });
		expect(result.code).toBe(73);
		expect(line(result.stdout, 'state dir')).toMatch(/^FAIL  state dir .*blocker/);
	});

	it('a clock two hours fast: FAIL clock, exit 78', async () => {
		const result = await doctor({}, new Date(Date.now() + 2 * 3600_000));
		expect(result.code).toBe(78);
		expect(line(result.stdout, 'clock')).toMatch(/^FAIL  clock .*clock is 2h00m ahead of 127\.0\.0\.1/);
		expect(result.stdout).toContain('timedatectl');
	});

	it('keys Amplitude refuses: FAIL api, exit 77', async () => {
		const result = await doctor({ AMPLITUDE_API_KEY: API_KEY, AMPLITUDE_SECRET_KEY: 'not-the-secret' });
		expect(result.code).toBe(77);
		expect(line(result.stdout, 'credentials')).toContain('AMPLITUDE_API_KEY is set and wins over stored ones');
		expect(line(result.stdout, 'api')).toMatch(/^FAIL  api .*rejected the credentials \(HTTP 401 from 127\.0\.0\.1:\d+\)/);
		expect(result.stdout + result.stderr).not.toContain('not-the-secret');
	});

	it('a host that refuses connections: FAIL at once, exit 69', async () => {
		const closed = createNetServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as { port: number }).port;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const started = Date.now();
		const result = await doctor({ AMPLITUDE_BASE_URL: `http://127.0.0.1:${port}` });
		expect(result.code).toBe(69);
		expect(Date.now() - started).toBeLessThan(5000);
		expect(line(result.stdout, 'api')).toMatch(/^FAIL  api .*ECONNREFUSED/);
		expect(result.stderr).not.toContain('retry');
	});

	it('no credentials at all: FAIL auth and the network checks skipped', async () => {
		const bare = tempDir();
		const result = await runCli(['doctor'], { env: isolatedEnv(bare.path, { AMPLITUDE_BASE_URL: url }) });
		bare.cleanup();
		expect(result.code).toBe(78);
		expect(result.stdout).toMatch(/FAIL {2}auth {9}no Amplitude credentials/);
		expect(result.stdout).toMatch(/skip {2}api {10}needs an authorization/);
	});
});

describe('doctor and Lytics', () => {
	it('checks the Lytics token with one dryrun=true request: ok, then refused (77)', async () => {
		const lytics = await startFakeLytics('doctor-lytics-token');
		try {
			const good = await doctor({ LYTICS_API_TOKEN: lytics.token, LYTICS_ENDPOINT: lytics.url });
			expect(good.code).toBe(0);
			expect(line(good.stdout, 'lytics')).toMatch(/^ok {4}lytics {7}token env accepted by 127\.0\.0\.1:\d+ \(dryrun=true on amplitude_events, nothing stored\)$/);
			expect(lytics.stored('amplitude_events')).toEqual([]);
			const bad = await doctor({ LYTICS_API_TOKEN: 'wrong-token', LYTICS_ENDPOINT: lytics.url });
			expect(bad.code).toBe(77);
			expect(line(bad.stdout, 'lytics')).toContain('Lytics refused the API token (HTTP 401');
			expect(bad.stdout + bad.stderr).not.toContain('wrong-token');
		} finally {
			await lytics.close();
		}
	});
});

describe('doctor on a state dir folder that exists', () => {
	it('reuses it and leaves nothing behind', async () => {
		const dir = join(home.path, 'state', 'amp-import');
		mkdirSync(dir, { recursive: true });
		const result = await doctor();
		expect(result.code).toBe(0);
		const { readdirSync } = await import('node:fs');
		expect(readdirSync(dir)).toEqual([]);
	});
});
