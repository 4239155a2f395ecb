import type { Command } from 'commander';
import leven from 'leven';
import type { Io } from '../io/io.js';

/** The full name of a command as typed (`amp-import cohorts list`). */
export function commandPath(command: Command): string {
	const names: string[] = [];
	for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
	return names.join(' ');
}

/**
Commander's own parse errors ("error: unknown option '--bogus'\n(Did you mean --raw?)") printed as the tool's:
one line with the stable code and where to look, like every other failure.
*/
export function usageErrorLine(commanderMessage: string, command: Command): string {
	const text = commanderMessage
		.trim()
		.replace(/^error:\s*/, '')
		.replace(/\s*\n\s*\(Did you mean (.+)\?\)/, '; did you mean $1?')
		.replace(/\s*\n\s*/g, ' ');
	return `error ERR_AMP_USAGE ${text} (see \`${commandPath(command)} --help\`)\n`;
}

/** Sends a command's help and its errors to our streams, errors in the tool's one-line form. */
export function routeOutput(command: Command, io: Io): void {
	command.configureOutput({
		writeOut: (text) => io.stdout.write(text),
		writeErr: (text) => io.stderr.write(text),
		outputError: (text) => io.stderr.write(usageErrorLine(text, command)),
	});
	command.exitOverride();
}

/** The closest of `candidates` to a mistyped `word`, when it is close enough to be what was meant. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
	let best: { name: string; distance: number } | undefined;
	for (const name of candidates) {
		const distance = leven(word, name);
		if (distance <= Math.max(1, Math.floor(name.length / 3)) && (!best || distance < best.distance)) best = { name, distance };
	}
	return best?.name;
}

/**
A command that runs itself and also has subcommands (`cohorts` imports; `cohorts list` lists) receives a mistyped
subcommand as an operand: say so, with the nearest subcommand, instead of commander's "too many arguments".
*/
export function refuseOperands(command: Command): void {
	const [word] = command.args;
	if (word === undefined) return;
	const names = command.commands.map((c) => c.name());
	const near = closest(word, names);
	command.error(`error: unknown command '${word}'${near ? `\n(Did you mean ${near}?)` : ''}`, { code: 'commander.unknownCommand', exitCode: 64 });
}
