import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { JobContext } from '../jobs/context.js';
import type { AmplitudeClient } from '../amplitude/client.js';
import { cohortUsage, listCohorts, type CohortInfo } from '../amplitude/cohorts-api.js';
import type { Config, Region } from '../config/schema.js';
import { compileLineMapper } from '../mapping/compile.js';
import { cohortFieldTable } from '../mapping/cohorts-table.js';
import { epochToRfc3339 } from '../mapping/timestamps.js';
import { OutputClosedError } from '../pipeline/output-sink.js';
import { LineBuffer } from '../bytes/line-buffer.js';
import { floorHour } from '../amplitude/hours.js';
import { stateDirOf } from '../paths.js';
import { fsError } from '../errors.js';
import { tempTag } from '../delivery/leftovers.js';
import { startRun } from '../delivery/run-guard.js';
import { commitFiles, RunOutput } from '../delivery/run-output.js';
import { cohortsStateFiles, CohortsStateWriter } from '../state/cohorts-state.js';
import { Semaphore, RateLimit } from './limits.js';
import { MemberMapping } from './member-mapping.js';
import { memberRecords, type CohortDone } from './member-records.js';
import { MemberStore, type NextMembers } from './member-store.js';
import { prepareCohort, type PreparedCohort } from './prepare.js';
import { selectCohorts } from './select.js';
import { cohortsProgress } from './progress-line.js';
import { checkRejects, openLyticsTarget } from '../delivery/lytics-target.js';
import type { LyticsTarget } from '../delivery/lytics-delivery.js';
import { lyticsStreamOf } from '../config/schema.js';
import { CohortsRunStats } from './stats.js';

/** Amplitude's cap on a downloadable cohort (since August 2024). */
export const maxCohortMembers = 2_000_000;

export interface CohortsRunOptions {
	force: boolean;
	dryRun: boolean;
	demo?: { client: AmplitudeClient; apiKey: string };
	/** Test knobs: the first poll delay and its cap. */
	pollMs?: number;
	/** --overwrite: the run may replace an existing output file. */
	overwrite?: boolean;
}

type Decision = { cohort: CohortInfo; action: 'import' | 'unchanged' | 'too-large' };

/**
`amp-import cohorts`: list the project's cohorts, pick the selected ones, skip those unchanged since their last
import, then for the rest request, poll and download their member files (a few at a time) and stream each, in
selection order, through CSV → mapping → NDJSON sink, with the members who left since the last import.
*/
export async function runCohorts(ctx: JobContext, config: Config, options: CohortsRunOptions): Promise<void> {
	const { io } = ctx;
	const auth = options.demo ? undefined : await ctx.auth();
	const client = options.demo?.client ?? (await ctx.client(auth));
	const region: Region = auth?.region ?? 'us';
	const stateDir = options.demo ? join(tmpdir(), `amp-import-demo-${process.pid}`) : stateDirOf(config.stateDir, io.cwd, io.env);
	const files = cohortsStateFiles(stateDir, options.demo?.apiKey ?? auth!.credentials.apiKey, region);
	const stream = lyticsStreamOf(config.cohorts.output, 'cohorts', config.lytics.stream);
	const output = config.cohorts.output && config.cohorts.output !== '-' && !stream ? resolve(io.cwd, config.cohorts.output) : undefined;
	const guard = options.dryRun ? undefined : await startRun({ job: 'cohorts', files: { ...files, dir: stateDir }, output, now: io.now(), signal: ctx.signal, logger: ctx.logger });
	let runOutput: RunOutput<CohortDone> | undefined;
	try {
		const state = await CohortsStateWriter.open(files.state, region);
		const stats = new CohortsRunStats();
		// The table's output names the config may change: Lytics' integration's "Amplitude ID Field" and "Cohort Names Field".
		const rename = { amplitude_id: config.cohorts.idField, amplitude_cohort_names: config.cohorts.namesField };
		// No thread starts before the first block is mapped.
		const mapping = new MemberMapping({ rename, raw: config.cohorts.shape === 'raw', workers: config.cohorts.workers });
		const lytics =
			guard && stream
				? openLyticsTarget(await ctx.lytics(), { job: 'cohorts', stream, config: config.lytics, stateDir, projectKey: options.demo ? undefined : files.key, dryrun: false, signal: guard.signal, logger: ctx.logger, now: io.now })
				: undefined;
		if (guard) runOutput = await openOutput(ctx, config, { files, state, stats, mapping, options, lockLost: guard.lockLost, lytics });
		const all = await listCohorts(client, { signal: ctx.signal });
		const selected = selectCohorts(all, config.cohorts.select);
		const decisions = selected.map((cohort): Decision => ({ cohort, action: decide(cohort, state, options.force) }));
		if (options.dryRun) {
			printPlan(ctx, decisions);
			// Downloading would spend cohort downloads (500 a month): a dry run into Lytics checks the token and the stream instead.
			if (stream) await checkLyticsStream(ctx, stream);
			return;
		}
		const run = { files, state, stats, mapping, rename, options, output: runOutput!, signal: guard!.signal, lytics };
		runOutput = undefined; // from here importCohorts ends it
		await importCohorts(ctx, config, client, decisions, run);
	} finally {
		await runOutput?.fail().catch(() => undefined);
		await guard?.release();
		if (options.demo) await rm(stateDir, { recursive: true, force: true });
	}
}

interface RunParts {
	files: ReturnType<typeof cohortsStateFiles>;
	state: CohortsStateWriter;
	stats: CohortsRunStats;
	mapping: MemberMapping;
	options: CohortsRunOptions;
}

/** The run's output, checked before any request: each cohort's records commit with its member list and state. */
function openOutput(ctx: JobContext, config: Config, parts: RunParts & { lockLost: () => Error | undefined; lytics?: LyticsTarget }): Promise<RunOutput<CohortDone>> {
	const { io, logger } = ctx;
	const { files, state, stats, mapping, options, lockLost, lytics } = parts;
	const now = io.now();
	const hour = floorHour(now.getTime());
	return RunOutput.open<CohortDone>({
		job: 'cohorts',
		output: config.cohorts.output,
		cwd: io.cwd,
		stdout: io.stdout,
		gzip: config.cohorts.gzip,
		names: () => ({ first: hour, last: hour, now }),
		stateful: true,
		overwrite: Boolean(options.overwrite),
		tag: tempTag('cohorts', files.key),
		release: mapping.giveOutput,
		lockLost,
		lytics: lytics && {
			target: lytics,
			// The same cohort computed at the same time, diffed against the same last import: the same records.
			name: ({ prepared: { cohort } }) => ({
				key: `${config.cohorts.shape}:${config.cohorts.changesOnly}:${cohort.id}:${cohort.lastComputed ?? ''}:${state.cohort(cohort.id)?.importedAt ?? 'first'}`,
				filename: `amplitude-cohort-${cohort.id}`,
			}),
		},
		commit: async (units, renames, deliver) => {
			const lists = units.map(({ next }) => ({ from: next.tempPath, to: next.finalPath }));
			const importedAt = io.now().toISOString();
			await state.commit(
				(draft) => {
					for (const { prepared, members, list } of units) {
						const { cohort } = prepared;
						draft.cohorts[cohort.id] = { name: cohort.name, lastComputed: cohort.lastComputed, importedAt, members, list };
					}
				},
				(change) => commitFiles(files.journal, [...renames, ...lists], change, deliver),
			);
			stats.imported += units.length;
			for (const { prepared, members } of units) logger.info(`cohort ${prepared.cohort.id} "${prepared.cohort.name}": ${members} members imported`);
		},
	});
}

function decide(cohort: CohortInfo, state: CohortsStateWriter, force: boolean): Decision['action'] {
	if ((cohort.size ?? 0) > maxCohortMembers) return 'too-large';
	const previous = state.cohort(cohort.id);
	const unchanged = previous?.importedAt !== undefined && cohort.lastComputed !== undefined && previous.lastComputed === cohort.lastComputed;
	return unchanged && !force ? 'unchanged' : 'import';
}

function printPlan(ctx: JobContext, decisions: Decision[]): void {
	for (const { cohort, action } of decisions) {
		ctx.io.stdout.write(`${action === 'import' ? 'request' : `skip (${action})`}\t${cohort.id}\t${cohort.name}\n`);
	}
	ctx.logger.info('dry run: nothing was requested or written');
}

async function importCohorts(
	ctx: JobContext,
	config: Config,
	client: AmplitudeClient,
	decisions: Decision[],
	run: RunParts & { rename: Record<string, string>; output: RunOutput<CohortDone>; signal: AbortSignal; lytics?: LyticsTarget },
): Promise<void> {
	const { logger, io } = ctx;
	const { files, state, stats, mapping, rename, options, output, signal: runSignal } = run;
	const cfg = config.cohorts;
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
		await output.fail();
		await mapping.close();
		logger.summary('cohorts run summary', stats.summary({ output: 'none' }), stats.humanSummary('none (nothing to import)'));
		return;
	}

	const started: NextMembers[] = [];
	const tag = tempTag('cohorts', files.key);
	const tempDir = await mkdtemp(join(tmpdir(), `${tag}-`)).catch(async (error: unknown) => {
		await output.fail();
		throw fsError(error, `creating a temp folder in ${tmpdir()}`);
	});
	const internal = new AbortController();
	const signal = AbortSignal.any([runSignal, internal.signal]);
	const semaphore = new Semaphore(cfg.concurrency);
	const limiter = new RateLimit(60, 10 * 60_000, () => io.now().getTime(), (ms) => io.sleep(ms, signal));
	const prepareContext = { client, config: cfg, state, limiter, tempDir, logger, stats, signal, now: io.now, sleep: io.sleep, pollMs: options.pollMs };
	// The leavers' lines are made here (the members' on worker threads); both travel in pooled buffers back from the sink.
	const lines = new LineBuffer(512 << 10);
	const mapper = compileLineMapper(cohortFieldTable, rename);
	stats.toImport = toImport.length;
	const progress = ctx.progress(cohortsProgress(stats));
	let prepares: Array<Promise<PreparedCohort>> = [];
	let outputPath: string | undefined;
	try {
		await progress.start();
		prepares = toImport.map((cohort) => semaphore.run(() => prepareCohort(prepareContext, cohort)));
		for (const p of prepares) p.catch(() => undefined); // awaited in order below; a failure surfaces there
		const source = async function* () {
			for (const pending of prepares) {
				const prepared = await pending;
				stats.doing(prepared.cohort.id, prepared.cohort.name, 'writing');
				const store = new MemberStore(files.dir, files.key, prepared.cohort.id);
				const last = state.cohort(prepared.cohort.id);
				const previousList = last?.importedAt === undefined ? undefined : { count: last.list?.count ?? last.members ?? 0, sha256: last.list?.sha256 };
				yield* memberRecords(prepared, { store, mapping, mapper, raw: cfg.shape === 'raw', changesOnly: cfg.changesOnly, stats, logger, started, lines, previousList, force: options.force, tag });
				stats.done(prepared.cohort.id);
			}
		};
		await pipeline(source, output.sink, { signal: runSignal });
		outputPath = await output.finish();
	} catch (error) {
		progress.stop();
		internal.abort();
		await output.fail().catch(() => undefined);
		await Promise.allSettled(prepares);
		if (error instanceof OutputClosedError) {
			logger.info('output closed by the reader; stopped');
			return;
		}
		throw runSignal.aborted && runSignal.reason ? runSignal.reason : error;
	} finally {
		progress.stop();
		await mapping.close(); // first: a thread left running would keep the process from exiting
		// A member list that was committed has been renamed away: removing its temp name is a no-op.
		for (const next of started) await next.discard();
		await rm(tempDir, { recursive: true, force: true });
	}
	const where = outputPath ?? (run.lytics ? `Lytics stream ${run.lytics.stream}` : 'stdout');
	const summary = { ...stats.summary({ output: where }), lytics: run.lytics?.stats.toJSON() };
	await state.setLastRun(summary);
	logger.summary('cohorts run summary', summary, [...stats.humanSummary(where), ...(run.lytics?.stats.humanRows() ?? [])]);
	checkRejects(run.lytics);
}

/** One `dryrun=true` request to the stream (Lytics validates it and stores nothing): the token and stream work. */
async function checkLyticsStream(ctx: JobContext, stream: string): Promise<void> {
	const client = await ctx.lytics();
	const outcome = await client.probe(stream, ctx.signal);
	if (outcome.kind === 'refused') ctx.logger.warn(`dry run: Lytics refused a test record on ${stream} (HTTP ${outcome.status}: ${outcome.message})`);
	else ctx.logger.info(`dry run: Lytics accepted the token for stream ${stream} on ${client.host} (dryrun=true, nothing stored)`);
}
