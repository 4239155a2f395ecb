import { dirname } from 'node:path';
import type { RunLock } from '../state/lock.js';
import type { Journal } from '../state/journal.js';
import { removeAtomicTemps, removeLeftovers } from './leftovers.js';

/** What a run that keeps state holds while it runs. */
export interface RunGuard {
	/** The run's signal and the lock's: a lost lock stops the run. */
	signal: AbortSignal;
	/** Why the run may no longer commit (its lock was taken over), if so. */
	lockLost: () => Error | undefined;
	release: () => Promise<void>;
}

/**
The start every stateful run shares, before it reads its state: take the lock, complete a commit that a killed run
decided (state/journal.ts), and remove the temp files killed runs left in TMPDIR, the state dir and the output's
folder. Stateless runs (an explicit range) take no lock, and sweep only what dead processes of theirs left.
*/
export async function startRun(o: {
	job: 'events' | 'cohorts';
	files?: { lock: RunLock; journal: Journal; key: string; dir: string };
	/** The output file as resolved (its folder is swept), if the output is a file. */
	output?: string;
	now: Date;
	signal: AbortSignal;
	logger: { info: (message: string) => void; debug: (message: string) => void };
}): Promise<RunGuard> {
	const lost = new AbortController();
	await o.files?.lock.acquire(o.job, o.now, (error) => lost.abort(error));
	try {
		if (await o.files?.journal.recover()) o.logger.info('completed the commit of a run that stopped after deciding it');
		const folders = [...(o.output ? [dirname(o.output)] : []), ...(o.files ? [o.files.dir] : [])];
		const swept = (await removeLeftovers(o.job, o.files?.key, folders)) + (o.files ? await removeAtomicTemps(o.files.dir) : 0);
		if (swept) o.logger.debug(`removed ${swept} temp file(s) left by runs that were killed`);
	} catch (error) {
		await o.files?.lock.release();
		throw error;
	}
	return {
		signal: AbortSignal.any([o.signal, lost.signal]),
		lockLost: () => (lost.signal.aborted ? (lost.signal.reason as Error) : undefined),
		release: async () => o.files?.lock.release(),
	};
}
