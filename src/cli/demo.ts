import type { AmplitudeClient } from '../amplitude/client.js';
import type { Config } from '../config/schema.js';
import type { DemoServer } from '../demo/server.js';
import type { Context } from './context.js';
import { collectorOfDownloads } from '../runtime/young-collector.js';

/** `--demo`: runs `job` against the bundled sample project on 127.0.0.1, with a client for it, and stops the server after. */
export async function withDemo(ctx: Context, config: Config, job: (demo: DemoServer, client: AmplitudeClient) => Promise<void>): Promise<void> {
	const { startDemoServer } = await import('../demo/server.js');
	const { AmplitudeClient } = await import('../amplitude/client.js');
	const demo = await startDemoServer();
	try {
		ctx.logger.info(`demo: serving a bundled sample project on ${demo.url} (no credentials needed)`);
		const client = new AmplitudeClient({ baseUrl: demo.url, credentials: demo.credentials, http: config.http, logger: ctx.logger, retry: ctx.hooks.retry, onDownloadBytes: collectorOfDownloads() });
		await job(demo, client);
	} finally {
		await demo.close();
	}
}
