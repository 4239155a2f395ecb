import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { exportHour } from '../amplitude/hours.js';

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
A small fake of Amplitude on 127.0.0.1 serving the bundled sample project, so `--demo` runs the real pipelines
with no account: the Export API (401 without the demo credentials, 404 for a range with no data, the fixture zip
for a range that covers its hours) and the Behavioral Cohorts API (list, request, a job that is running at the first
poll and done at the next, and a file in the body or through an S3-style redirect).
*/
export async function startDemoServer(): Promise<DemoServer> {
	const manifest = JSON.parse(await readFile(new URL('manifest.json', fixtures), 'utf8')) as Manifest;
	const first = Date.parse(`${manifest.events.first}:00:00Z`);
	const last = Date.parse(`${manifest.events.last}:00:00Z`);
	const expected = `Basic ${Buffer.from(`${demoCredentials.apiKey}:${demoCredentials.secretKey}`).toString('base64')}`;
	const cohortList = await readFile(new URL('cohorts.json', fixtures), 'utf8');
	const cohortIds = (JSON.parse(cohortList) as { cohorts: Array<{ id: string }> }).cohorts.map((c) => c.id);
	const polls = new Map<string, number>();
	let port = 0;

	const server = createServer((request: IncomingMessage, response: ServerResponse) => {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		if (url.pathname === '/api/2/export') {
			if (request.headers.authorization !== expected) return send(response, 401, 'application/json', '{"error":"Invalid API Key"}');
			const start = url.searchParams.get('start') ?? '';
			const end = url.searchParams.get('end') ?? '';
			if (!/^\d{8}T\d{2}$/.test(start) || !/^\d{8}T\d{2}$/.test(end)) return send(response, 400, 'text/plain', 'bad start/end');
			if (end < exportHour(first) || start > exportHour(last)) return send(response, 404, 'text/plain', 'no data');
			response.writeHead(200, { 'content-type': 'application/zip' });
			createReadStream(new URL('export.zip', fixtures)).pipe(response);
			return;
		}
		if (url.pathname.startsWith('/s3/')) return serveS3(url, request, response);
		if (request.headers.authorization !== expected) return send(response, 401, 'application/json', '{"error":"Invalid API Key"}');
		if (url.pathname === '/api/3/cohorts') return send(response, 200, 'application/json', cohortList);
		if (url.pathname === '/api/3/cohorts/usage') return send(response, 200, 'application/json', JSON.stringify({ used: polls.size, limit: 500 }));
		const requestMatch = /^\/api\/5\/cohorts\/request\/([^/]+)$/.exec(url.pathname);
		if (requestMatch && cohortIds.includes(requestMatch[1]!)) {
			return send(response, 202, 'application/json', JSON.stringify({ request_id: `req-${requestMatch[1]}-${polls.size + 1}`, cohort_id: requestMatch[1] }));
		}
		const statusMatch = /^\/api\/5\/cohorts\/request-status\/req-([^/]+)-\d+$/.exec(url.pathname);
		if (statusMatch) {
			// The first poll finds the job running, the next one done: as Amplitude's async jobs behave.
			const seen = (polls.get(url.pathname) ?? 0) + 1;
			polls.set(url.pathname, seen);
			const done = seen > 1;
			return send(response, done ? 200 : 202, 'application/json', JSON.stringify({ request_id: url.pathname.split('/').pop(), cohort_id: statusMatch[1], async_status: done ? 'JOB COMPLETED' : 'JOB INPROGRESS' }));
		}
		const fileMatch = /^\/api\/5\/cohorts\/request\/req-([^/]+)-\d+\/file$/.exec(url.pathname);
		if (fileMatch && cohortIds.includes(fileMatch[1]!)) {
			// Large cohorts come through a pre-signed S3 link; here the second demo cohort does.
			if (fileMatch[1] === cohortIds[1]) {
				response.writeHead(302, { location: `http://127.0.0.1:${port}/s3/cohort-${fileMatch[1]}.csv?X-Amz-Expires=60&X-Amz-Signature=demo` });
				return void response.end();
			}
			response.writeHead(200, { 'content-type': 'text/csv' });
			return void createReadStream(new URL(`cohort-${fileMatch[1]}.csv`, fixtures)).pipe(response);
		}
		send(response, 404, 'text/plain', 'not found');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	port = (server.address() as { port: number }).port;
	return {
		url: `http://127.0.0.1:${port}`,
		credentials: demoCredentials,
		events: { first, last },
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

/** A pre-signed S3 URL: it carries its own signature and, like S3, refuses a request that also sends Authorization. */
function serveS3(url: URL, request: IncomingMessage, response: ServerResponse): void {
	if (request.headers.authorization) return send(response, 400, 'application/xml', '<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>');
	if (!url.searchParams.get('X-Amz-Signature')) return send(response, 403, 'application/xml', '<Error><Code>AccessDenied</Code></Error>');
	response.writeHead(200, { 'content-type': 'text/csv' });
	createReadStream(new URL(url.pathname.slice('/s3/'.length), fixtures)).pipe(response);
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
	response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
	response.end(body);
}
