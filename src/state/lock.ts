import { hostname } from 'node:os';
import { lstat, mkdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { AmpImportError, fsError } from '../errors.js';

export interface LockOwner {
	pid: number;
	host: string;
	/** The PID namespace and boot the pid belongs to: a pid says nothing outside them (containers, reboots). */
	pidNamespace?: string;
	bootId?: string;
	startedAt: string;
	command: string;
	/** The inode of the lock directory it made: an owner file is only ever read as the owner of that very lock. */
	lockIno?: number;
}

/** How long a holder may go without touching the lock before it counts as dead; it touches it every `stale / 3`. */
export const lockStaleMs = 30_000;

/**
One run per project and job at a time. The lock is a directory (proper-lockfile: mkdir is atomic, on NFS too)
whose mtime the holder refreshes every few seconds, with the holder's identity inside. A lock is taken over when
its holder is certainly dead: its mtime is older than `lockStaleMs` (whatever host or container it ran in), or its
pid is gone from this very PID namespace and boot. A live holder is never displaced; if this run's own lock is
ever lost (another host decided it was stale), `onLost` is told, and the run stops before it commits anything.
*/
export class RunLock {
	#release?: () => Promise<void>;
	/** Who holds it, beside the lock directory (proper-lockfile removes only an empty one). */
	readonly ownerPath: string;

	constructor(
		readonly path: string,
		private readonly staleMs = lockStaleMs,
	) {
		this.ownerPath = `${path}.owner.json`;
	}

	async acquire(command: string, now: Date, onLost: (error: AmpImportError) => void = () => undefined): Promise<void> {
		const owner: LockOwner = { pid: process.pid, host: hostname(), ...(await processIdentity()), startedAt: now.toISOString(), command };
		try {
			await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
			await this.#removeIfCertainlyDead();
			this.#release = await lockfile.lock(this.path, {
				lockfilePath: this.path,
				realpath: false,
				stale: this.staleMs,
				update: Math.max(1000, Math.floor(this.staleMs / 3)),
				retries: 0,
				onCompromised: (error) =>
					onLost(new AmpImportError('lock-held', `lost the run lock ${this.path}: ${error.message}`, { hint: 'Another run took it over; nothing more is committed by this one. Rerun later.' })),
			});
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw fsError(error, `taking the lock ${this.path}`);
			const holder = await this.#readOwner();
			const who = holder ? ` (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt})` : '';
			throw new AmpImportError('lock-held', `another amp-import run holds ${this.path}${who}`, {
				hint: `Wait for it to finish; cron can simply retry later. A dead holder's lock is taken over once it is ${this.staleMs / 1000} s old.`,
			});
		}
		const lockIno = await lstat(this.path).then((s) => s.ino, () => undefined);
		await writeFile(this.ownerPath, `${JSON.stringify({ ...owner, lockIno })}\n`, { mode: 0o600 }).catch(() => undefined);
	}

	async release(): Promise<void> {
		const release = this.#release;
		this.#release = undefined;
		if (!release) return;
		await rm(this.ownerPath, { force: true }).catch(() => undefined);
		await release().catch(() => undefined);
	}

	/** Who holds the lock now, if a live process does (for `status`). */
	async holder(): Promise<LockOwner | undefined> {
		const locked = await lockfile.check(this.path, { lockfilePath: this.path, realpath: false, stale: this.staleMs }).catch(() => false);
		if (!locked) return undefined;
		const owner = await this.#readOwner();
		return owner && !(await certainlyDead(owner)) ? owner : undefined;
	}

	/** The owner of the lock as it is now: an owner file written for another (older) lock directory is not. */
	async #currentOwner(lockIno: number): Promise<LockOwner | undefined> {
		const owner = await this.#readOwner();
		return owner?.lockIno === lockIno ? owner : undefined;
	}

	/** A lock whose pid is gone from our own PID namespace and boot need not wait to go stale. So is an older version's lock file. */
	async #removeIfCertainlyDead(): Promise<void> {
		const info = await lstat(this.path).catch(() => undefined);
		if (!info) return;
		if (info.isFile()) {
			const owner = await this.#readOwner();
			// amp-import before 0.2 wrote the lock as a file holding the owner.
			// It was never refreshed: its age says nothing of a live holder, so only a dead pid here or a stale age frees it.
			if (!owner || (await certainlyDead(owner)) || Date.now() - info.mtimeMs > this.staleMs) await rm(this.path, { force: true });
			return;
		}
		const current = await this.#currentOwner(info.ino);
		if (current && (await certainlyDead(current))) {
			await rm(this.path, { recursive: true, force: true });
			await rm(this.ownerPath, { force: true });
		}
	}

	async #readOwner(): Promise<LockOwner | undefined> {
		for (const file of [this.ownerPath, this.path]) {
			try {
				return JSON.parse(await readFile(file, 'utf8')) as LockOwner;
			} catch {
				// not there (yet), or an older layout
			}
		}
		return undefined;
	}
}

async function processIdentity(): Promise<{ pidNamespace?: string; bootId?: string }> {
	const pidNamespace = await readlink('/proc/self/ns/pid').catch(() => undefined);
	const bootId = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').then((t) => t.trim(), () => undefined);
	return { pidNamespace, bootId };
}

/** True only when the owner's process certainly no longer exists: same host, PID namespace and boot, and no such pid. */
async function certainlyDead(owner: LockOwner): Promise<boolean> {
	if (owner.host !== hostname()) return false;
	const here = await processIdentity();
	if (!owner.pidNamespace || owner.pidNamespace !== here.pidNamespace || owner.bootId !== here.bootId) return false;
	if (owner.pid === process.pid) return false;
	try {
		process.kill(owner.pid, 0);
		return false;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ESRCH';
	}
}
