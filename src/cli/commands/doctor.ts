import type { Command } from 'commander';
import type { Context } from '../context.js';

export function registerDoctor(program: Command, context: () => Context): void {
	program
		.command('doctor')
		.description('check the config, credentials, state dir, clock and the way to Amplitude; a line per check')
		.addHelpText('after', '\nExamples:\n  $ amp-import doctor\n  $ amp-import doctor --auth prod\n  $ env -i HOME=$HOME amp-import doctor     as cron would run it\n')
		.action(async () => (await import('../doctor.js')).doctor(context()));
}
