import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { exportHour } from '../amplitude/hours.js';
import { AmpImportError, fsError } from '../errors.js';
import type { Placeholder } from '../config/placeholders.js';

/**
The placeholders of an output file name, one table for both jobs: what each expands to. `{start}` and `{end}` are
the UTC hours of the data (cohorts: the run's hour), `{date}` the run's UTC date, `{time}` the run's UTC second.
*/
const placeholders: Record<Placeholder, (v: NameValues) => string> = {
	start: (v) => exportHour(v.first),
	end: (v) => exportHour(v.last),
	date: (v) => v.now.toISOString().slice(0, 10),
	time: (v) => v.now.toISOString().slice(0, 19).replace(/[-:]/g, ''),
};

export interface NameValues {
	first: number;
	last: number;
	now: Date;
}

export function usesPlaceholder(template: string, name: Placeholder): boolean {
	return template.includes(`{${name}}`);
}

export function resolveOutputName(template: string, values: NameValues): string {
	let out = template;
	for (const [name, value] of Object.entries(placeholders)) out = out.replaceAll(`{${name}}`, value(values));
	return out;
}

/**
Checks, before any request, that a file output can be created: its folder exists and is writable, the name is not
a folder, and, for a run that keeps state and a name without placeholders, no published file would be replaced
(unless `overwrite`). A name with placeholders is only a guess before the run (`{end}`, `{time}` and a run that has
nothing to write), so that case is refused where the file would be published (state/journal.ts, noClobber). Every
failure is an output that cannot be created (73), and says what to do.
*/
export async function checkOutputPath(path: string, options: { stateful: boolean; overwrite: boolean; given: string }): Promise<void> {
	if (/[/\\]$/.test(options.given)) {
		throw new AmpImportError('output', `--output ${options.given} names a folder, not a file`, { hint: `Name a file in it, such as ${options.given}events-{start}-{end}.ndjson.` });
	}
	const folder = dirname(path);
	const folderInfo = await stat(folder).catch((error: unknown) => {
		throw fsError(error, `opening the output folder ${folder}`);
	});
	if (!folderInfo.isDirectory()) throw new AmpImportError('output', `the output folder ${folder} is not a folder`, { hint: 'Check the --output path.' });
	await access(folder, constants.W_OK).catch((error: unknown) => {
		throw fsError(error, `writing to the output folder ${folder}`);
	});
	const existing = await stat(path).catch((error: unknown) => {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw fsError(error, `checking ${path}`);
	});
	if (!existing) return;
	if (existing.isDirectory()) throw new AmpImportError('output', `the output ${path} is a folder`, { hint: 'Name a file, such as DIR/events-{start}-{end}.ndjson.' });
	if (options.stateful && !options.overwrite && !/\{[a-z]+\}/.test(options.given)) {
		throw new AmpImportError('output', `${path} already exists; a run that keeps state never replaces a published file`, {
			hint: "Load and move it away first, pass --overwrite, or name files per run: -o 'events-{start}-{end}.ndjson' or -o 'cohorts-{time}.ndjson'.",
		});
	}
}
