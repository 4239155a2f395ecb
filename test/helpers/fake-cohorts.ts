import { http, HttpResponse } from 'msw';
import { US } from './msw.js';
import type { CohortInfo } from '../../src/amplitude/cohorts-api.js';

export interface FakeCohort extends CohortInfo {
	/** The member file's body. */
	csv: string | Buffer;
	/** Serve the file through a 302 to a fake S3 URL. */
	viaS3?: boolean;
	/** Extra headers on the file response (Content-Encoding: gzip, say). */
	fileHeaders?: Record<string, string>;
}

export interface CohortsLog {
	requests: string[];
	polls: string[];
	files: string[];
	s3: Array<{ url: string; authorization: string | null }>;
}

/**
A fake Behavioral Cohorts API: list, request (202 + request_id), request-status (202 `pollsUntilDone` times, then
200), file (200 with the CSV, or 302 to S3), and S3 itself, which refuses a request carrying Authorization.
*/
export function cohortsApi(cohorts: FakeCohort[], options: {
		pollsUntilDone?: number;
		s3Expired?: number;
		log?: CohortsLog;
		requestAnswer?: (i: number) => Response | undefined;
		/** Called before each list answer (a test can recompute its cohorts there). */
		onList?: () => void;
	} = {},) {
	const log: CohortsLog = options.log ?? { requests: [], polls: [], files: [], s3: [] };
	const pollCounts = new Map<string, number>();
	let expired = options.s3Expired ?? 0;
	let requestNo = 0;
	const byRequest = (rid: string) => cohorts.find((c) => rid.startsWith(`req-${c.id}-`));
	return [
		http.get(`${US}/api/3/cohorts`, () => {
			options.onList?.();
			return HttpResponse.json({ cohorts: cohorts.map(({ csv: _csv, viaS3: _s3, fileHeaders: _h, ...c }) => ({ appId: 187520, description: null, ...c })) });
		}),
		http.get(`${US}/api/3/cohorts/usage`, () => HttpResponse.json({ used: log.requests.length, limit: 500 })),
		http.get(`${US}/api/5/cohorts/request/:id`, ({ params }) => {
			const answered = options.requestAnswer?.(log.requests.length);
			log.requests.push(String(params.id));
			if (answered) return answered;
			if (!cohorts.some((c) => c.id === params.id)) return HttpResponse.json({ error: 'not found' }, { status: 404 });
			return HttpResponse.json({ request_id: `req-${params.id}-${++requestNo}`, cohort_id: params.id }, { status: 202 });
		}),
		http.get(`${US}/api/5/cohorts/request-status/:rid`, ({ params }) => {
			const rid = String(params.rid);
			log.polls.push(rid);
			if (!byRequest(rid)) return HttpResponse.json({ error: 'unknown request' }, { status: 404 });
			const n = (pollCounts.get(rid) ?? 0) + 1;
			pollCounts.set(rid, n);
			const done = n > (options.pollsUntilDone ?? 1);
			return HttpResponse.json({ request_id: rid, async_status: done ? 'JOB COMPLETED' : 'JOB INPROGRESS' }, { status: done ? 200 : 202 });
		}),
		http.get(`${US}/api/5/cohorts/request/:rid/file`, ({ params }) => {
			const rid = String(params.rid);
			log.files.push(rid);
			const cohort = byRequest(rid)!;
			if (cohort.viaS3) {
				return new HttpResponse(null, { status: 302, headers: { Location: `https://amplitude-cohorts.s3.amazonaws.com/${cohort.id}.csv?X-Amz-Signature=sig${log.files.length}&X-Amz-Expires=60` } });
			}
			const data = typeof cohort.csv === 'string' ? Buffer.from(cohort.csv) : cohort.csv;
			return HttpResponse.arrayBuffer(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer, { headers: { 'content-type': 'text/csv', ...cohort.fileHeaders } });
		}),
		http.get('https://amplitude-cohorts.s3.amazonaws.com/:file', ({ request, params }) => {
			log.s3.push({ url: request.url, authorization: request.headers.get('authorization') });
			if (request.headers.get('authorization')) return new HttpResponse('<Error><Code>InvalidArgument</Code></Error>', { status: 400 });
			if (expired > 0) {
				expired--;
				return new HttpResponse('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', { status: 403 });
			}
			const cohort = cohorts.find((c) => `${c.id}.csv` === params.file)!;
			return new HttpResponse(cohort.csv, { headers: { 'content-type': 'text/csv' } });
		}),
	];
}

/** A cohort file the way Amplitude writes it: every field quoted, quotes doubled. */
export function csv(header: string[], rows: string[][]): string {
	const q = (v: string) => `"${v.replaceAll('"', '""')}"`;
	return [header, ...rows].map((r) => r.map(q).join(',')).join('\n') + '\n';
}
