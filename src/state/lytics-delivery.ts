import { join } from 'node:path';
import { z } from 'zod/v3';
import { StateFile } from './state-file.js';

const unitSchema = z.strictObject({
	/** The batch size the unit was cut with: a resumed unit is cut the same way, whatever the config says now. */
	batchBytes: z.number().int().positive(),
	/** Batches Lytics accepted, from the first, and the running hash of what they held (lytics/batches.ts). */
	accepted: z.number().int().nonnegative(),
	hash: z.string(),
	records: z.number().int().nonnegative(),
	/** The batch on the wire when this was written: after a crash, Lytics may or may not have stored it. */
	sending: z.number().int().positive().optional(),
	/** Every batch accepted (the unit's own commit may still be pending). */
	complete: z.boolean(),
	/** Records sent again after a cut connection, a crash mid-batch, or a unit whose data changed. */
	possiblyDuplicated: z.number().int().nonnegative(),
	updatedAt: z.string(),
});

const logSchema = z.strictObject({
	version: z.literal(1),
	units: z.record(z.string(), unitSchema),
});

export type DeliveredUnit = z.infer<typeof unitSchema>;
type DeliveryLogData = z.infer<typeof logSchema>;

/** Units kept by default: more than the windows of a year's backfill; older ones are dropped, oldest first. */
const keptUnits = 500;

/**
What Lytics has accepted, unit by unit (an events window, a cohort's records), per job, project and stream. Written
before each batch goes out and when a unit is done, so a rerun after any failure knows exactly which batches of a
unit Lytics has, and resumes after them. The cursor and member lists still move only with the job's own commit.
*/
export class DeliveryLog {
	readonly #file: StateFile<DeliveryLogData>;
	#data?: DeliveryLogData;

	constructor(
		stateDir: string,
		job: 'events' | 'cohorts',
		projectKey: string,
		stream: string,
		private readonly keep = keptUnits,
	) {
		const safe = stream.replace(/[^A-Za-z0-9_.-]/g, '_');
		this.#file = new StateFile(join(stateDir, `lytics-${job}-${projectKey}-${safe}.json`), logSchema);
	}

	get path(): string {
		return this.#file.path;
	}

	async unit(key: string): Promise<DeliveredUnit | undefined> {
		return (await this.#load()).units[key];
	}

	async record(key: string, unit: DeliveredUnit): Promise<void> {
		const data = await this.#load();
		delete data.units[key];
		data.units[key] = unit;
		const keys = Object.keys(data.units);
		for (const old of keys.slice(0, Math.max(0, keys.length - this.keep))) delete data.units[old];
		await this.#file.write(data);
	}

	async #load(): Promise<DeliveryLogData> {
		this.#data ??= (await this.#file.read()) ?? { version: 1, units: {} };
		return this.#data;
	}
}
