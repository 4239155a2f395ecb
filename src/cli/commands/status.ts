import { Option, type Command } from 'commander';
import type { Context } from '../context.js';
import { stateDirOf } from '../../paths.js';
import type { JobName } from '../../schedule/jobs.js';
import type { JobStatus } from '../../schedule/job-status.js';

export interface StatusFlags {
	job?: JobName;
	json?: boolean;
	stateDir?: string;
}

/** `amp-import status`: per job, the last success, the cursor, pending cohort requests and the next run. Offline. */
export async function statusCommand(ctx: Context, flags: StatusFlags): Promise<void> {
	const { io } = ctx;
	const { config } = await ctx.config(flags.stateDir ? [{ path: 'stateDir', flag: '--state-dir', value: flags.stateDir }] : []);
	const auth = await ctx.auth();
	const { scheduledJobs } = await import('../../schedule/jobs.js');
	const { cohortsStatus, eventsStatus, formatStatus } = await import('../../schedule/job-status.js');
	const jobs = scheduledJobs(config, io.env);
	const input = {
		stateDir: stateDirOf(config.stateDir, io.cwd, io.env),
		apiKey: auth.credentials.apiKey,
		region: auth.region,
		now: io.now().getTime(),
	};
	const names: JobName[] = flags.job ? [flags.job] : ['events', 'cohorts'];
	const statuses: JobStatus[] = [];
	for (const name of names) statuses.push(name === 'events' ? await eventsStatus(jobs.events, input) : await cohortsStatus(jobs.cohorts, input));
	if (flags.json) {
		io.stdout.write(`${JSON.stringify({ auth: auth.label, region: auth.region, jobs: statuses })}\n`);
		return;
	}
	io.stdout.write(`authorization ${auth.label} (${auth.region})\n\n${statuses.map(formatStatus).join('\n')}`);
}

export function registerStatus(program: Command, context: () => Context): void {
	program
		.command('status')
		.description('show each job: last success, cursor, pending cohort requests, next scheduled run (reads local state only)')
		.addOption(new Option('--job <job>', 'only this job').choices(['cohorts', 'events']))
		.option('--json', 'one JSON object')
		.option('--state-dir <dir>', 'where the state lives [stateDir]')
		.addHelpText('after', '\nExamples:\n  $ amp-import status\n  $ amp-import status --job events --json | jq .jobs[0].cursor\n')
		.action((flags: StatusFlags) => statusCommand(context(), flags));
}
