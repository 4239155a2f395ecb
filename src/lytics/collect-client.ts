import got, { RequestError, type Got } from 'got';
import { AmpImportError } from '../errors.js';
import type { Logger } from '../io/logger.js';
import { backoffMs, type RetryPolicy } from '../runtime/retry.js';
import { userAgent } from '../version.js';

export interface CollectOptions {
	endpoint: string;
	token: string;
	/** Seconds to wait for Lytics' answer to one batch. */
	timeoutSeconds: number;
	connectTimeoutSeconds: number;
	retry: RetryPolicy;
	logger?: Logger;
	sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface CollectQuery {
	stream: string;
	timestampField?: string;
	/** Names the unit (a window, a cohort) in Lytics' logs. */
	filename?: string;
	dryrun?: boolean;
}

/** What one batch came to, after any retries. */
export type CollectOutcome =
	| { kind: 'accepted'; messageCount: number; rejectedCount: number; retries: number; possiblyDelivered: boolean }
	| { kind: 'refused'; status: number; message: string; retries: number; possiblyDelivered: boolean };

/** Statuses that refuse the batch itself (bisect to find the records): nothing of it was stored. */
const refusedStatuses = [400, 413, 422];
const retryStatuses = [408, 429, 500, 502, 503, 504];
/** Network failures where the request never reached Lytics: a retry cannot duplicate anything. */
const neverSent = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];

/**
Lytics' collect API: `POST {endpoint}/collect/json/{stream}` with a JSON array of records and the raw API token in
`Authorization`. 429, 5xx and network failures are retried with backoff within the policy's budget (Lytics
documents no Retry-After; one is honoured if sent). An attempt whose body was sent but whose answer never came may
have been stored: the outcome says so, so the caller can count those records as possibly duplicated.
*/
export class CollectClient {
	readonly #got: Got;

	constructor(private readonly o: CollectOptions) {
		o.logger?.redactor.add(o.token);
		this.#got = got.extend({
			prefixUrl: o.endpoint.replace(/\/+$/, ''),
			headers: { authorization: o.token, 'content-type': 'application/json', 'user-agent': userAgent },
			timeout: { connect: o.connectTimeoutSeconds * 1000, response: o.timeoutSeconds * 1000 },
			retry: { limit: 0 },
			throwHttpErrors: false,
			responseType: 'text',
		});
	}

	get host(): string {
		return new URL(this.o.endpoint).host;
	}

	async send(batch: Buffer, query: CollectQuery, signal?: AbortSignal): Promise<CollectOutcome> {
		const searchParams = new URLSearchParams();
		if (query.timestampField) searchParams.set('timestamp_field', query.timestampField);
		if (query.filename) searchParams.set('filename', query.filename);
		if (query.dryrun) searchParams.set('dryrun', 'true');
		const what = `send ${query.filename ?? 'a batch'} to Lytics stream ${query.stream}`;
		let waited = 0;
		let possiblyDelivered = false;
		for (let attempt = 1; ; attempt++) {
			let status: number | undefined;
			let text = '';
			let retryAfterMs: number | undefined;
			let failure: string;
			try {
				const started = Date.now();
				const response = await this.#got.post(`collect/json/${encodeURIComponent(query.stream)}`, { body: batch, searchParams, signal });
				status = response.statusCode;
				text = response.body;
				this.o.logger?.debug(`HTTP POST /collect/json/${query.stream} ${status} ${Date.now() - started} ms ${batch.length} bytes`);
				const retryAfter = Number(response.headers['retry-after']);
				retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
				failure = `HTTP ${status}`;
			} catch (error) {
				if (signal?.aborted) throw signal.reason instanceof AmpImportError ? signal.reason : new AmpImportError('interrupted', `${what}: interrupted`, { cause: error });
				const code = error instanceof RequestError ? error.code : 'ERR';
				// The body was on the wire and no answer came: Lytics may have stored the batch.
				if (!neverSent.includes(code) && (error as RequestError).timings?.upload !== undefined) possiblyDelivered = true;
				failure = code;
				this.o.logger?.debug(`HTTP POST /collect/json/${query.stream} failed (${code}) ${batch.length} bytes`);
			}
			if (status !== undefined && !retryStatuses.includes(status)) return this.#outcome(status, text, what, attempt - 1, possiblyDelivered);
			const delay = backoffMs(attempt, this.o.retry, retryAfterMs);
			if (attempt > this.o.retry.retries || waited + delay > this.o.retry.maxTotalMs) {
				const kind = status === 429 ? 'rate-limited' : 'unavailable';
				throw new AmpImportError(kind, `${what}: ${status ? `Lytics answered ${failure}${lyticsMessage(text)}` : `cannot reach ${this.host} (${failure})`} and retries are exhausted`, {
					hint: 'Nothing is lost: the batches Lytics accepted are recorded, and the rerun resumes after them.',
				});
			}
			waited += delay;
			this.o.logger?.warn(`${what}: ${failure}; retry ${attempt} of ${this.o.retry.retries} in ${(delay / 1000).toFixed(1)} s`);
			await this.o.sleep(delay, signal);
		}
	}

	/**
	One `dryrun=true` request with a test record: Lytics checks the token, the endpoint and the stream, and stores
	nothing. `auth add --lytics`, `auth test --lytics`, `doctor` and a cohorts dry run ask this.
	*/
	probe(stream: string, signal?: AbortSignal): Promise<CollectOutcome> {
		return this.send(Buffer.from('[{"amp_import_check":true}]'), { stream, dryrun: true, filename: 'amp-import-check' }, signal);
	}

	#outcome(status: number, text: string, what: string, retries: number, possiblyDelivered: boolean): CollectOutcome {
		if (status === 200 || status === 201) {
			const data = parseBody(text)?.data as { message_count?: unknown; rejected_count?: unknown } | undefined;
			const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
			return { kind: 'accepted', messageCount: count(data?.message_count), rejectedCount: count(data?.rejected_count), retries, possiblyDelivered };
		}
		if (refusedStatuses.includes(status)) {
			return { kind: 'refused', status, message: String(parseBody(text)?.message ?? text.slice(0, 300)), retries, possiblyDelivered };
		}
		if (status === 401 || status === 403) {
			throw new AmpImportError('auth', `${what}: Lytics refused the API token (HTTP ${status} from ${this.host})${lyticsMessage(text)}`, {
				hint: 'Check the Lytics API token (Lytics: Vault → Security → Access Tokens) and its data-upload scope; store a new one with `amp-import auth add <label> --lytics --force`, or set LYTICS_API_TOKEN.',
			});
		}
		if (status === 404) {
			throw new AmpImportError('config', `${what}: ${this.host} has no collect API here (HTTP 404)`, { hint: 'Check `lytics.endpoint` (default https://api.lytics.io).' });
		}
		throw new AmpImportError('unavailable', `${what}: Lytics answered HTTP ${status}${lyticsMessage(text)}`, { hint: 'Rerun later; the batches Lytics accepted are recorded and not sent again.' });
	}
}

function parseBody(text: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(text);
		return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

/** `: "Expired Token" (request abc)`: Lytics' own words, for the error line. */
function lyticsMessage(text: string): string {
	const body = parseBody(text);
	const message = typeof body?.message === 'string' ? body.message : '';
	const id = typeof body?.request_id === 'string' ? ` (request ${body.request_id})` : '';
	return message ? `: "${message.slice(0, 200)}"${id}` : '';
}
