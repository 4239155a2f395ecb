import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { LyticsStandIn, type CollectRequest } from '../../src/demo/lytics-server.js';

/** What a test makes the fake do with the n-th request (1-based, every POST counted). */
export type LyticsFault =
	/** Answer with this status and body; nothing is stored. */
	| { status: number; body?: unknown }
	/** Close the connection without an answer, before storing anything. */
	| 'cut-before-store'
	/** Store the batch, then close the connection without an answer (the case no client can settle). */
	| 'cut-after-store';

export interface FakeLytics {
	url: string;
	token: string;
	standIn: LyticsStandIn;
	/** Every POST as it arrived, answered or not. */
	requests: Array<{ n: number; stream: string; query: URLSearchParams; authorization?: string; records: Array<Record<string, unknown>>; bytes: number }>;
	/** Stored records of a stream, in order. */
	stored: (stream: string) => Array<Record<string, unknown>>;
	/** Called for each request before the stand-in answers it. */
	fault?: (request: { n: number; records: Array<Record<string, unknown>>; dryrun: boolean }) => LyticsFault | undefined | Promise<LyticsFault | undefined>;
	/** Records the fake refuses: a batch holding one is answered 400 with this message (as Lytics refuses a whole batch). */
	refuse?: (record: Record<string, unknown>) => string | undefined;
	/** Records the fake drops from a batch it otherwise stores, counting them in `rejected_count` of its 200. */
	drop?: (record: Record<string, unknown>) => boolean;
	close: () => Promise<void>;
}

/**
The Lytics stand-in (src/demo/lytics-server.ts: token, limits, per-record checks, dryrun) on 127.0.0.1, with the
faults a test injects: answers on demand (429, 500, 401), refused records, a connection cut before or after the
batch is stored.
*/
export async function startFakeLytics(token = 'fake-lytics-token'): Promise<FakeLytics> {
	const standIn = new LyticsStandIn(token);
	const fake: FakeLytics = {
		url: '',
		token,
		standIn,
		requests: [],
		stored: (stream) => (standIn.stored.get(stream) ?? []) as Array<Record<string, unknown>>,
		close: async () => undefined,
	};
	const silent = { writeHead: () => silent, end: () => undefined } as unknown as ServerResponse;
	const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
		const chunks: Buffer[] = [];
		request.on('data', (c: Buffer) => chunks.push(c));
		request.on('end', () => {
			void (async () => {
				const body = Buffer.concat(chunks);
				const url = new URL(request.url ?? '/', 'http://127.0.0.1');
				let records: Array<Record<string, unknown>> = [];
				try {
					const parsed: unknown = JSON.parse(body.toString('utf8'));
					records = (Array.isArray(parsed) ? parsed : [parsed]) as Array<Record<string, unknown>>;
				} catch {
					// the stand-in answers 400
				}
				const n = fake.requests.length + 1;
				fake.requests.push({ n, stream: decodeURIComponent(url.pathname.split('/').at(-1) ?? ''), query: url.searchParams, authorization: request.headers.authorization, records, bytes: body.length });
				const fault = await fake.fault?.({ n, records, dryrun: url.searchParams.get('dryrun') === 'true' });
				if (fault === 'cut-before-store') return void request.socket.destroy();
				if (fault === 'cut-after-store') {
					standIn.handle(request, body, silent);
					return void request.socket.destroy();
				}
				if (fault) {
					const text = JSON.stringify(fault.body ?? { status: fault.status, message: `fault ${fault.status}`, request_id: `req-${n}` });
					response.writeHead(fault.status, { 'content-type': 'application/json' });
					return void response.end(text);
				}
				const refused = request.headers.authorization === token ? records.map((r) => fake.refuse?.(r)).find(Boolean) : undefined;
				if (refused) {
					response.writeHead(400, { 'content-type': 'application/json' });
					return void response.end(JSON.stringify({ status: 400, message: refused, request_id: `req-${n}` }));
				}
				const drop = fake.drop;
				if (drop && request.headers.authorization === token && records.some((r) => drop(r))) {
					const kept = records.filter((r) => !drop(r));
					if (url.searchParams.get('dryrun') !== 'true') {
						const stream = decodeURIComponent(url.pathname.split('/').at(-1) ?? '');
						standIn.stored.set(stream, [...(standIn.stored.get(stream) ?? []), ...kept]);
					}
					response.writeHead(200, { 'content-type': 'application/json' });
					return void response.end(JSON.stringify({ status: 200, message: 'success', data: { message_count: records.length, rejected_count: records.length - kept.length } }));
				}
				standIn.handle(request, body, response);
			})();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	fake.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
	fake.close = () =>
		new Promise((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		});
	return fake;
}

export type { CollectRequest };
