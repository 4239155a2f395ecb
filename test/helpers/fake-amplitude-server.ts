import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { syntheticEntries } from '../../scripts/synthetic-export.js';
import { parseExportHour, zipForHours } from './fake-export.js';

export interface CohortSpec {
	id: string;
	name: string;
	lastComputed: number;
	csv: () => string;
}

export interface FakeAmplitude {
	url: string;
	/** Every export call, as `start..end`. */
	exports: string[];
	/** Hooks a test sets: answer an export itself (cut it, kill the client) before the fake does. */
	onExport?: (call: { start: string; end: string; index: number }, response: ServerResponse) => boolean | Promise<boolean>;
	cohorts: CohortSpec[];
	/** Answers a cohort's member file itself (holds it open, say) when it returns true. */
	onCohortFile?: (id: string, response: ServerResponse) => boolean;
	close: () => Promise<void>;
}

/**
A faithful fake of the two Amplitude APIs on 127.0.0.1, for runs of the real process: the Export API serves a zip
of synthetic events for any range (the same events for an hour whatever the window, so a rerun can be compared
with ground truth), 404 for a range of empty hours; the Cohorts API lists `cohorts`, takes a request, answers the
first poll done, and serves each cohort's CSV as it is at that moment.
*/
export async function startFakeAmplitude(options: { eventsPerHour: number; emptyBefore?: number }): Promise<FakeAmplitude> {
	const fake: FakeAmplitude = { url: '', exports: [], cohorts: [], close: async () => undefined };
	let requestNo = 0;
	const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
		void (async () => {
			const url = new URL(request.url ?? '/', 'http://127.0.0.1');
			if (!request.headers.authorization?.startsWith('Basic ')) return send(response, 401, '{"error":"Invalid API Key"}');
			if (url.pathname === '/api/2/export') {
				const call = { start: url.searchParams.get('start')!, end: url.searchParams.get('end')!, index: fake.exports.length };
				fake.exports.push(`${call.start}..${call.end}`);
				if (await fake.onExport?.(call, response)) return;
				const zip = await zipForHours(parseExportHour(call.start), parseExportHour(call.end), options.eventsPerHour);
				response.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length });
				return void response.end(zip);
			}
			if (url.pathname === '/api/3/cohorts') {
				const cohorts = fake.cohorts.map((c) => ({ id: c.id, name: c.name, size: c.csv().split('\n').length - 2, lastComputed: c.lastComputed, archived: false }));
				return send(response, 200, JSON.stringify({ cohorts }));
			}
			if (url.pathname === '/api/3/cohorts/usage') return send(response, 404, '{}');
			const requested = /^\/api\/5\/cohorts\/request\/([^/]+)$/.exec(url.pathname);
			if (requested) return send(response, 202, JSON.stringify({ request_id: `req-${requested[1]}-${++requestNo}`, cohort_id: requested[1] }));
			const status = /^\/api\/5\/cohorts\/request-status\/(req-(.+)-\d+)$/.exec(url.pathname);
			if (status) return send(response, 200, JSON.stringify({ request_id: status[1], cohort_id: status[2], async_status: 'JOB COMPLETED' }));
			const file = /^\/api\/5\/cohorts\/request\/req-(.+)-\d+\/file$/.exec(url.pathname);
			const cohort = file && fake.cohorts.find((c) => c.id === file[1]);
			if (cohort) {
				if (fake.onCohortFile?.(cohort.id, response)) return;
				response.writeHead(200, { 'content-type': 'text/csv' });
				return void response.end(cohort.csv());
			}
			send(response, 404, 'not found');
		})();
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

function send(response: ServerResponse, status: number, body: string): void {
	response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
	response.end(body);
}

/** The uuids the fake serves for the hours [first, last], in export order: the ground truth of a run. */
export function uuidsForHours(first: number, last: number, eventsPerHour: number): string[] {
	const uuids: string[] = [];
	for (let hour = first; hour <= last; hour += 3_600_000) {
		for (const entry of syntheticEntries({ seed: hour / 3_600_000, firstHourMs: hour, hours: 1, eventsPerHour, partitions: 2 })) {
			for (const line of entry.ndjson.split('\n')) if (line) uuids.push((JSON.parse(line) as { uuid: string }).uuid);
		}
	}
	return uuids;
}
