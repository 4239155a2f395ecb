import { join } from 'node:path';
import { z } from 'zod';
import { StateFile } from '../state/state-file.js';
import { RunLock } from '../state/lock.js';
import { projectKey } from '../state/events-state.js';
import type { Region } from '../config/schema.js';

const cohortStateSchema = z.strictObject({
	name: z.string(),
	/** lastComputed of the cohort at its last successful import (as the cohort list gave it). */
	lastComputed: z.number().optional(),
	importedAt: z.string().optional(),
	members: z.number().optional(),
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
	};
}

/**
The cohorts state of one run, written through one queue: cohorts are prepared concurrently, and every change
(a request id saved, an import done) must land in the file in order, never overwriting another.
*/
export class CohortsStateWriter {
	#queue: Promise<void> = Promise.resolve();

	constructor(
		private readonly file: StateFile<CohortsState>,
		readonly value: CohortsState,
	) {}

	static async open(file: StateFile<CohortsState>, region: Region): Promise<CohortsStateWriter> {
		return new CohortsStateWriter(file, (await file.read()) ?? { version: 1, job: 'cohorts', region, cohorts: {} });
	}

	cohort(id: string): CohortState | undefined {
		return this.value.cohorts[id];
	}

	update(id: string, name: string, change: (current: CohortState) => CohortState): Promise<void> {
		this.value.cohorts[id] = change(this.value.cohorts[id] ?? { name });
		const snapshot = structuredClone(this.value);
		this.#queue = this.#queue.then(() => this.file.write(snapshot));
		return this.#queue;
	}

	setLastRun(summary: Record<string, unknown>): Promise<void> {
		this.value.lastRun = summary;
		const snapshot = structuredClone(this.value);
		this.#queue = this.#queue.then(() => this.file.write(snapshot));
		return this.#queue;
	}
}
