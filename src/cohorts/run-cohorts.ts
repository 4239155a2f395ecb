import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Context } from '../cli/context.js';
import { Progress } from '../cli/progress.js';
import type { AmplitudeClient } from '../amplitude/client.js';
import { cohortUsage, listCohorts, type CohortInfo } from '../amplitude/cohorts-api.js';
import type { Config, Region } from '../config/schema.js';
import { compileLineMapper } from '../mapping/compile.js';
import { cohortFieldTable } from '../mapping/cohorts-table.js';
import { epochToRfc3339 } from '../mapping/timestamps.js';
import { OutputClosedError, OutputSink, type SinkTarget } from '../pipeline/output-sink.js';
import { LineBuffer } from '../pipeline/line-buffer.js';
import { resolveOutputName } from '../events/output-name.js';
import { floorHour } from '../events/hours.js';
import { stateDirOf } from '../paths.js';
import { cohortsStateFiles, CohortsStateWriter } from './cohorts-state.js';
import { Semaphore, RateLimit } from './limits.js';
import { MemberMapping } from './member-mapping.js';
import { memberRecords, type CohortDone } from './member-records.js';
import { MemberStore, type NextMembers } from './member-store.js';
import { prepareCohort, type PreparedCohort } from './prepare.js';
import { selectCohorts } from './select.js';
import { CohortsRunStats } from './stats.js';

/** Amplitude's cap on a downloadable cohort (since August 2024). */
export const maxCohortMembers = 2_000_000;

export interface CohortsRunOptions {
	force: boolean;
	dryRun: boolean;
	demo?: { client: AmplitudeClient; apiKey: string };
	/** Test knobs: the first poll delay and its cap. */
	pollMs?: number;
}

type Decision = { cohort: CohortInfo; action: 'import' | 'unchanged' | 'too-large' };

/**
`amp-import cohorts`: list the project's cohorts, pick the selected ones, skip those unchanged since their last
import, then for the rest request, poll and download their member files (a few at a time) and stream each, in
selection order, through CSV → mapping → NDJSON sink, with the members who left since the last import.
*/
export async function runCohorts(ctx: Context, config: Config, options: CohortsRunOptions): Promise<void> {
	const { io } = ctx;
	const auth = options.demo ? undefined : await ctx.auth();
	const client = options.demo?.client ?? (await ctx.client(auth));
	const region: Region = auth?.region ?? 'us';
	const stateDir = options.demo ? join(tmpdir(), `amp-import-demo-${process.pid}`) : stateDirOf(config.stateDir, io.cwd, io.env);
	const files = cohortsStateFiles(stateDir, options.demo?.apiKey ?? auth!.credentials.apiKey, region);
	if (!options.dryRun) await files.lock.acquire('cohorts', io.now());
	try {
		const all = await listCohorts(client, { signal: ctx.signal });
		const selected = selectCohorts(all, config.cohorts.select);
		const state = await CohortsStateWriter.open(files.state, region);
		const decisions = selected.map((cohort): Decision => ({ cohort, action: decide(cohort, state, options.force) }));
		if (options.dryRun) return printPlan(ctx, decisions);
		await importCohorts(ctx, config, client, files, state, decisions, options);
	} finally {
		await files.lock.release();
		if (options.demo) await rm(stateDir, { recursive: true, force: true });
	}
}

function decide(cohort: CohortInfo, state: CohortsStateWriter, force: boolean): Decision['action'] {
	if ((cohort.size ?? 0) > maxCohortMembers) return 'too-large';
	const previous = state.cohort(cohort.id);
	const unchanged = previous?.importedAt !== undefined && cohort.lastComputed !== undefined && previous.lastComputed === cohort.lastComputed;
	return unchanged && !force ? 'unchanged' : 'import';
}

function printPlan(ctx: Context, decisions: Decision[]): void {
	for (const { cohort, action } of decisions) {
		ctx.io.stdout.write(`${action === 'import' ? 'request' : `skip (${action})`}\t${cohort.id}\t${cohort.name}\n`);
	}
	ctx.logger.info('dry run: nothing was requested or written');
}

async function importCohorts(
	ctx: Context,
	config: Config,
	client: AmplitudeClient,
	files: ReturnType<typeof cohortsStateFiles>,
	state: CohortsStateWriter,
	decisions: Decision[],
	options: CohortsRunOptions,
): Promise<void> {
	const { logger, io } = ctx;
	const cfg = config.cohorts;
	const stats = new CohortsRunStats();
	stats.selected = decisions.length;
	for (const { cohort, action } of decisions) {
		if (action === 'unchanged') {
			stats.skippedUnchanged++;
			logger.info(`cohort ${cohort.id} "${cohort.name}": unchanged since its last import (lastComputed ${epochToRfc3339(cohort.lastComputed ?? 0)}); skipped (--force to import anyway)`);
		}
		if (action === 'too-large') {
			stats.skippedTooLarge++;
			logger.warn(`cohort ${cohort.id} "${cohort.name}" has ${cohort.size} members, over Amplitude's download cap of ${maxCohortMembers}; skipped (use a cohort sync instead)`);
		}
	}
	const toImport = decisions.filter((d) => d.action === 'import').map((d) => d.cohort);
	const usage = await cohortUsage(client, ctx.signal).catch(() => undefined);
	if (usage) logger.debug('cohort download usage', { usage });
	if (toImport.length === 0) {
		logger.summary('cohorts run summary', stats.summary({ output: 'none' }));
		return;
	}

	const now = io.now();
	const template = cfg.output && cfg.output !== '-' ? resolve(io.cwd, cfg.output) : undefined;
	const hour = floorHour(now.getTime());
	const finalName = template && resolveOutputName(template, { first: hour, last: hour, now });
	const target: SinkTarget = finalName ? { kind: 'file', path: finalName } : { kind: 'stdout', stream: io.stdout };
	const committed = new Set<NextMembers>();
	const started: NextMembers[] = [];
	const tempDir = await mkdtemp(join(tmpdir(), 'amp-import-cohorts-'));
	// The table's output names the config may change: the seed's "Amplitude ID Field" and "Cohort Names Field".
	const rename = { amplitude_id: cfg.idField, amplitude_cohort_names: cfg.namesField };
	const mapping = new MemberMapping({ rename, raw: cfg.shape === 'raw', workers: cfg.workers });
	const sink = new OutputSink<CohortDone>(target, {
		gzip: cfg.gzip || Boolean(finalName?.endsWith('.gz')),
		release: mapping.giveOutput,
		onDurable: async ({ prepared, next, members }) => {
			await next.commit();
			committed.add(next);
			stats.imported++;
			const { cohort } = prepared;
			await state.update(cohort.id, cohort.name, () => ({ name: cohort.name, lastComputed: cohort.lastComputed, importedAt: io.now().toISOString(), members, pending: undefined }));
			logger.info(`cohort ${cohort.id} "${cohort.name}": ${members} members imported`);
		},
	});
	const internal = new AbortController();
	const signal = AbortSignal.any([ctx.signal, internal.signal]);
	const semaphore = new Semaphore(cfg.concurrency);
	const limiter = new RateLimit(60, 10 * 60_000, () => io.now().getTime(), (ms) => io.sleep(ms, signal));
	const prepareContext = { client, config: cfg, state, limiter, tempDir, logger, stats, signal, now: io.now, sleep: io.sleep, pollMs: options.pollMs };
	// The leavers' lines are made here (the members' on worker threads); both travel in pooled buffers back from the sink.
	const lines = new LineBuffer(512 << 10);
	const mapper = compileLineMapper(cohortFieldTable, rename);
	let current = '';
	const progress = new Progress(ctx, () => `cohorts ${current} · ${stats.members.toLocaleString('en-US')} members · ${stats.polls} polls`);
	let prepares: Array<Promise<PreparedCohort>> = [];
	let outputPath: string | undefined;
	try {
		await sink.open();
		await progress.start();
		prepares = toImport.map((cohort) => semaphore.run(() => prepareCohort(prepareContext, cohort)));
		for (const p of prepares) p.catch(() => undefined); // awaited in order below; a failure surfaces there
		const source = async function* () {
			for (const pending of prepares) {
				const prepared = await pending;
				current = `"${prepared.cohort.name}"`;
				const store = new MemberStore(files.dir, files.key, prepared.cohort.id);
				yield* memberRecords(prepared, { store, mapping, mapper, raw: cfg.shape === 'raw', changesOnly: cfg.changesOnly, stats, logger, started, lines });
			}
		};
		await pipeline(source, sink, { signal: ctx.signal });
		outputPath = await sink.commit();
	} catch (error) {
		progress.stop();
		internal.abort();
		outputPath = await sink.abort().catch(() => undefined);
		await Promise.allSettled(prepares);
		if (outputPath) logger.warn(`kept the ${stats.imported} completely imported cohort(s) in ${outputPath}`);
		if (error instanceof OutputClosedError) {
			logger.info('output closed by the reader; stopped');
			return;
		}
		throw ctx.signal.aborted && ctx.signal.reason ? ctx.signal.reason : error;
	} finally {
		progress.stop();
		await mapping.close(); // first: a thread left running would keep the process from exiting
		for (const next of started) if (!committed.has(next)) await next.discard();
		await rm(tempDir, { recursive: true, force: true });
	}
	const summary = stats.summary({ output: outputPath ?? 'stdout' });
	await state.setLastRun(summary);
	logger.summary('cohorts run summary', summary);
}
