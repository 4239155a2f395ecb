import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { setupServer } from 'msw/node';

/**
One msw server per test file: every request must be handled, so a test can never reach the real Amplitude. Only
loopback passes through unhandled, for the tests that run a real local server (or a closed port) on 127.0.0.1.
*/
export function useMsw() {
	const server = setupServer();
	beforeAll(() =>
		server.listen({
			onUnhandledRequest(request, print) {
				if (new URL(request.url).hostname !== '127.0.0.1') print.error();
			},
		}),
	);
	afterEach(() => server.resetHandlers());
	afterAll(() => server.close());
	return server;
}

export const US = 'https://amplitude.com';
export const EU = 'https://analytics.eu.amplitude.com';
