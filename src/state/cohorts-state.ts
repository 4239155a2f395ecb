import { join } from 'node:path';
import { z } from 'zod/v3';
import { StateFile } from './state-file.js';
import { RunLock } from './lock.js';
import { Journal, type StateChange } from './journal.js';
import { projectKey } from './project-key.js';
import type { Region } from '../config/schema.js';

const cohortStateSchema = z.strictObject({
	name: z.string(),
	/** lastComputed of the cohort at its last successful import (as the cohort list gave it). */
	lastComputed: z.number().optional(),
	importedAt: z.string().optional(),
	members: z.number().optional(),
	/** The member list written at that import: its line count and sha256, checked before it is read (cohorts/member-store.ts). */
	list: z.strictObject({ count: z.number(), sha256: z.string() }).optional(),
	/** A download requested and not yet imported: resumed instead of spending another of the month's downloads. */
	pending: z.strictObject({ requestId: z.string(), requestedAt: z.string(), lastComputed: z.number().optional() }).optional(),
});

const cohortsStateSchema = z.strictObject({
	version: z.literal(1),
	job: z.literal('cohorts'),
	region: z.enum(['us', 'eu']),
	cohorts: z.record(z.string(), cohortStateSchema),
	lastRun: z.record(z.string(), z.unknown()).optional(),
});

export type CohortsState = z.infer<typeof cohortsStateSchema>;
export type CohortState = z.infer<typeof cohortStateSchema>;

export function cohortsStateFiles(stateDir: string, apiKey: string, region: Region) {
	const key = projectKey(apiKey, region);
	return {
		key,
		dir: stateDir,
		state: new StateFile<CohortsState>(join(stateDir, `cohorts-${key}.json`), cohortsStateSchema),
		lock: new RunLock(join(stateDir, `cohorts-${key}.lock`)),
		journal: new Journal(join(stateDir, `cohorts-${key}.commit`)),
	};
}

/**
The cohorts state of one run, written through one queue: cohorts are prepared concurrently, and every change
(a request id saved, an import committed) must land in the file in order, each built on the one before, never
overwriting another.
*/
export class CohortsStateWriter {
	#queue: Promise<unknown> = Promise.resolve();

	constructor(
		private readonly file: StateFile<CohortsState>,
		public value: CohortsState,
	) {}

	static async open(file: StateFile<CohortsState>, region: Region): Promise<CohortsStateWriter> {
		return new CohortsStateWriter(file, (await file.read()) ?? { version: 1, job: 'cohorts', region, cohorts: {} });
	}

	cohort(id: string): CohortState | undefined {
		return this.value.cohorts[id];
	}

	update(id: string, name: string, change: (current: CohortState) => CohortState): Promise<void> {
		return this.#enqueue(async () => {
			this.value.cohorts[id] = change(this.value.cohorts[id] ?? { name });
			await this.file.write(structuredClone(this.value));
		});
	}

	setLastRun(summary: Record<string, unknown>): Promise<void> {
		return this.#enqueue(async () => {
			this.value.lastRun = summary;
			await this.file.write(structuredClone(this.value));
		});
	}

	/**
	Commits an import with its output: `change` edits a copy of the state, `commit` is given that copy's file content
	to move together with the output (state/journal.ts); the copy becomes the state only once the commit is done.
	*/
	commit<T>(change: (draft: CohortsState) => void, commit: (state: StateChange) => Promise<T>): Promise<T> {
		return this.#enqueue(async () => {
			const draft = structuredClone(this.value);
			change(draft);
			const result = await commit(this.file.change(draft));
			this.value = draft;
			return result;
		});
	}

	#enqueue<T>(work: () => Promise<T>): Promise<T> {
		const next = this.#queue.then(work);
		this.#queue = next.catch(() => undefined);
		return next;
	}
}
