import type { AmplitudeClient } from '../amplitude/client.js';
import type { Config } from '../config/schema.js';
import type { DemoServer } from '../demo/server.js';
import type { Context } from './context.js';
import { collectorOfDownloads } from '../runtime/young-collector.js';

/**
`--demo`: runs `job` against the bundled sample project on 127.0.0.1, with a client for it, and stops the server
after. With `-o lytics:` a Lytics stand-in receives the output, and what it stored is printed as NDJSON.
*/
export async function withDemo(ctx: Context, config: Config, job: (demo: DemoServer, client: AmplitudeClient) => Promise<void>, output?: string): Promise<void> {
	const { startDemoServer } = await import('../demo/server.js');
	const { AmplitudeClient } = await import('../amplitude/client.js');
	const demo = await startDemoServer();
	const lytics = output?.startsWith('lytics:') ? await startLyticsStandIn(ctx) : undefined;
	try {
		ctx.logger.info(`demo: serving a bundled sample project on ${demo.url} (no credentials needed)`);
		const client = new AmplitudeClient({ baseUrl: demo.url, credentials: demo.credentials, http: config.http, logger: ctx.logger, retry: ctx.hooks.retry, onDownloadBytes: collectorOfDownloads() });
		await job(demo, client);
		if (lytics) {
			for (const [stream, records] of lytics.standIn.stored) {
				ctx.logger.info(`demo: the Lytics stand-in stored ${records.length} records in stream ${stream}; here they are`);
				for (const record of records) ctx.io.stdout.write(`${JSON.stringify(record)}\n`);
			}
		}
	} finally {
		await demo.close();
		await lytics?.close();
	}
}

async function startLyticsStandIn(ctx: Context) {
	const { LyticsStandIn } = await import('../demo/lytics-server.js');
	const standIn = new LyticsStandIn();
	const served = await standIn.listen();
	ctx.demoLytics = { endpoint: served.url, token: standIn.token };
	ctx.logger.info(`demo: a Lytics stand-in takes the output on ${served.url}`);
	return { standIn, close: served.close };
}
