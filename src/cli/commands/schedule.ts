import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import type { Context } from '../context.js';
import { nodeFlags } from '../../runtime/node-flags.js';
import { configHome, stateDirOf } from '../../paths.js';
import type { JobName } from '../../schedule/jobs.js';
import type { Invocation, JobLine } from '../../schedule/unit-files.js';

export interface ScheduleFlags {
	job?: JobName;
	format?: 'cron' | 'systemd' | 'both';
	command?: string;
}

/**
The bin next to this build (dist/cli/commands → bin/amp-import.js), run by this very node (cron's PATH may not
find `node`) with amp-import's V8 flags (which the bin's own sh line would add).
*/
function defaultCommand(): string[] {
	return [process.execPath, ...nodeFlags, fileURLToPath(new URL('../../../bin/amp-import.js', import.meta.url))];
}

/** `amp-import schedule`: prints crontab lines and systemd units for the Keep Updated jobs. Writes nothing. */
export async function scheduleCommand(ctx: Context, flags: ScheduleFlags): Promise<void> {
	const { io, logger, globals } = ctx;
	const loaded = await ctx.config();
	const { perRunOutputProblem } = await import('../keep-updated.js');
	const { scheduledJobs } = await import('../../schedule/jobs.js');
	const { systemTimeZone } = await import('../../schedule/next-run.js');
	const { crontab, systemdUnits } = await import('../../schedule/unit-files.js');
	const { config } = loaded;
	const jobs = scheduledJobs(config, io.env);
	const names: JobName[] = flags.job ? [flags.job] : ['events', 'cohorts'];
	const lines: JobLine[] = names.map((name) => {
		const job = jobs[name];
		const output = config[name].output;
		const problem = perRunOutputProblem(job, output);
		if (problem) logger.warn(`${problem}; use a name such as "${job.perRunOutput.example}"`);
		// Without a file output the NDJSON would land in cron's mail or the journal: give each run a file.
		return { job, extraArgs: output && output !== '-' ? [] : ['-o', job.perRunOutput.example] };
	});
	const argv = [...(flags.command ? [flags.command] : defaultCommand())];
	if (loaded.filepath) argv.push('--config', resolve(io.cwd, loaded.filepath));
	if (globals.auth) argv.push('--auth', globals.auth);
	const stateDir = stateDirOf(config.stateDir, io.cwd, io.env);
	const run: Invocation = {
		argv,
		workingDirectory: io.cwd,
		logDir: stateDir,
		systemZone: systemTimeZone(io.env),
		// Cron and systemd start jobs with a bare environment (no XDG_*, maybe no HOME): name both places outright.
		environment: { AMP_IMPORT_HOME: configHome(io.env) },
		jobArgs: ['--state-dir', stateDir],
	};
	const toLytics = names.some((name) => config[name].output?.startsWith('lytics:'));
	if (toLytics && io.env.LYTICS_API_TOKEN && !config.lytics.auth) {
		logger.warn('LYTICS_API_TOKEN is set in this shell only: cron and systemd will not see it. Store the token with `amp-import auth add <label> --lytics`.');
	}
	if (io.env.AMPLITUDE_API_KEY && !globals.auth && !config.auth) {
		logger.warn('AMPLITUDE_API_KEY is set in this shell only: cron and systemd will not see it. Store the key with `amp-import auth add <label>`.');
	}
	const format = flags.format ?? 'both';
	if (format !== 'systemd') io.stdout.write(crontab(lines, run));
	if (format === 'both') io.stdout.write('\n');
	if (format !== 'cron') io.stdout.write(systemdUnits(lines, run));
}

export function registerSchedule(program: Command, context: () => Context): void {
	program
		.command('schedule')
		.description('print crontab lines and systemd service + timer units that run the Keep Updated jobs')
		.addOption(new Option('--job <job>', 'only this job').choices(['cohorts', 'events']))
		.addOption(new Option('--format <format>', 'what to print').choices(['cron', 'systemd', 'both']).default('both'))
		.option('--command <path>', 'the amp-import to run (default: this node and this bin, by absolute path)')
		.addHelpText('after', '\nExamples:\n  $ amp-import schedule --format cron >> my-crontab     then review it and `crontab my-crontab`\n  $ amp-import schedule --job events --format systemd\n')
		.action((flags: ScheduleFlags) => scheduleCommand(context(), flags));
}
