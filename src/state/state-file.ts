import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod/v3';
import { writeFileAtomic } from '../atomic-file.js';
import { configError, fsError } from '../errors.js';
import type { StateChange } from './journal.js';

/**
A small JSON state file, validated on read and replaced atomically on write. A file that exists but does not parse
or validate is an error, never silently reset: resetting a cursor would re-export (or skip) data.
*/
export class StateFile<T> {
	constructor(
		readonly path: string,
		private readonly schema: z.ZodType<T>,
	) {}

	async read(): Promise<T | undefined> {
		let text: string;
		try {
			text = await readFile(this.path, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
			throw fsError(error, `reading the state file ${this.path}`, { reading: true });
		}
		let data: unknown;
		try {
			data = JSON.parse(text);
		} catch {
			throw this.#corrupt('it is not valid JSON');
		}
		const parsed = this.schema.safeParse(data);
		if (!parsed.success) throw this.#corrupt(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
		return parsed.data;
	}

	async write(value: T): Promise<void> {
		try {
			await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
			await writeFileAtomic(this.path, this.serialize(value), 0o600);
		} catch (error) {
			throw fsError(error, `writing the state file ${this.path}`);
		}
	}

	/** The file's next content, for a commit that moves it together with the output (state/journal.ts). */
	change(value: T): StateChange {
		return { path: this.path, content: this.serialize(value) };
	}

	serialize(value: T): string {
		return `${JSON.stringify(value, null, 2)}\n`;
	}

	#corrupt(reason: string) {
		return configError(
			`state file ${this.path} is corrupt (${reason})`,
			'Fix it by hand, or move it away to start over (a new first run backfills again).',
		);
	}
}
