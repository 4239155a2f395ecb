import { epochToDate } from '../mapping/timestamps.js';
import { cohortsStateFiles } from '../state/cohorts-state.js';
import { addHours, isoHour } from '../amplitude/hours.js';
import { cursorToHour, eventsStateFiles } from '../state/events-state.js';
import type { LockOwner } from '../state/lock.js';
import type { Region } from '../config/schema.js';
import { formatInZone } from './next-run.js';
import type { JobName, ScheduledJob } from './jobs.js';

/** What `amp-import status` reports for one job; also its --json shape. */
export interface JobStatus {
	job: JobName;
	schedule: string;
	zone: string;
	/** The last time the job's state advanced: a window or a cohort durably written. */
	lastSuccess?: string;
	/** events: the last hour exported; cohorts: per cohort, its lastComputed at the last import. */
	cursor?: string;
	nextExportHour?: string;
	cohorts?: { id: string; name: string; importedAt?: string; members?: number; lastComputed?: string }[];
	pending?: { cohortId: string; name: string; requestId: string; requestedAt: string }[];
	lastRun?: Record<string, unknown>;
	running?: LockOwner;
	nextRun: { local: string; utc: string };
	stateFile: string;
}

export interface StatusInput {
	stateDir: string;
	apiKey: string;
	region: Region;
	now: number;
}

function nextRun(job: ScheduledJob, now: number) {
	const at = job.next(now);
	return { local: formatInZone(at, job.zone), utc: new Date(at).toISOString() };
}

export async function eventsStatus(job: ScheduledJob, input: StatusInput): Promise<JobStatus> {
	const files = eventsStateFiles(input.stateDir, input.apiKey, input.region);
	const state = await files.state.read();
	return {
		job: 'events',
		schedule: job.description,
		zone: job.zone,
		lastSuccess: state?.updatedAt,
		cursor: state?.cursor,
		nextExportHour: state ? isoHour(addHours(cursorToHour(state.cursor), 1)) : undefined,
		lastRun: state?.lastRun,
		running: await files.lock.holder(),
		nextRun: nextRun(job, input.now),
		stateFile: files.state.path,
	};
}

export async function cohortsStatus(job: ScheduledJob, input: StatusInput): Promise<JobStatus> {
	const files = cohortsStateFiles(input.stateDir, input.apiKey, input.region);
	const state = await files.state.read();
	const entries = Object.entries(state?.cohorts ?? {});
	const imported = entries.map(([, c]) => c.importedAt).filter((t): t is string => t !== undefined);
	return {
		job: 'cohorts',
		schedule: job.description,
		zone: job.zone,
		lastSuccess: imported.sort().at(-1),
		cohorts: entries.map(([id, c]) => ({
			id,
			name: c.name,
			importedAt: c.importedAt,
			members: c.members,
			lastComputed: c.lastComputed === undefined ? undefined : epochToDate(c.lastComputed)?.toISOString(),
		})),
		pending: entries.flatMap(([id, c]) => (c.pending ? [{ cohortId: id, name: c.name, requestId: c.pending.requestId, requestedAt: c.pending.requestedAt }] : [])),
		lastRun: state?.lastRun,
		running: await files.lock.holder(),
		nextRun: nextRun(job, input.now),
		stateFile: files.state.path,
	};
}

/** The text form: one aligned block per job. */
export function formatStatus(status: JobStatus): string {
	const rows: [string, string][] = [
		['schedule', status.schedule],
		['last success', status.lastSuccess ?? 'never'],
	];
	if (status.job === 'events') rows.push(['cursor', status.cursor ? `${status.cursor} (next export starts at ${status.nextExportHour})` : 'none (the first run backfills)']);
	if (status.cohorts) {
		rows.push(['cohorts', status.cohorts.length ? '' : 'none imported yet']);
		for (const c of status.cohorts) {
			const detail = c.importedAt ? `imported ${c.importedAt}, ${c.members ?? '?'} members, computed ${c.lastComputed ?? '?'}` : 'not imported yet';
			rows.push(['', `${c.id} "${c.name}": ${detail}`]);
		}
		rows.push(['pending', status.pending?.length ? '' : 'none']);
		for (const p of status.pending ?? []) rows.push(['', `${p.cohortId} "${p.name}": request ${p.requestId} since ${p.requestedAt}`]);
	}
	const lytics = status.lastRun?.lytics as { stream?: string; records?: number; batches?: number; rejects?: number; possiblyDuplicated?: number } | undefined;
	if (lytics?.stream) {
		const extra = [lytics.rejects ? `${lytics.rejects} refused` : '', lytics.possiblyDuplicated ? `${lytics.possiblyDuplicated} possibly duplicated` : ''].filter(Boolean).join(', ');
		rows.push(['delivered', `last run: ${lytics.records ?? 0} records to Lytics stream ${lytics.stream} in ${lytics.batches ?? 0} batches${extra ? ` (${extra})` : ''}`]);
	}
	if (status.running) rows.push(['running', `pid ${status.running.pid} on ${status.running.host} since ${status.running.startedAt}`]);
	rows.push(['next run', `${status.nextRun.local} = ${status.nextRun.utc}`], ['state file', status.stateFile]);
	const width = Math.max(...rows.map(([k]) => k.length));
	const body = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`.trimEnd()).join('\n');
	return `${status.job}\n${body}\n`;
}
