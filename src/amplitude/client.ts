import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import got, { HTTPError, RequestError, type Got, type Request } from 'got';
import { AmpImportError, type ErrorKind } from '../errors.js';
import type { HttpConfig } from '../config/schema.js';
import type { Logger } from '../io/logger.js';
import { userAgent } from '../version.js';
import { authHint, retryableStatuses, ruleFor } from './status-policy.js';
import { requestLogHooks } from './request-log.js';
import { retryDelayFunction, type RetryPolicy } from '../runtime/retry.js';

export interface Credentials {
	apiKey: string;
	secretKey: string;
}

export interface ClientOptions {
	baseUrl: string;
	credentials: Credentials;
	http: HttpConfig;
	logger?: Logger;
	/** Overrides of the backoff (tests make it fast). */
	retry?: Partial<RetryPolicy>;
	/** Told of every chunk of a download as it arrives, by its size (the runtime's memory measures listen here). */
	onDownloadBytes?: (bytes: number) => void;
	/** False for a check a person waits on: a refused connection or an unknown host fails at once (statuses still retry). */
	retryNetworkErrors?: boolean;
}

export interface DownloadResult {
	status: number;
	bytes: number;
	/** The URL the body finally came from, after redirects (without query, which can hold a signature). */
	finalUrl?: string;
	/** The Location of a redirect not followed. */
	location?: string;
	contentEncoding?: string;
	/** The start of the body of a passed error status (Amplitude's own message, for the log). */
	errorBody?: string;
}

export interface RequestOptions {
	searchParams?: Record<string, string | number> | URLSearchParams;
	signal?: AbortSignal;
	/** Statuses the caller handles itself: returned instead of thrown, never retried. */
	passStatuses?: readonly number[];
	/** Statuses not to retry here because the caller has a better answer (the Export API's 504: split the window). */
	noRetryStatuses?: readonly number[];
	/** A download's progress: bytes so far and, when the server said, the total (a retry starts again from 0). */
	onProgress?: (transferred: number, total?: number) => void;
}

/**
The only module that talks HTTP. Basic auth, timeouts fit for slow exports, retries with backoff and a time budget,
and one place where every HTTP outcome becomes an AmpImportError. The Authorization header is never part of an
error: got errors carry their options (headers included), so they are kept only as `cause` and never printed whole.
*/
export class AmplitudeClient {
	readonly baseUrl: string;
	readonly #got: Got;
	readonly #policy: RetryPolicy;
	readonly #logger?: Logger;
	readonly #onDownloadBytes?: (bytes: number) => void;
	readonly #retryNetworkErrors: boolean;

	constructor(options: ClientOptions) {
		this.#retryNetworkErrors = options.retryNetworkErrors ?? true;
		this.baseUrl = options.baseUrl.replace(/\/+$/, '');
		this.#logger = options.logger;
		this.#onDownloadBytes = options.onDownloadBytes;
		const { http } = options;
		this.#policy = {
			retries: http.retries,
			maxTotalMs: http.retryMaxSeconds * 1000,
			baseMs: 1000,
			maxDelayMs: 60_000,
			...options.retry,
		};
		const token = Buffer.from(`${options.credentials.apiKey}:${options.credentials.secretKey}`).toString('base64');
		options.logger?.redactor.add(options.credentials.secretKey);
		options.logger?.redactor.add(token);
		this.#got = got.extend({
			prefixUrl: this.baseUrl,
			headers: { authorization: `Basic ${token}`, 'user-agent': userAgent },
			timeout: {
				connect: http.connectTimeoutSeconds * 1000,
				response: http.timeoutSeconds * 1000,
				socket: http.idleTimeoutSeconds * 1000,
			},
			decompress: true,
			hooks: this.#logger?.enabled('debug') ? requestLogHooks(this.#logger) : {},
		});
	}

	#retryOptions(what: string, noRetry: readonly number[] = []) {
		return {
			limit: this.#policy.retries,
			methods: ['GET' as const],
			statusCodes: retryableStatuses.filter((s) => !noRetry.includes(s)),
			...(this.#retryNetworkErrors ? {} : { errorCodes: [] }),
			maxRetryAfter: this.#policy.maxTotalMs,
			calculateDelay: retryDelayFunction(this.#policy, (attempt, error, delayMs) =>
				this.#logger?.warn(`${what}: ${describeFailure(error)}; retry ${attempt} of ${this.#policy.retries} in ${(delayMs / 1000).toFixed(1)} s`),
			),
		};
	}

	/** GET a JSON document. */
	async getJson<T>(path: string, what: string, options: RequestOptions = {}): Promise<{ status: number; body: T }> {
		const passStatuses = options.passStatuses ?? [];
		const scoped = requestSignal(options.signal);
		try {
			const response = await this.#got.get(stripSlash(path), {
				searchParams: options.searchParams,
				signal: scoped.signal,
				retry: this.#retryOptions(what, [...(options.noRetryStatuses ?? []), ...passStatuses]),
				responseType: 'text',
			});
			return { status: response.statusCode, body: parseJson<T>(response.body, response.statusCode, what) };
		} catch (error) {
			if (error instanceof HTTPError && passStatuses.includes(error.response.statusCode)) {
				const status = error.response.statusCode;
				return { status, body: parseJson<T>(String(error.response.body ?? ''), status, what, true) };
			}
			throw toClientError(error, what, options.signal);
		} finally {
			scoped.done();
		}
	}

	/** The host's clock (its Date header), from one unauthenticated HEAD of the base URL with no retries. */
	async serverDate(signal?: AbortSignal): Promise<Date | undefined> {
		const scoped = requestSignal(signal);
		try {
			const response = await this.#got.head('', {
				headers: { authorization: undefined },
				retry: { limit: 0 },
				throwHttpErrors: false,
				followRedirect: false,
				signal: scoped.signal,
			});
			const date = response.headers.date;
			return date ? new Date(date) : undefined;
		} catch (error) {
			throw toClientError(error, 'read the server clock', signal);
		} finally {
			scoped.done();
		}
	}

	/**
	Streams a GET to a file, with the same retries (a retried download starts the file again). Statuses in
	`passStatuses` are returned without a body. `authenticated: false` fetches an absolute URL with no Authorization
	header (a pre-signed S3 link rejects a second auth method).
	*/
	async download(
		pathOrUrl: string,
		dest: string,
		what: string,
		options: RequestOptions & { authenticated?: boolean; followRedirect?: boolean } = {},
	): Promise<DownloadResult> {
		const absolute = /^https?:\/\//.test(pathOrUrl);
		const scoped = requestSignal(options.signal);
		const start = () =>
			this.#got.stream(absolute ? pathOrUrl : stripSlash(pathOrUrl), {
				prefixUrl: absolute ? '' : this.baseUrl,
				headers: options.authenticated === false ? { authorization: undefined } : {},
				searchParams: options.searchParams,
				signal: scoped.signal,
				retry: this.#retryOptions(what, [...(options.noRetryStatuses ?? []), ...(options.passStatuses ?? [])]),
				followRedirect: options.followRedirect ?? true,
			});
		return new Promise<DownloadResult>((resolve, reject) => {
			const attach = (request: Request) => {
				let superseded = false;
				let bytes = 0;
				const startedAt = Date.now();
				const logExchange = (status: number | string) => {
					const url = request.requestUrl;
					this.#logger?.debug(`HTTP GET ${url ? url.pathname : pathOrUrl.split('?')[0]} ${status} ${Date.now() - startedAt} ms ${bytes} bytes`);
				};
				request.on('downloadProgress', (p: { transferred: number; total?: number }) => {
					this.#onDownloadBytes?.(p.transferred - bytes);
					bytes = p.transferred;
					options.onProgress?.(p.transferred, p.total);
				});
				request.once('retry', (_count: number, _error: Error, createRetryStream: () => Request) => {
					superseded = true;
					attach(createRetryStream());
				});
				pipeline(request, createWriteStream(dest)).then(
					() => {
						logExchange(request.response?.statusCode ?? 200);
						const final = request.redirectUrls.at(-1);
						const headers = request.response?.headers ?? {};
						resolve({
							status: request.response?.statusCode ?? 200,
							bytes,
							finalUrl: final && `${final.origin}${final.pathname}`,
							location: typeof headers.location === 'string' ? headers.location : undefined,
							contentEncoding: typeof headers['content-encoding'] === 'string' ? headers['content-encoding'] : undefined,
						});
					},
					(error: unknown) => {
						if (superseded) return;
						logExchange(error instanceof HTTPError ? error.response.statusCode : ((error as NodeJS.ErrnoException).code ?? 'failed'));
						if (error instanceof HTTPError && (options.passStatuses ?? []).includes(error.response.statusCode)) {
							const location = error.response.headers.location;
							const body = error.response.body;
							const errorBody = typeof body === 'string' ? body.slice(0, 1000) : Buffer.isBuffer(body) ? body.subarray(0, 1000).toString('utf8') : undefined;
							resolve({ status: error.response.statusCode, bytes: 0, location: typeof location === 'string' ? location : undefined, errorBody });
							return;
						}
						reject(toClientError(error, what, options.signal));
					},
				);
			};
			attach(start());
		}).finally(() => scoped.done());
	}
}

/**
A signal of the request's own that follows the run's. got adds an abort listener to the signal of every request and
never removes it, so passing the run's signal to each request leaked one listener per window (a 90-day backfill
warned of a leak); this listener is removed when the request settles.
*/
function requestSignal(signal: AbortSignal | undefined): { signal?: AbortSignal; done: () => void } {
	if (!signal) return { done: () => undefined };
	const controller = new AbortController();
	if (signal.aborted) controller.abort(signal.reason);
	const follow = () => controller.abort(signal.reason);
	signal.addEventListener('abort', follow, { once: true });
	return { signal: controller.signal, done: () => signal.removeEventListener('abort', follow) };
}

function parseJson<T>(text: string, status: number, what: string, lenient = false): T {
	try {
		return (text === '' ? undefined : JSON.parse(text)) as T;
	} catch {
		if (lenient) return undefined as T;
		throw new AmpImportError('unavailable', `${what}: Amplitude answered ${status} with a body that is not JSON`, {
			hint: 'Check `endpoint` (a proxy or captive portal may be answering); rerun later.',
		});
	}
}

function stripSlash(path: string): string {
	return path.replace(/^\/+/, '');
}

function describeFailure(error: Error): string {
	if (error instanceof HTTPError) return `HTTP ${error.response.statusCode}`;
	return (error as NodeJS.ErrnoException).code ?? error.message;
}

const networkKinds: Record<string, ErrorKind> = { ETIMEDOUT: 'unavailable', ECONNRESET: 'unavailable', ECONNREFUSED: 'unavailable' };

/** Every HTTP failure becomes an AmpImportError here: statuses by the policy table, the rest as network failures. */
export function toClientError(error: unknown, what: string, signal?: AbortSignal): AmpImportError {
	if (error instanceof AmpImportError) return error;
	if (signal?.aborted) {
		const reason: unknown = signal.reason;
		return reason instanceof AmpImportError ? reason : new AmpImportError('interrupted', `${what}: interrupted`, { cause: error });
	}
	if (error instanceof HTTPError) {
		const status = error.response.statusCode;
		const rule = ruleFor(status);
		const detail = bodySnippet(error.response.body);
		const host = error.options?.url ? new URL(String(error.options.url)).host : undefined;
		return new AmpImportError(rule.kind, `${what}: ${rule.message} (HTTP ${status}${host ? ` from ${host}` : ''})${detail}`, {
			hint: rule.kind === 'auth' ? authHint(host) : rule.hint,
			cause: new Error(`HTTP ${status}`),
			httpStatus: status,
		});
	}
	if (error instanceof RequestError) {
		const code = error.code;
		const host = error.options?.url ? new URL(String(error.options.url)).host : 'Amplitude';
		return new AmpImportError(networkKinds[code] ?? 'unavailable', `${what}: cannot reach ${host} (${code}: ${error.message.split('\n')[0]})`, {
			hint: 'Check the network, proxy and `endpoint`; retries are exhausted, so rerun later.',
			cause: new Error(`${code}: ${error.message}`),
		});
	}
	return new AmpImportError('internal', `${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

function bodySnippet(body: unknown): string {
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
	const trimmed = text.replace(/\s+/g, ' ').trim().slice(0, 160);
	return trimmed ? `: ${trimmed}` : '';
}
