import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { http, HttpResponse } from 'msw';
import { US, useMsw } from '../helpers/msw.js';
import { isolatedEnv, runCli, tempDir } from '../helpers/run.js';

const server = useMsw();
const API_KEY = 'key-0123456789abcdef';
const SECRET = 'very-secret-value-0xDEADBEEF';
const token = Buffer.from(`${API_KEY}:${SECRET}`).toString('base64');

let home: ReturnType<typeof tempDir>;
beforeAll(() => {
	home = tempDir();
});
afterAll(() => home.cleanup());

const scenarios: Array<[string, () => Response]> = [
	['401', () => HttpResponse.json({ error: 'unauthorized' }, { status: 401 })],
	['403 echoing the header back', () => new HttpResponse(`bad auth: Authorization: Basic ${token}`, { status: 403 })],
	['503 after retries', () => new HttpResponse('down', { status: 503 })],
	['a 200 that is not JSON', () => new HttpResponse('<html>proxy login</html>', { status: 200 })],
	['a network error', () => HttpResponse.error()],
];

describe('secrets never appear in any output', () => {
	it.each(scenarios)('%s, with --verbose, in text and JSON logs', async (_name, answer) => {
		server.use(http.get(`${US}/api/3/cohorts`, answer));
		for (const format of ['text', 'json']) {
			const result = await runCli(['--verbose', '--log-format', format, 'auth', 'test'], {
				env: isolatedEnv(home.path, { AMPLITUDE_API_KEY: API_KEY, AMPLITUDE_SECRET_KEY: SECRET }),
			});
			expect(result.code).not.toBe(0);
			const everything = result.stdout + result.stderr;
			expect(everything).not.toContain(SECRET);
			expect(everything).not.toContain(token);
			expect(everything.length).toBeGreaterThan(20);
		}
	});

	it('masks the secret read by `auth add` from stdin', async () => {
		const result = await runCli(['--verbose', 'auth', 'add', 'p', '--no-verify'], { env: isolatedEnv(home.path), stdin: `${API_KEY}\n${SECRET}\n` });
		expect(result.code).toBe(0);
		expect(result.stdout + result.stderr).not.toContain(SECRET);
	});
});
