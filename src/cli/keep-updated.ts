import type { Io } from '../io/io.js';
import type { Logger } from '../io/logger.js';
import { reportError } from './report-error.js';
import { configError, toAmpImportError, type ErrorKind } from '../errors.js';
import { formatInZone } from '../schedule/next-run.js';
import { scheduledJobs, type JobName, type ScheduledJob } from '../schedule/jobs.js';
import type { Context } from './context.js';
import type { Config } from '../config/schema.js';

/**
Failures that the next run may not meet: the network, Amplitude's limits and outages, another run holding the
lock. Anything else (config, credentials, bad data, a bug) needs a person, so the loop stops with its exit code
and the supervisor (systemd, a container) shows it as failed.
*/
const retryAtNextRun: ReadonlySet<ErrorKind> = new Set(['transient', 'rate-limited', 'lock-held', 'unavailable']);

/** The longest single sleep: the loop re-reads the clock this often, so a suspend or a clock change costs at most this. */
const maxNapMs = 60_000;

export interface KeepUpdatedOptions {
	job: ScheduledJob;
	/** One run of the job, by its own rules (state, lock, output). */
	runOnce: () => Promise<void>;
	io: Io;
	logger: Logger;
	signal: AbortSignal;
	verbose: boolean;
	/** True once the data's reader has gone away (stdout closed): there is no one to run for any more. */
	outputClosed?: () => boolean;
}

/**
`--keep-updated`: run now, then at every scheduled time, sleeping in between. Ends cleanly when the signal fires
between runs; a signal during a run ends that run by its own rules (the error propagates with its exit code).
*/
export async function keepUpdated({ job, runOnce, io, logger, signal, verbose, outputClosed }: KeepUpdatedOptions): Promise<void> {
	logger.info(`keep-updated: ${job.name} ${job.description}; first run now`);
	let slot = io.now().getTime();
	for (let runs = 1; ; runs++) {
		try {
			await runOnce();
		} catch (error) {
			if (signal.aborted) throw error;
			const e = toAmpImportError(error);
			if (!retryAtNextRun.has(e.kind)) {
				logger.error(`keep-updated: ${job.name} stopped: this failure needs attention before the next run`);
				throw e;
			}
			reportError(logger, e, verbose);
			logger.warn(`keep-updated: ${job.name} run ${runs} failed (${e.code}); retrying at the next scheduled time`);
		}
		if (outputClosed?.()) {
			logger.info(`keep-updated: ${job.name} output closed by the reader; stopped`);
			return;
		}
		const next = job.next(Math.max(io.now().getTime(), slot));
		// Once, in the job's zone; log shippers get the instant as a field.
		logger.info(`keep-updated: next ${job.name} run at ${formatInZone(next, job.zone)}`, logger.options.format === 'json' ? { nextRun: new Date(next).toISOString() } : undefined);
		if (await sleepUntil(next, io, signal)) {
			logger.info(`keep-updated: ${job.name} stopped between runs; state is at the last completed run`);
			return;
		}
		slot = next;
	}
}

/** Sleeps until `at` by the injected clock, in naps; true when the signal ended the wait. */
async function sleepUntil(at: number, io: Io, signal: AbortSignal): Promise<boolean> {
	for (;;) {
		if (signal.aborted) return true;
		const left = at - io.now().getTime();
		if (left <= 0) return false;
		try {
			await io.sleep(Math.min(left, maxNapMs), signal);
		} catch (error) {
			if (signal.aborted) return true;
			throw error;
		}
	}
}

/**
`--keep-updated` for a command: the job's schedule from config, the output check, and the loop. With stdout as the
output, the loop ends once its reader has gone away.
*/
export function keepJobUpdated(ctx: Context, config: Config, name: JobName, runOnce: () => Promise<void>): Promise<void> {
	const job = scheduledJobs(config, ctx.io.env)[name];
	const output = config[name].output;
	requirePerRunOutput(job, output);
	const toStdout = !output || output === '-';
	const outputClosed = () => toStdout && (ctx.io.stdout.destroyed || ctx.io.stdout.writableEnded);
	return keepUpdated({ job, runOnce, io: ctx.io, logger: ctx.logger, signal: ctx.signal, verbose: Boolean(ctx.globals.verbose), outputClosed });
}

/**
Each run renames its file into place; a fixed name would replace the last run's file before anyone read it. So a
scheduled file output must name each run apart (stdout is fine: one stream, run after run).
*/
export function perRunOutputProblem(job: ScheduledJob, output: string | undefined): string | undefined {
	if (!output || output === '-' || output.startsWith('lytics:') || job.perRunOutput.pattern.test(output)) return undefined;
	return `${job.name}.output "${output}" names no run apart: each scheduled run would replace the last run's file`;
}

function requirePerRunOutput(job: ScheduledJob, output: string | undefined): void {
	const problem = perRunOutputProblem(job, output);
	if (problem) throw configError(problem, `Use a name such as "${job.perRunOutput.example}", or write to stdout.`);
}
