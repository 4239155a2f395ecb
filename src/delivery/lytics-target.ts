import type { CollectClient } from '../lytics/collect-client.js';
import type { Logger } from '../io/logger.js';
import type { LyticsConfig } from '../config/schema.js';
import { dataError } from '../errors.js';
import { DeliveryLog } from '../state/lytics-delivery.js';
import type { LyticsTarget } from './lytics-delivery.js';
import { LyticsStats } from './lytics-stats.js';
import { RejectsFile } from './rejects-file.js';

/**
Everything a run needs to deliver into a Lytics stream: the client with the run's token, the log of accepted
batches (per job, project and stream; none for a dry run, which records nothing), the rejects file and the counts.
*/
export function openLyticsTarget(
	client: CollectClient,
	o: { job: 'events' | 'cohorts'; stream: string; config: LyticsConfig; timestampField?: string; stateDir: string; projectKey?: string; dryrun: boolean; signal: AbortSignal; logger: Logger; now: () => Date },
): LyticsTarget {
	return {
		client,
		stream: o.stream,
		timestampField: o.config.timestampField ?? o.timestampField,
		dryrun: o.dryrun,
		log: o.dryrun || !o.projectKey ? undefined : new DeliveryLog(o.stateDir, o.job, o.projectKey, o.stream),
		batchBytes: o.config.batchBytes,
		maxRecordBytes: o.config.maxRecordBytes,
		rejects: new RejectsFile(o.stateDir, o.job, o.now()),
		stats: new LyticsStats(o.stream, o.dryrun),
		logger: o.logger,
		signal: o.signal,
		now: o.now,
	};
}

/** After a run that delivered everything else: refused records make it exit 65, so cron sees them. */
export function checkRejects(target: LyticsTarget | undefined): void {
	const { stats } = target ?? {};
	if (!stats?.rejects) return;
	throw dataError(
		`Lytics refused ${stats.rejects} record(s); the rest was delivered. They are in ${stats.rejectsPath}, each with Lytics' reason`,
		'Fix or drop them and send the file yourself; a rerun does not send them again.',
	);
}
