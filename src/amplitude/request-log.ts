import type { Logger } from '../io/logger.js';

/**
With --verbose, one line per HTTP exchange: method, path (no query: a pre-signed link's query is a credential),
status, time to the response headers and, for a body read whole, its size. got runs no such hook for a stream:
downloads log their own line when they end (client.ts).
*/
export function requestLogHooks(logger: Logger) {
	return {
		afterResponse: [
			(response: { statusCode: number; timings: { start: number; response?: number }; requestUrl: URL; request: { options: { method: string } }; headers: Record<string, unknown> }) => {
				const ms = (response.timings.response ?? Date.now()) - response.timings.start;
				const length = response.headers['content-length'];
				const bytes = typeof length === 'string' ? `${length} bytes` : 'streamed';
				logger.debug(`HTTP ${response.request.options.method} ${response.requestUrl.pathname} ${response.statusCode} ${ms} ms ${bytes}`);
				return response;
			},
		],
	};
}
