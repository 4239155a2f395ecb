import type { Command } from 'commander';
import type { Context } from '../context.js';
import type { FlagValue } from '../../config/load.js';
import { usageError } from '../../errors.js';
import { refuseOperands } from '../parser-errors.js';

export interface CohortsFlags {
	cohort?: string[];
	output?: string;
	gzip?: boolean;
	raw?: boolean;
	changesOnly?: boolean;
	force?: boolean;
	stateDir?: string;
	concurrency?: string;
	dryRun?: boolean;
	demo?: boolean;
	keepUpdated?: boolean;
	overwrite?: boolean;
}

export function cohortsFlagValues(flags: CohortsFlags): FlagValue[] {
	const number = (v?: string) => (v !== undefined && /^-?\d+$/.test(v) ? Number(v) : v);
	return [
		{ path: 'cohorts.select', flag: '--cohort', value: flags.cohort?.length ? flags.cohort : undefined },
		{ path: 'cohorts.output', flag: '--output', value: flags.output },
		{ path: 'cohorts.gzip', flag: '--gzip', value: flags.gzip },
		{ path: 'cohorts.shape', flag: '--raw', value: flags.raw ? 'raw' : undefined },
		{ path: 'cohorts.changesOnly', flag: '--changes-only', value: flags.changesOnly },
		{ path: 'cohorts.concurrency', flag: '--concurrency', value: number(flags.concurrency) },
		{ path: 'stateDir', flag: '--state-dir', value: flags.stateDir },
	];
}

export async function cohortsCommand(ctx: Context, flags: CohortsFlags): Promise<void> {
	const { config } = await ctx.config(cohortsFlagValues(flags));
	const options = { force: Boolean(flags.force), dryRun: Boolean(flags.dryRun), pollMs: ctx.hooks.pollMs, overwrite: Boolean(flags.overwrite) };
	// Loaded here, not at the top: each command loads only what it runs (startup time and memory).
	const { runCohorts } = await import('../../cohorts/run-cohorts.js');
	if (flags.keepUpdated) {
		if (flags.dryRun || flags.demo) throw usageError('--keep-updated does not combine with --dry-run or --demo');
		const { keepJobUpdated } = await import('../keep-updated.js');
		return keepJobUpdated(ctx, config, 'cohorts', () => runCohorts(ctx, config, options));
	}
	if (!flags.demo) return runCohorts(ctx, config, options);
	const { withDemo } = await import('../demo.js');
	await withDemo(ctx, config, (demo, client) => runCohorts(ctx, config, { ...options, pollMs: options.pollMs ?? 200, demo: { client, apiKey: demo.credentials.apiKey } }), config.cohorts.output);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

const examples = `
Examples:
  $ amp-import cohorts list                                   ids, names, sizes
  $ amp-import cohorts --cohort 'Power users' -o 'cohorts-{time}.ndjson'
  $ amp-import cohorts --changes-only -o - | gzip > changes.ndjson.gz
  $ amp-import cohorts --dry-run                              what would be requested or skipped
  $ amp-import cohorts --demo                                 offline, against a bundled sample project
`;

/** The import's flags, on `cohorts` itself (what `cohorts --help` shows) and on `cohorts import`. */
function importCommand(command: Command, context: () => Context): Command {
	return command
		.option('--cohort <id|name>', 'a cohort to import, by id or exact name; repeatable [cohorts.select]', collect)
		.option('-o, --output <file>', "file to write ('-' = stdout); {time} (UTC second), {start} (UTC hour), {date} placeholders; .gz compresses [cohorts.output]")
		.option('--overwrite', 'replace an existing output file (a run never replaces a published file otherwise)')
		.option('--gzip', 'gzip the output [cohorts.gzip]')
		.option('--raw', 'emit the file\'s columns as strings plus cohort_id, cohort_name, cohort_membership, last_computed [cohorts.shape]')
		.option('--changes-only', 'emit only members who joined or left since the last import [cohorts.changesOnly]')
		.option('--force', 'import cohorts even when lastComputed has not changed; a member list that does not match the state is set aside (no leavers this time)')
		.option('--concurrency <n>', 'cohort downloads in flight, 1 to 4 [cohorts.concurrency, 2]')
		.option('--state-dir <dir>', 'where request ids, member lists and the lock live [stateDir]')
		.option('--dry-run', 'print which cohorts would be requested or skipped, and stop')
		.option('--demo', 'run the whole flow against a bundled sample project on 127.0.0.1')
		.option('--keep-updated', 'stay in the foreground: import now, then daily at cohorts.timeOfDay in cohorts.timezone')
		.addHelpText('after', examples)
		.action((flags: CohortsFlags, self: Command) => {
			refuseOperands(self);
			// `cohorts --raw import` and `cohorts import --raw` alike: commander gives the flags to `cohorts`, which
			// declares them too, wherever they stand.
			return cohortsCommand(context(), self.name() === 'import' ? { ...self.parent?.opts<CohortsFlags>(), ...flags } : flags);
		});
}

export function registerCohorts(program: Command, context: () => Context): void {
	const cohorts = program
		.command('cohorts')
		.description('import behavioral cohorts as amplitude_cohorts NDJSON: request, poll, download and map the selected cohorts (all non-archived by default)')
		.allowExcessArguments();
	importCommand(cohorts, context);
	importCommand(cohorts.command('import').description('the same as `amp-import cohorts`: import the selected cohorts'), context);
	cohorts
		.command('list')
		.description('list the project\'s cohorts (id, name, size, last computed, flags)')
		.option('--json', 'one JSON object per line')
		.option('--all', 'include archived cohorts')
		.addHelpText('after', '\nExamples:\n  $ amp-import cohorts list\n  $ amp-import cohorts list --all --json | jq -r .id\n')
		.action(async (flags: { json?: boolean; all?: boolean }) => (await import('./cohorts-list.js')).printCohortList(context(), flags));
}
