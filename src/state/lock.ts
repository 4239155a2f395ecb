import { hostname } from 'node:os';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AmpImportError } from '../errors.js';

export interface LockOwner {
	pid: number;
	host: string;
	startedAt: string;
	command: string;
}

/**
One run per project and job at a time: a lock file created with O_EXCL. A lock left by a process that no longer
exists on this host is stale and taken over; a live one makes the second run exit 75 (temporary: rerun later).
*/
export class RunLock {
	#held = false;

	constructor(readonly path: string) {}

	async acquire(command: string, now: Date): Promise<void> {
		await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
		const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: now.toISOString(), command };
		for (let attempt = 0; attempt < 3; attempt++) {
			try {
				const handle = await open(this.path, 'wx', 0o600);
				await handle.writeFile(`${JSON.stringify(owner)}\n`);
				await handle.close();
				this.#held = true;
				return;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			}
			const existing = await this.#readOwner();
			if (existing && !isStale(existing)) {
				throw new AmpImportError('lock-held', `another amp-import run holds ${this.path} (pid ${existing.pid} on ${existing.host}, started ${existing.startedAt})`, {
					hint: 'Wait for it to finish; cron can simply retry later. If no such process exists, delete the lock file.',
				});
			}
			// Stale (dead pid on this host) or unreadable half-written lock: take it over.
			await rm(this.path, { force: true });
		}
		throw new AmpImportError('lock-held', `could not take the lock ${this.path}`, { hint: 'Another run is starting at the same moment; rerun later.' });
	}

	async release(): Promise<void> {
		if (!this.#held) return;
		this.#held = false;
		await rm(this.path, { force: true });
	}

	/** Who holds the lock now, if a live process does (for `status`). */
	async holder(): Promise<LockOwner | undefined> {
		const owner = await this.#readOwner();
		return owner && !isStale(owner) ? owner : undefined;
	}

	async #readOwner(): Promise<LockOwner | undefined> {
		try {
			return JSON.parse(await readFile(this.path, 'utf8')) as LockOwner;
		} catch {
			return undefined;
		}
	}
}

function isStale(owner: LockOwner): boolean {
	if (owner.host !== hostname()) return false; // cannot see another host's processes: assume alive
	if (owner.pid === process.pid) return false;
	try {
		process.kill(owner.pid, 0);
		return false;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ESRCH';
	}
}
