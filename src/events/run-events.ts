import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { JobContext } from '../jobs/context.js';
import type { AmplitudeClient } from '../amplitude/client.js';
import type { Config } from '../config/schema.js';
import { selectRows } from '../mapping/compile.js';
import { additionalEventFieldTable, eventFieldTable } from '../mapping/events-table.js';
import { OutputClosedError } from '../pipeline/output-sink.js';
import { cursorToHour, eventsStateFiles, hourToCursor, type EventsState } from '../state/events-state.js';
import type { StateFile } from '../state/state-file.js';
import type { Journal } from '../state/journal.js';
import { stateDirOf } from '../paths.js';
import { fsError } from '../errors.js';
import { tempTag } from '../delivery/leftovers.js';
import { startRun } from '../delivery/run-guard.js';
import { commitFiles, RunOutput } from '../delivery/run-output.js';
import { checkRejects, openLyticsTarget } from '../delivery/lytics-target.js';
import type { LyticsTarget } from '../delivery/lytics-delivery.js';
import { lyticsStreamOf } from '../config/schema.js';
import { projectKey } from '../state/project-key.js';
import { exportSource, type WindowDone } from './export-source.js';
import { addHours, exportHour, hoursBetween, isoHour } from '../amplitude/hours.js';
import { planRun, windows, type RunPlan } from './plan.js';
import { EventsRunStats } from './stats.js';
import { mapBlocks } from './map-blocks.js';
import { eventsProgress } from './progress-line.js';
import { formatBytes, formatCount, formatDuration } from '../io/units.js';

export interface EventsRunOptions {
	start?: number;
	end?: number;
	/** --state-dir was given: an explicit range then reads and writes state too. */
	stateDirFlag: boolean;
	dryRun: boolean;
	/** Set by --demo: a local server, its credentials and its range. */
	demo?: { client: AmplitudeClient; first: number; last: number };
	/** --overwrite: a run that keeps state may replace an existing output file. */
	overwrite?: boolean;
}

/** Where a stateful run keeps its cursor, lock and commit journal, and the tag of its temp files. */
interface RunFiles {
	state: StateFile<EventsState>;
	journal: Journal;
	key: string;
}

/**
`amp-import events`: plan the hour range, take the lock, stream every window through download → unzip → gunzip →
parse → map → NDJSON sink, and advance the cursor only when a window's output is durable.
*/
export async function runEvents(ctx: JobContext, config: Config, options: EventsRunOptions): Promise<void> {
	const { logger, io } = ctx;
	const explicit = options.demo ? { start: options.demo.first, end: options.demo.last } : { start: options.start, end: options.end };
	const stateful = !options.demo && (explicit.start === undefined || options.stateDirFlag);
	const auth = options.demo ? undefined : await ctx.auth();
	const stateDir = stateDirOf(config.stateDir, io.cwd, io.env);
	const files = auth && stateful ? { ...eventsStateFiles(stateDir, auth.credentials.apiKey, auth.region), dir: stateDir } : undefined;

	// Read under the lock (a killed run's decided commit completed first), except for a dry run, which takes none.
	const readPlan = async () => {
		const state = files ? await files.state.read() : undefined;
		const cursor = state ? cursorToHour(state.cursor) : undefined;
		return { cursor, plan: planRun({ now: io.now(), lagHours: config.events.lagHours, backfillDays: config.events.backfillDays, cursor, ...explicit }) };
	};
	const stream = lyticsStreamOf(config.events.output, 'events', config.lytics.stream);
	// A dry run into Lytics sends everything with dryrun=true (Lytics validates, stores nothing); any other prints the plan.
	if (options.dryRun && !stream) return printDryRun(ctx, (await readPlan()).plan, config.events.windowHours);
	const output = config.events.output && config.events.output !== '-' && !stream ? resolve(io.cwd, config.events.output) : undefined;
	const guard = await startRun({ job: 'events', files, output, now: io.now(), signal: ctx.signal, logger });
	try {
		const { cursor, plan } = await readPlan();
		if (plan.kind === 'up-to-date') {
			logger.info(`events are up to date: cursor ${isoHour(plan.cursor)}, newest exportable hour ${isoHour(plan.newest)}`);
			return;
		}
		if (plan.kind === 'from-now') {
			await files!.state.write(newState(auth!.region, plan.cursor, io.now()));
			logger.info(`backfillDays is 0: starting from now on; cursor set to ${isoHour(plan.cursor)}, nothing exported this time`);
			return;
		}
		if (plan.clampedFrom !== undefined) {
			logger.warn(`--end ${isoHour(plan.clampedFrom)} is not exportable yet; exporting up to the newest exportable hour, ${isoHour(plan.last)}`);
		}
		const client = options.demo?.client ?? (await ctx.client(auth));
		logger.info(`exporting events ${isoHour(plan.first)}..${isoHour(plan.last)} (${hoursBetween(plan.first, plan.last)} h, ${plan.reason})`);
		const continues = files && (cursor === undefined || plan.first === addHours(cursor, 1));
		const advance = continues && !options.dryRun ? files.state : undefined;
		if (files && !continues) logger.warn(`--start ${isoHour(plan.first)} does not continue the cursor ${isoHour(cursor!)}; the cursor is left alone`);
		const lytics = stream
			? openLyticsTarget(await ctx.lytics(), {
					job: 'events',
					stream,
					config: config.lytics,
					timestampField: config.events.shape === 'raw' ? 'event_time' : 'amplitude_event_time',
					stateDir,
					projectKey: auth && projectKey(auth.credentials.apiKey, auth.region),
					dryrun: options.dryRun,
					signal: guard.signal,
					logger,
					now: io.now,
				})
			: undefined;
		const run: RunContext = {
			files: options.dryRun ? undefined : files,
			advance,
			region: auth?.region ?? 'us',
			overwrite: Boolean(options.overwrite),
			signal: guard.signal,
			lockLost: guard.lockLost,
			lytics,
		};
		await exportRange(ctx, config, client, plan, run);
	} finally {
		await guard.release();
	}
}

interface RunContext {
	files?: RunFiles & { dir: string };
	/** The state file when this run continues the cursor (and so moves it). */
	advance?: StateFile<EventsState>;
	region: 'us' | 'eu';
	overwrite: boolean;
	/** The run's signal and the lock's: a lost lock stops the run before it commits. */
	signal: AbortSignal;
	lockLost: () => Error | undefined;
	/** `-o lytics:`: where each window is delivered, inside its commit. */
	lytics?: LyticsTarget;
}

async function exportRange(ctx: JobContext, config: Config, client: AmplitudeClient, plan: { first: number; last: number }, run: RunContext): Promise<void> {
	const { logger, io } = ctx;
	const ev = config.events;
	const stats = new EventsRunStats();
	const runStarted = io.now();
	const tag = tempTag('events', run.files?.key);
	let lastWindow: WindowDone | undefined;
	/** The run's figures as each unit ended, for its commit: a unit is committed while the next one is written. */
	const figuresAt = new Map<WindowDone, Record<string, unknown>>();
	const output = await RunOutput.open<WindowDone>({
		job: 'events',
		output: ev.output,
		cwd: io.cwd,
		stdout: io.stdout,
		gzip: ev.gzip,
		names: (done) => ({ first: plan.first, last: done?.at(-1)?.last ?? plan.last, now: runStarted }),
		stateful: run.files !== undefined,
		overwrite: run.overwrite,
		lockLost: run.lockLost,
		commit: async (units, renames, deliver) => {
			const last = units.at(-1)!;
			const figures = figuresAt.get(last) ?? stats.summary({});
			for (const unit of units) figuresAt.delete(unit);
			const next = run.advance && { ...newState(run.region, last.last, io.now()), lastRun: { ...figures, lytics: run.lytics?.stats.toJSON() } };
			await commitFiles(run.files?.journal, renames, next ? run.advance!.change(next) : undefined, deliver);
			lastWindow = last;
		},
		tag,
		release: (bytes) => mapping.release(bytes),
		highWaterMark: 1,
		lytics: run.lytics && {
			target: run.lytics,
			name: (w) => ({ key: `${ev.shape}:${isoHour(w.first)}..${isoHour(w.last)}`, filename: `amplitude-events-${exportHour(w.first)}-${exportHour(w.last)}` }),
		},
	});
	stats.hours.total = hoursBetween(plan.first, plan.last);
	const progress = ctx.progress(eventsProgress(stats));
	const tempDir = await mkdtemp(join(tmpdir(), `${tag}-`)).catch(async (error: unknown) => {
		await output.fail();
		throw fsError(error, `creating a temp folder in ${tmpdir()}`);
	});
	// The source is read ahead while a unit commits; a run that stops early stops its read (a download) too.
	const readAhead = new AbortController();
	const mapping = mapBlocks<WindowDone>({
		shape: ev.shape,
		rows: selectRows(eventFieldTable, additionalEventFieldTable, ev.fields.include, ev.fields.exclude),
		workers: ev.workers,
		dedupeWindow: ev.dedupeWindow,
		onBadRecord: ev.onBadRecord,
		stats,
		logger,
		stopSource: () => readAhead.abort(),
	});
	logger.debug(`mapping on ${mapping.threads} worker thread(s)`);
	let outputPath: string | undefined;
	try {
		await progress.start();
		const source = exportSource({
			client,
			first: plan.first,
			last: plan.last,
			windowHours: ev.windowHours,
			tempDir,
			maxLineBytes: ev.maxLineBytes,
			maxEntryBytes: ev.maxEntryBytes,
			takeBuffer: mapping.take,
			retry: { retries: config.http.retries, maxTotalMs: config.http.retryMaxSeconds * 1000, baseMs: 1000, maxDelayMs: 60_000, ...ctx.hooks.retry },
			stats,
			logger,
			signal: AbortSignal.any([run.signal, readAhead.signal]),
			sleep: io.sleep,
			// A reader of stdout, and Lytics, get each hour as soon as it is read (and the cursor moves with it).
			unit: ev.output && ev.output !== '-' && !run.lytics ? 'window' : 'hour',
		});
		// A line per window with that window's own counts (the progress line says the same on a terminal).
		let before = { events: 0, files: 0, bytes: 0, at: Date.now() };
		const logWindows = async function* <T>(items: AsyncIterable<T>) {
			for await (const item of items) {
				if (typeof item === 'object' && item && 'checkpoint' in item) {
					const w = (item as { checkpoint: WindowDone }).checkpoint;
					figuresAt.set(w, stats.summary({}));
					// The source has read ahead of this unit: its counts as it ended the unit travel in the checkpoint.
					const now = { events: stats.events, files: w.files ?? stats.files, bytes: w.bytes ?? stats.bytesDownloaded, at: Date.now() };
					if (!progress.active) {
						logger.info(
							`${isoHour(w.first)}..${isoHour(w.last)} (window ${stats.window.index}/${stats.window.count}): ${formatCount(now.events - before.events)} events, ` +
								`${formatCount(now.files - before.files)} files, ${formatBytes(now.bytes - before.bytes)} in ${formatDuration(now.at - before.at)}`,
						);
					}
					before = now;
				}
				yield item;
			}
		};
		await pipeline(source, mapping.stage, logWindows, output.sink, { signal: run.signal });
		outputPath = await output.finish();
	} catch (error) {
		progress.stop();
		// The read ahead may be waiting for a download (the next window) that nothing will use now.
		readAhead.abort();
		outputPath = await output.fail().catch(() => undefined);
		if (outputPath) logger.warn(`published the complete window(s) up to ${isoHour(lastWindow!.last)} in ${outputPath}; the rest was not written`);
		if (error instanceof OutputClosedError || (error as { cause?: unknown }).cause instanceof OutputClosedError) {
			logger.info(`output closed by the reader; stopped${lastWindow ? ` after ${isoHour(lastWindow.last)}` : ' before any window was complete'}`);
			return;
		}
		throw run.signal.aborted && run.signal.reason ? run.signal.reason : error;
	} finally {
		progress.stop();
		await mapping.close();
		await rm(tempDir, { recursive: true, force: true });
	}
	const where = {
		range: `${isoHour(plan.first)}..${isoHour(plan.last)}`,
		output: outputPath ?? (run.lytics ? `Lytics stream ${run.lytics.stream}` : 'stdout'),
		cursor: run.advance && lastWindow ? hourToCursor(lastWindow.last) : undefined,
	};
	// The last commit recorded the run's counts before its window was delivered: record the whole run's.
	if (run.advance && lastWindow) {
		const state = await run.advance.read();
		if (state) await run.advance.write({ ...state, lastRun: { ...stats.summary({}), lytics: run.lytics?.stats.toJSON() } });
	}
	const human = stats.humanSummary({ ...where, range: `${where.range} (${hoursBetween(plan.first, plan.last)} h)` });
	logger.summary('events run summary', { ...stats.summary(where), lytics: run.lytics?.stats.toJSON() }, [...human, ...(run.lytics?.stats.humanRows() ?? [])]);
	if (logger.enabled('debug')) {
		const reasons = [...stats.fallbacks].sort((a, b) => b[1] - a[1]);
		logger.debug(`byte path: ${formatCount(stats.eventsRead)} lines; left it: ${reasons.length ? reasons.map(([r, n]) => `${r} ${formatCount(n)}`).join('; ') : 'none'}`);
	}
	if (stats.mapping.badValues) logger.warn(`${stats.mapping.badValues} value(s) could not be converted and were left out (see "bad values" above; --verbose says which records)`);
	checkRejects(run.lytics);
}

function newState(region: 'us' | 'eu', cursor: number, now: Date): EventsState {
	return { version: 1, job: 'events', region, cursor: hourToCursor(cursor), updatedAt: now.toISOString() };
}

function printDryRun(ctx: JobContext, plan: RunPlan, windowHours: number): void {
	if (plan.kind === 'up-to-date') {
		ctx.logger.info(`dry run: up to date (cursor ${isoHour(plan.cursor)}); nothing to request`);
		return;
	}
	if (plan.kind === 'from-now') {
		ctx.logger.info(`dry run: backfillDays 0 would set the cursor to ${isoHour(plan.cursor)} and request nothing`);
		return;
	}
	for (const w of windows(plan.first, plan.last, windowHours)) {
		ctx.io.stdout.write(`GET /api/2/export?start=${exportHour(w.first)}&end=${exportHour(w.last)}\t${hoursBetween(w.first, w.last)} h\n`);
	}
	ctx.logger.info(`dry run: ${plan.reason}; nothing was requested or written`);
}
