import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { zipForHours } from '../helpers/fake-export.js';
import { isolatedEnv, runCli, tempDir } from '../helpers/run.js';

// No msw here: this file talks to a real socket on 127.0.0.1 only (msw's interceptor sat in the way of the stream).

let server: Server;
let url = '';
let zip: Buffer;
let requests = 0;
const home = tempDir();

beforeAll(async () => {
	zip = await zipForHours(Date.UTC(2026, 9, 1, 0), Date.UTC(2026, 9, 1, 23), 150);
	server = createServer((request, response) => {
		requests++;
		if (!request.headers.authorization?.startsWith('Basic ')) return void response.writeHead(401).end();
		response.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length });
		// Dribble the body in small pieces, as a slow network would.
		let offset = 0;
		const push = () => {
			if (offset >= zip.length) return void response.end();
			response.write(zip.subarray(offset, (offset += 64 * 1024)), push);
		};
		push();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
	home.cleanup();
});

describe('a real HTTP server on 127.0.0.1 and a slow reader', () => {
	it('streams every event through to a reader that applies backpressure', async () => {
		let received = '';
		let writes = 0;
		const slow = new Writable({
			highWaterMark: 16 * 1024,
			write(chunk: Buffer, _enc, cb) {
				received += chunk.toString();
				writes++;
				setTimeout(cb, 1);
			},
		});
		const result = await runCli(['events', '--start', '2026-10-01T00', '--end', '2026-10-01T23', '--raw'], {
			env: isolatedEnv(home.path, { AMPLITUDE_API_KEY: 'k-123456', AMPLITUDE_SECRET_KEY: 's-123456', AMPLITUDE_BASE_URL: url }),
			stdout: slow,
		});
		expect(result.code).toBe(0);
		expect(requests).toBe(1);
		const lines = received.split('\n').filter(Boolean);
		expect(lines).toHaveLength(24 * 150);
		expect(new Set(lines.map((l) => (JSON.parse(l) as { uuid: string }).uuid)).size).toBe(24 * 150);
		expect(writes).toBeGreaterThan(1);
	});
});
