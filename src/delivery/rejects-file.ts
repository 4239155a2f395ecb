import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fsError } from '../errors.js';

/**
The records Lytics refused, one NDJSON line each with Lytics' reason: `<stateDir>/rejects/<job>-<time>-<pid>.ndjson`.
Opened at the first refusal; made durable before the unit that refused them commits, so a committed unit's rejects
are never lost.
*/
export class RejectsFile {
	readonly path: string;
	#handle?: FileHandle;
	count = 0;

	constructor(stateDir: string, job: 'events' | 'cohorts', now: Date) {
		const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '');
		this.path = join(stateDir, 'rejects', `${job}-${stamp}-${process.pid}.ndjson`);
	}

	/** `record` is the record's JSON text as sent. */
	async add(unit: string, reason: { status?: number; message: string }, record: Buffer): Promise<void> {
		try {
			if (!this.#handle) {
				await mkdir(join(this.path, '..'), { recursive: true, mode: 0o700 });
				this.#handle = await open(this.path, 'a', 0o600);
			}
			const head = JSON.stringify({ unit, status: reason.status, message: reason.message }).slice(0, -1);
			await this.#handle.write(Buffer.concat([Buffer.from(`${head},"record":`), record, Buffer.from('}\n')]));
			this.count++;
		} catch (error) {
			throw fsError(error, `writing ${this.path}`);
		}
	}

	async sync(): Promise<void> {
		await this.#handle?.sync().catch((error: unknown) => {
			throw fsError(error, `writing ${this.path}`);
		});
	}

	async close(): Promise<void> {
		const handle = this.#handle;
		this.#handle = undefined;
		await handle?.close().catch(() => undefined);
	}
}
