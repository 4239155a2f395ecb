import { readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDir, writeDurably } from '../atomic-file.js';
import { AmpImportError, fsError } from '../errors.js';

/** A finished temp file and the name it is published under. */
export interface Rename {
	from: string;
	to: string;
	/** Refuse to replace an existing `to` (checked before the commit is decided). */
	noClobber?: boolean;
}

/** The state a commit moves to, written in full as `<path>.next` before the commit is decided. */
export interface StateChange {
	path: string;
	content: string;
}

/**
How output and state move together, so that no single failure (ENOSPC, EIO, kill -9 at any point) leaves the state
behind or ahead of what was published. A commit is a redo log of renames:

1. prepare: every temp file is written and fsynced (the caller's part); the next state is written in full to
   `<state>.next` and the list of renames to `<journal>.next`, both fsynced. Every byte the commit needs is on
   disk now, so a full disk fails here, before anything is visible: the user's paths and the state are as they were.
2. deliver (stdout only): the unit is copied to the reader.
3. decide: `<journal>.next` is renamed to `<journal>`. From here the commit happens, whatever fails next.
4. apply: the renames, the state's last (renames allocate nothing), then the journal is removed.

A run that dies after 3 is completed by the next run (`recover`, under the lock, before anything reads the
state); a run that dies before it leaves only leftovers, which `recover` removes.
*/
export class Journal {
	readonly path: string;
	readonly nextPath: string;

	constructor(path: string) {
		this.path = path;
		this.nextPath = `${path}.next`;
	}

	/** Prepares, decides and applies one commit (see the class comment). `deliver` runs between prepare and decide. */
	async commit(renames: Rename[], state?: StateChange, deliver?: () => Promise<void>): Promise<void> {
		const all = [...renames];
		try {
			for (const r of renames) {
				if (r.noClobber && (await exists(r.to))) {
					throw new AmpImportError('output', `${r.to} already exists; a stateful run never replaces a published file`, {
						hint: "Move it away, pass --overwrite, or name files per run: -o 'events-{start}-{end}.ndjson' (events) or -o 'cohorts-{time}.ndjson' (cohorts).",
					});
				}
			}
			if (state) {
				await prepare(`${state.path}.next`, state.content);
				all.push({ from: `${state.path}.next`, to: state.path });
			}
			await prepare(this.nextPath, `${JSON.stringify({ version: 1, renames: all })}\n`);
			await syncDir(dirname(this.nextPath));
			await deliver?.();
		} catch (error) {
			await this.#discardPrepared(state);
			throw error;
		}
		try {
			await rename(this.nextPath, this.path);
			await syncDir(dirname(this.path));
		} catch (error) {
			await this.#discardPrepared(state);
			throw fsError(error, `committing ${this.path}`);
		}
		await this.#apply(all).catch((error: unknown) => {
			const e = fsError(error, 'publishing the output');
			throw new AmpImportError(e.kind, `${e.message}; the commit is decided and the next run completes it`, { hint: e.hint, cause: error });
		});
	}

	/**
	Completes a commit that a dead run decided, and removes what an undecided one prepared. Returns whether a
	decided commit was completed. Call under the run lock, before reading the state.
	*/
	async recover(): Promise<boolean> {
		const decided = await readRenames(this.path);
		if (decided) await this.#apply(decided, true);
		const undecided = await readRenames(this.nextPath);
		for (const r of undecided ?? []) if (r.from.endsWith('.next')) await rm(r.from, { force: true });
		await rm(this.nextPath, { force: true });
		return decided !== undefined;
	}

	async #apply(renames: Rename[], redo = false): Promise<void> {
		const dirs = new Set<string>();
		for (const r of renames) {
			// On a redo, a rename already done has no `from` any more.
			if (redo && !(await exists(r.from))) continue;
			await rename(r.from, r.to);
			dirs.add(dirname(r.to));
		}
		for (const dir of dirs) await syncDir(dir);
		await rm(this.path, { force: true });
		await syncDir(dirname(this.path));
	}

	async #discardPrepared(state?: StateChange): Promise<void> {
		await rm(this.nextPath, { force: true }).catch(() => undefined);
		if (state) await rm(`${state.path}.next`, { force: true }).catch(() => undefined);
	}
}

async function readRenames(path: string): Promise<Rename[] | undefined> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw fsError(error, `reading ${path}`, { reading: true });
	}
	try {
		const parsed = JSON.parse(text) as { version: number; renames: Rename[] };
		if (parsed.version !== 1 || !Array.isArray(parsed.renames)) throw new Error('unknown layout');
		return parsed.renames;
	} catch {
		throw new AmpImportError('data', `the commit journal ${path} is corrupt`, {
			hint: 'It is written with fsync and renamed into place, so this means the disk lost data. Check the output and state by hand, then remove it.',
		});
	}
}

/** writeDurably, its failure said as a file system error. */
async function prepare(path: string, content: string): Promise<void> {
	await writeDurably(path, content).catch((error: unknown) => {
		throw fsError(error, `writing ${path}`);
	});
}

async function exists(path: string): Promise<boolean> {
	try {
		await stat(path);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
		throw fsError(error, `checking ${path}`, { reading: true });
	}
}
