import { join } from 'node:path';
import { z } from 'zod/v3';
import { StateFile } from './state-file.js';
import { RunLock } from './lock.js';
import { Journal } from './journal.js';
import { projectKey } from './project-key.js';
import type { Region } from '../config/schema.js';

const hourPattern = /^\d{4}-\d{2}-\d{2}T\d{2}$/;

const eventsStateSchema = z.strictObject({
	version: z.literal(1),
	job: z.literal('events'),
	region: z.enum(['us', 'eu']),
	/** The last hour fully exported and durably written, `YYYY-MM-DDTHH` UTC. */
	cursor: z.string().regex(hourPattern, 'expected an hour like 2026-10-01T05'),
	updatedAt: z.string(),
	lastRun: z.record(z.string(), z.unknown()).optional(),
});

export type EventsState = z.infer<typeof eventsStateSchema>;


export function eventsStateFiles(stateDir: string, apiKey: string, region: Region) {
	const key = projectKey(apiKey, region);
	return {
		state: new StateFile<EventsState>(join(stateDir, `events-${key}.json`), eventsStateSchema),
		lock: new RunLock(join(stateDir, `events-${key}.lock`)),
		journal: new Journal(join(stateDir, `events-${key}.commit`)),
		key,
	};
}

export const hourToCursor = (hour: number): string => new Date(hour).toISOString().slice(0, 13);
export const cursorToHour = (cursor: string): number => Date.parse(`${cursor}:00:00Z`);
