import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
Temp files carry whose they are, so the next run can remove what a killed run left: `amp-import-<job>-<owner>-<pid>-…`
where the owner is the project key of a run that holds the lock, or `x` for a run without state (an explicit range).
Spools sit beside the output (`.<name>.<tag>.partial`) or in TMPDIR (`<tag>.stdout.partial`, `<tag>.units.partial` for Lytics), downloads in a TMPDIR
folder named by the tag.
*/
export function tempTag(job: 'events' | 'cohorts', projectKey: string | undefined): string {
	return `amp-import-${job}-${projectKey ?? 'x'}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
Removes the leftovers of dead runs of this job: with `projectKey` (the caller holds that project's lock, so no other
run of it is alive) every temp file of that project; without, those of lockless runs whose process is gone.
`folders` are the output folders to sweep besides TMPDIR and the state dir. Returns how many were removed.
*/
export async function removeLeftovers(job: 'events' | 'cohorts', projectKey: string | undefined, folders: string[]): Promise<number> {
	const prefix = `amp-import-${job}-${projectKey ?? 'x'}-`;
	const isLeftover = (name: string): boolean => {
		const at = name.indexOf(prefix);
		if (at === -1) return false;
		if (projectKey) return true;
		const pid = Number(name.slice(at + prefix.length).split('-')[0]);
		return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid);
	};
	let removed = 0;
	for (const folder of new Set([tmpdir(), ...folders])) {
		const names = await readdir(folder).catch(() => [] as string[]);
		for (const name of names) {
			if (!isLeftover(name)) continue;
			await rm(join(folder, name), { recursive: true, force: true }).catch(() => undefined);
			removed++;
		}
	}
	return removed;
}

/**
Removes the temp files of atomic writes (`.<name>.<pid>.<hex>.tmp`, see atomic-file.ts) whose writer is gone: a run
killed mid-write leaves one beside the state file it was replacing.
*/
export async function removeAtomicTemps(dir: string): Promise<number> {
	let removed = 0;
	for (const name of await readdir(dir).catch(() => [] as string[])) {
		const match = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name);
		if (!match || Number(match[1]) === process.pid || alive(Number(match[1]))) continue;
		await rm(join(dir, name), { force: true }).catch(() => undefined);
		removed++;
	}
	return removed;
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code !== 'ESRCH';
	}
}
