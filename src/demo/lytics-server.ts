import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** The demo's Lytics token: it opens only the local stand-in. */
export const demoLyticsToken = 'demo-lytics-token';

/** Lytics' limits for the collect API, as its docs give them. */
export const collectLimits = { requestBytes: 10 * 1024 * 1024, recordBytes: 16 * 1024 };

export interface CollectRequest {
	stream: string;
	query: URLSearchParams;
	/** The request's records, parsed (undefined when the body is not JSON). */
	records?: unknown[];
	bytes: number;
}

/**
A stand-in for Lytics' collect API (`POST /collect/json/{stream}`), faithful to its documented behaviour, for
`--demo -o lytics:`: the raw token in `Authorization` (401 "Expired Token" otherwise), a JSON object or array of
objects, 10 MB a request (413), each record checked (16 KB at most, no objects inside arrays: such records are
counted in `rejected_count` and not stored), `dryrun=true` checks and stores nothing. It keeps every stored record
by stream, in order.
*/
export class LyticsStandIn {
	readonly stored = new Map<string, unknown[]>();
	readonly requests: CollectRequest[] = [];

	constructor(readonly token = demoLyticsToken) {}

	/** Answers one request whose body has been read. */
	handle(request: IncomingMessage, body: Buffer, response: ServerResponse): CollectRequest | undefined {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const match = /^\/collect\/json\/([^/]+)$/.exec(url.pathname);
		if (request.method !== 'POST' || !match) return void send(response, 404, { status: 404, message: 'not found' });
		if (request.headers.authorization !== this.token) return void send(response, 401, { status: 401, message: 'Expired Token', request_id: 'demo' });
		const seen: CollectRequest = { stream: decodeURIComponent(match[1]!), query: url.searchParams, bytes: body.length };
		this.requests.push(seen);
		if (body.length > collectLimits.requestBytes) return void send(response, 413, { status: 413, message: 'request body over 10MB' }), seen;
		let parsed: unknown;
		try {
			parsed = JSON.parse(body.toString('utf8'));
		} catch {
			return send(response, 400, { status: 400, message: 'invalid json' }), seen;
		}
		const records = Array.isArray(parsed) ? parsed : [parsed];
		seen.records = records;
		if (!records.every((r) => r && typeof r === 'object' && !Array.isArray(r))) return send(response, 400, { status: 400, message: 'expected a JSON object or an array of objects' }), seen;
		const accepted = records.filter((r) => recordProblem(r) === undefined);
		if (url.searchParams.get('dryrun') !== 'true') {
			const list = this.stored.get(seen.stream) ?? [];
			list.push(...accepted);
			this.stored.set(seen.stream, list);
		}
		send(response, 200, { status: 200, message: 'success', data: { message_count: records.length, rejected_count: records.length - accepted.length } });
		return seen;
	}

	/** Serves on 127.0.0.1 (port 0: any free one). */
	async listen(): Promise<{ url: string; close: () => Promise<void> }> {
		const server: Server = createServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (c: Buffer) => chunks.push(c));
			request.on('end', () => this.handle(request, Buffer.concat(chunks), response));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
		return {
			url,
			close: () =>
				new Promise((resolve) => {
					server.closeAllConnections();
					server.close(() => resolve());
				}),
		};
	}
}

/** Why Lytics would refuse a record, or undefined. */
export function recordProblem(record: unknown): string | undefined {
	if (Buffer.byteLength(JSON.stringify(record)) > collectLimits.recordBytes) return 'record over 16KB';
	for (const value of Object.values(record as Record<string, unknown>)) {
		if (Array.isArray(value) && value.some((v) => v && typeof v === 'object')) return 'objects inside arrays are not supported';
	}
	return undefined;
}

function send(response: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
	response.end(text);
}
