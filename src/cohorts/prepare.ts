import { join } from 'node:path';
import type { AmplitudeClient } from '../amplitude/client.js';
import { cohortRequestStatus, requestCohort, type CohortInfo } from '../amplitude/cohorts-api.js';
import type { Logger } from '../io/logger.js';
import type { CohortsConfig } from '../config/schema.js';
import { AmpImportError } from '../errors.js';
import type { CohortsStateWriter } from '../state/cohorts-state.js';
import { downloadCohortFile } from './download-file.js';
import type { RateLimit } from './limits.js';
import type { CohortsRunStats } from './stats.js';

export interface PreparedCohort {
	cohort: CohortInfo;
	requestId: string;
	file: string;
}

const requestLifetimeMs = 7 * 24 * 3_600_000; // a request's /file link works for 7 days

export interface PrepareContext {
	client: AmplitudeClient;
	config: CohortsConfig;
	state: CohortsStateWriter;
	limiter: RateLimit;
	tempDir: string;
	logger: Logger;
	stats: CohortsRunStats;
	signal: AbortSignal;
	now: () => Date;
	sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	/** First poll delay; grows by half each poll up to `maxPollMs`. */
	pollMs?: number;
	maxPollMs?: number;
}

/**
Gets one cohort's member file onto disk: request a download (or resume the one saved in state), poll until it is
ready, download it. The request id is saved before polling, so a crash or a deadline never costs another of the
month's 500 downloads: the next run polls the same request.
*/
export async function prepareCohort(p: PrepareContext, cohort: CohortInfo): Promise<PreparedCohort> {
	p.stats.doing(cohort.id, cohort.name, 'requesting');
	let requestId = resumable(p, cohort);
	if (requestId) {
		p.stats.resumed++;
		p.logger.info(`cohort ${cohort.id} "${cohort.name}": resuming download request ${requestId}`);
	} else {
		requestId = await newRequest(p, cohort);
	}
	try {
		await pollUntilReady(p, cohort, requestId);
	} catch (error) {
		// A saved request Amplitude no longer knows: request again, once.
		if (!(error instanceof AmpImportError && error.httpStatus === 404 && p.stats.resumedIds.has(requestId))) throw error;
		p.logger.warn(`cohort ${cohort.id}: saved request ${requestId} is unknown to Amplitude; requesting a new download`);
		requestId = await newRequest(p, cohort);
		await pollUntilReady(p, cohort, requestId);
	}
	const file = join(p.tempDir, `cohort-${cohort.id.replace(/[^A-Za-z0-9_-]/g, '_')}.csv`);
	p.stats.doing(cohort.id, cohort.name, 'downloading');
	const { via } = await downloadCohortFile(p.client, requestId, file, {
		signal: p.signal,
		logger: p.logger,
		onProgress: (bytes, total) => p.stats.doing(cohort.id, cohort.name, 'downloading', { bytes, total }),
	});
	p.logger.debug(`cohort ${cohort.id}: file downloaded (${via === 's3' ? 'through its S3 link' : 'in the response body'})`);
	return { cohort, requestId, file };
}

function resumable(p: PrepareContext, cohort: CohortInfo): string | undefined {
	const pending = p.state.cohort(cohort.id)?.pending;
	if (!pending) return undefined;
	if (p.now().getTime() - Date.parse(pending.requestedAt) > requestLifetimeMs - 3_600_000) return undefined;
	p.stats.resumedIds.add(pending.requestId);
	return pending.requestId;
}

async function newRequest(p: PrepareContext, cohort: CohortInfo): Promise<string> {
	await p.limiter.take();
	const requestId = await requestCohort(p.client, cohort.id, { props: p.config.props, propKeys: p.config.propKeys, signal: p.signal });
	p.stats.requested++;
	await p.state.update(cohort.id, cohort.name, (c) => ({
		...c,
		name: cohort.name,
		pending: { requestId, requestedAt: p.now().toISOString(), lastComputed: cohort.lastComputed },
	}));
	p.logger.info(`cohort ${cohort.id} "${cohort.name}": download requested (${requestId})`);
	return requestId;
}

async function pollUntilReady(p: PrepareContext, cohort: CohortInfo, requestId: string): Promise<void> {
	const deadlineMs = p.config.pollDeadlineMinutes * 60_000;
	let delay = p.pollMs ?? 5000;
	let waited = 0;
	for (;;) {
		p.stats.polls++;
		const poll = (p.stats.activity.get(cohort.id)?.poll ?? 0) + 1;
		p.stats.doing(cohort.id, cohort.name, 'polling', { poll });
		if ((await cohortRequestStatus(p.client, requestId, p.signal)) === 'done') return;
		p.stats.doing(cohort.id, cohort.name, 'polling', { poll, nextPollAt: Date.now() + delay });
		if (waited + delay > deadlineMs) {
			throw new AmpImportError('transient', `cohort ${cohort.id} "${cohort.name}": download ${requestId} still not ready after ${p.config.pollDeadlineMinutes} min`, {
				hint: 'The request id is kept in state: rerun and it resumes polling without spending another download (or raise cohorts.pollDeadlineMinutes).',
			});
		}
		await p.sleep(delay, p.signal);
		waited += delay;
		delay = Math.min(Math.round(delay * 1.5), p.maxPollMs ?? 30_000);
	}
}
