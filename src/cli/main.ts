import { Command, CommanderError, Option } from 'commander';
import { processIo, type Io } from '../io/io.js';
import { Context, type GlobalOptions, type TestHooks } from './context.js';
import { reportError } from './report-error.js';
import { registerAuth } from './commands/auth.js';
import { registerEvents } from './commands/events.js';
import { registerCohorts } from './commands/cohorts.js';
import { registerSchedule } from './commands/schedule.js';
import { registerStatus } from './commands/status.js';
import { AmpImportError, ExitCode } from '../errors.js';
import { version } from '../version.js';
import { closest, routeOutput } from './parser-errors.js';
import { registerDoctor } from './commands/doctor.js';

export interface RunOptions {
	signal?: AbortSignal;
	hooks?: TestHooks;
}

/** Builds the command tree. Actions only parse options and call the command's function. */
export function buildProgram(io: Io, context: () => Context): Command {
	const program = new Command('amp-import')
		.description('Pull Amplitude cohorts and events and emit NDJSON for Lytics data streams.')
		.version(version, '-V, --version')
		.option('-c, --config <file>', 'config file (default: .amp-importrc* / amp-import.config.* / package.json#amp-import, searched upward)')
		.option('-a, --auth <label>', 'stored authorization to use (see `auth list`)')
		.option('-q, --quiet', 'print errors only (and the data)')
		.option('-v, --verbose', 'print debug logs, and stacks on errors')
		.addOption(new Option('--log-format <format>', 'stderr log format').choices(['text', 'json']))
		.option('--no-color', 'no colour on stderr (NO_COLOR is honoured too)')
		.addHelpText('after', examples);
	registerAuth(program, context);
	registerEvents(program, context);
	registerCohorts(program, context);
	registerSchedule(program, context);
	registerStatus(program, context);
	registerDoctor(program, context);
	registerHelp(program);
	const route = (command: Command) => {
		routeOutput(command, io);
		command.commands.forEach(route);
	};
	route(program);
	return program;
}

/**
`help cohorts import` shows that command's help (commander's own help command reads only the first name); an
unknown name gets the nearest one.
*/
function registerHelp(program: Command): void {
	program.helpCommand(false);
	program
		.command('help [command...]')
		.description('show the help of a command (`help cohorts import`)')
		.action((names: string[]) => {
			let command = program;
			for (const name of names) {
				const next = command.commands.find((c) => c.name() === name || c.aliases().includes(name));
				if (!next) {
					const near = closest(name, command.commands.map((c) => c.name()));
					command.error(`error: unknown command '${name}'${near ? `\n(Did you mean ${near}?)` : ''}`, { code: 'commander.unknownCommand', exitCode: 64 });
				}
				command = next!;
			}
			command.outputHelp();
		});
}

const examples = `
Examples:
  $ amp-import events --demo                      try the whole pipeline on a bundled sample, offline
  $ amp-import auth add prod                      store an Amplitude API key and secret key
  $ amp-import doctor                             check config, credentials, state dir and the network
  $ amp-import events -o 'events-{start}.ndjson'  backfill, then only new hours on each run
  $ amp-import cohorts list                       the project's cohorts
  $ amp-import help cohorts                       a command's flags and examples
`;

/** Runs amp-import in-process and returns the exit code. Tests call this; the bin calls `main`. */
export async function run(argv: string[], io: Io, options: RunOptions = {}): Promise<number> {
	const signal = options.signal ?? new AbortController().signal;
	let ctx: Context | undefined;
	let program: Command | undefined;
	const context = () => (ctx ??= new Context(io, program!.opts<GlobalOptions>(), signal, options.hooks));
	program = buildProgram(io, context);
	try {
		await program.parseAsync(argv, { from: 'user' });
		return ExitCode.ok;
	} catch (error) {
		if (error instanceof CommanderError) {
			// Help asked for (`--help`, `help events`) and --version exit 0; every parse error is a usage error.
			return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
		}
		const globals = program.opts<GlobalOptions>();
		const reporter = ctx ?? new Context(io, globals, signal);
		if (signal.aborted && !(error instanceof AmpImportError && error.kind !== 'interrupted')) {
			const reason: unknown = signal.reason;
			return reportError(reporter.logger, reason instanceof AmpImportError ? reason : error, Boolean(globals.verbose));
		}
		return reportError(reporter.logger, error, Boolean(globals.verbose));
	}
}

/** The process entry: wires signals and stdout EPIPE, runs, and sets the exit code. */
export async function main(): Promise<void> {
	const io = processIo();
	const controller = new AbortController();
	const onSignal = (name: 'SIGINT' | 'SIGTERM', code: number) => () => {
		if (controller.signal.aborted) process.exit(code); // a second signal: stop now
		controller.abort(new AmpImportError('interrupted', `interrupted by ${name}; state kept at the last completed step`, { exitCode: code }));
	};
	process.on('SIGINT', onSignal('SIGINT', ExitCode.sigint));
	process.on('SIGTERM', onSignal('SIGTERM', ExitCode.sigterm));
	// A reader that goes away (`| head`) is a normal end, not a crash; the pipeline sees the error and stops.
	process.stdout.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code !== 'EPIPE') throw error;
	});
	process.exitCode = await run(process.argv.slice(2), io, { signal: controller.signal });
}
