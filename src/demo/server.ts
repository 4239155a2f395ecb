import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { exportHour } from '../events/hours.js';

const fixtures = new URL('../../fixtures/demo/', import.meta.url);

/** Credentials of the demo project: they open only the local demo server. */
export const demoCredentials = { apiKey: 'demo-api-key', secretKey: 'demo-secret-key' };

interface Manifest {
	events: { first: string; last: string; count: number };
}

export interface DemoServer {
	url: string;
	credentials: typeof demoCredentials;
	events: { first: number; last: number };
	close: () => Promise<void>;
}

/**
A small fake of Amplitude on 127.0.0.1 serving the bundled sample project, so `--demo` runs the real pipeline
(HTTP → zip → gzip → map → NDJSON) with no account. It answers like Amplitude: 401 without the demo credentials,
404 for an export range with no data, and the fixture zip for a range that covers its hours.
*/
export async function startDemoServer(): Promise<DemoServer> {
	const manifest = JSON.parse(await readFile(new URL('manifest.json', fixtures), 'utf8')) as Manifest;
	const first = Date.parse(`${manifest.events.first}:00:00Z`);
	const last = Date.parse(`${manifest.events.last}:00:00Z`);
	const expected = `Basic ${Buffer.from(`${demoCredentials.apiKey}:${demoCredentials.secretKey}`).toString('base64')}`;

	const server = createServer((request: IncomingMessage, response: ServerResponse) => {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		if (request.headers.authorization !== expected) return send(response, 401, 'application/json', '{"error":"Invalid API Key"}');
		if (url.pathname === '/api/2/export') {
			const start = url.searchParams.get('start') ?? '';
			const end = url.searchParams.get('end') ?? '';
			if (!/^\d{8}T\d{2}$/.test(start) || !/^\d{8}T\d{2}$/.test(end)) return send(response, 400, 'text/plain', 'bad start/end');
			if (end < exportHour(first) || start > exportHour(last)) return send(response, 404, 'text/plain', 'no data');
			response.writeHead(200, { 'content-type': 'application/zip' });
			createReadStream(new URL('export.zip', fixtures)).pipe(response);
			return;
		}
		if (url.pathname === '/api/3/cohorts') return send(response, 200, 'application/json', '{"cohorts":[]}');
		send(response, 404, 'text/plain', 'not found');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}`,
		credentials: demoCredentials,
		events: { first, last },
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
	response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
	response.end(body);
}
