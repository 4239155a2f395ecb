import { Option, type Command } from 'commander';
import type { Context } from '../context.js';
import type { FlagValue } from '../../config/load.js';
import { parseHourArgument } from '../../amplitude/hours.js';
import { usageError } from '../../errors.js';

export interface EventsFlags {
	start?: string;
	end?: string;
	backfillDays?: string;
	lagHours?: string;
	windowHours?: string;
	output?: string;
	gzip?: boolean;
	raw?: boolean;
	onBadRecord?: string;
	stateDir?: string;
	dryRun?: boolean;
	demo?: boolean;
	keepUpdated?: boolean;
	overwrite?: boolean;
}

/** Flags that set config keys (so they are validated, and reported, like the config file). */
export function eventsFlagValues(flags: EventsFlags): FlagValue[] {
	const number = (v?: string) => (v !== undefined && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);
	return [
		{ path: 'events.backfillDays', flag: '--backfill-days', value: number(flags.backfillDays) },
		{ path: 'events.lagHours', flag: '--lag-hours', value: number(flags.lagHours) },
		{ path: 'events.windowHours', flag: '--window-hours', value: number(flags.windowHours) },
		{ path: 'events.output', flag: '--output', value: flags.output },
		{ path: 'events.gzip', flag: '--gzip', value: flags.gzip },
		{ path: 'events.shape', flag: '--raw', value: flags.raw ? 'raw' : undefined },
		{ path: 'events.onBadRecord', flag: '--on-bad-record', value: flags.onBadRecord },
		{ path: 'stateDir', flag: '--state-dir', value: flags.stateDir },
	];
}

export async function eventsCommand(ctx: Context, flags: EventsFlags): Promise<void> {
	const { config } = await ctx.config(eventsFlagValues(flags));
	const start = flags.start === undefined ? undefined : parseHourArgument(flags.start, 'start', '--start');
	const end = flags.end === undefined ? undefined : parseHourArgument(flags.end, 'end', '--end');
	// Loaded here, not at the top: each command loads only what it runs (startup time and memory).
	const { runEvents } = await import('../../events/run-events.js');
	if (flags.keepUpdated) {
		if (start !== undefined || end !== undefined || flags.dryRun || flags.demo) {
			throw usageError('--keep-updated runs incrementally from the saved cursor; it does not combine with --start, --end, --dry-run or --demo');
		}
		const { keepJobUpdated } = await import('../keep-updated.js');
		return keepJobUpdated(ctx, config, 'events', () => runEvents(ctx, config, { stateDirFlag: flags.stateDir !== undefined, dryRun: false, overwrite: Boolean(flags.overwrite) }));
	}
	if (!flags.demo) {
		await runEvents(ctx, config, { start, end, stateDirFlag: flags.stateDir !== undefined, dryRun: Boolean(flags.dryRun), overwrite: Boolean(flags.overwrite) });
		return;
	}
	const { withDemo } = await import('../demo.js');
	await withDemo(ctx, config, (demo, client) => runEvents(ctx, config, { stateDirFlag: false, dryRun: Boolean(flags.dryRun), demo: { client, first: demo.events.first, last: demo.events.last } }), config.events.output);
}

export function registerEvents(program: Command, context: () => Context): void {
	program
		.command('events')
		.description('export events (Export API) as amplitude_events NDJSON; incremental from the saved cursor by default')
		.option('--start <hour>', 'first hour, UTC (2026-10-01T00, or a date for its first hour): an explicit range')
		.option('--end <hour>', 'last hour, inclusive (a date means its last hour); default the newest exportable hour')
		.option('--backfill-days <n>', 'first run: how many days back (0 = from now on) [events.backfillDays, 90]')
		.option('--lag-hours <n>', 'newest hour exported = floor(now) - n [events.lagHours, 3]')
		.option('--window-hours <n>', 'hours per Export API request [events.windowHours, 24]')
		.option('-o, --output <file>', "file to write ('-' = stdout); {start} {end} {date} {time} placeholders; .gz compresses [events.output]")
		.option('--overwrite', 'replace an existing output file (a run that keeps state never replaces a published file otherwise)')
		.option('--gzip', 'gzip the output [events.gzip]')
		.option('--raw', 'emit the exported event itself (timestamps normalised) instead of the mapped fields [events.shape]')
		.addOption(new Option('--on-bad-record <action>', 'a line that is not JSON: fail (exit 65) or skip and count [events.onBadRecord]').choices(['fail', 'skip']))
		.option('--state-dir <dir>', 'where the cursor and the lock live [stateDir]')
		.option('--dry-run', 'print the requests it would make, and stop')
		.option('--demo', 'run the whole pipeline against a bundled sample project on 127.0.0.1')
		.option('--keep-updated', 'stay in the foreground: run now, then hourly at events.minuteOfHour (see `amp-import schedule`)')
		.addHelpText(
			'after',
			`
Examples:
  $ amp-import events --demo                                  offline, against a bundled sample project
  $ amp-import events --backfill-days 7 -o 'events-{start}-{end}.ndjson.gz'
                                                              first run: 7 days; later runs: only new hours
  $ amp-import events -o - | gzip > events.ndjson.gz           to a pipe, window by window
  $ amp-import events --start 2026-10-01 --end 2026-10-07 -o october.ndjson
                                                              an explicit range (the cursor is left alone)
  $ amp-import events --dry-run                               the Export API requests it would make
`,
		)
		.action((flags: EventsFlags) => eventsCommand(context(), flags));
}
