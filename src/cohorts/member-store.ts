import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { syncDir } from '../atomic-file.js';
import { contains, IdList, parseAmplitudeId } from './id-list.js';

/**
Who was in a cohort at its last successful import, so the next import can tell who left. One file per cohort in
the state dir, a line per member: `<amplitude_id>\t<user_id>`. Read twice per import, never held whole in memory:
once for the ids (as a sorted Float64Array), once to find the leavers and their user ids.
*/
export class MemberStore {
	readonly path: string;

	constructor(
		readonly dir: string,
		projectKey: string,
		cohortId: string,
	) {
		this.path = join(dir, `cohort-members-${projectKey}-${cohortId.replace(/[^A-Za-z0-9_-]/g, '_')}.tsv`);
	}

	/** The previous import's ids, sorted; undefined when this cohort was never imported. */
	async previousIds(): Promise<Float64Array | undefined> {
		const ids = new IdList();
		try {
			for await (const lines of this.#lineBatches()) {
				for (const line of lines) {
					const id = parseAmplitudeId(line.slice(0, line.indexOf('\t')));
					if (id !== undefined) ids.push(id);
				}
			}
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
			throw error;
		}
		return ids.sorted();
	}

	/** Members of the previous import whose id is not in `current` (sorted): the leavers. */
	async *leavers(current: Float64Array): AsyncGenerator<{ amplitudeId: string; userId: string }> {
		try {
			for await (const lines of this.#lineBatches()) {
				for (const line of lines) {
					const tab = line.indexOf('\t');
					const id = parseAmplitudeId(line.slice(0, tab));
					if (id !== undefined && !contains(current, id)) yield { amplitudeId: line.slice(0, tab), userId: line.slice(tab + 1) };
				}
			}
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		}
	}

	/** The member file's lines, a chunk's worth at a time (no await per line: these files have millions). */
	async *#lineBatches(): AsyncGenerator<string[]> {
		const input = createReadStream(this.path, { encoding: 'utf8', highWaterMark: 1 << 20 });
		let carry = '';
		try {
			for await (const chunk of input as AsyncIterable<string>) {
				const lines = (carry + chunk).split('\n');
				carry = lines.pop()!;
				yield lines;
			}
			if (carry !== '') yield [carry];
		} finally {
			input.destroy();
		}
	}

	/** Starts the next member file under a temporary name; `commit` puts it in place once the output is durable. */
	async startNext(): Promise<NextMembers> {
		await mkdir(this.dir, { recursive: true, mode: 0o700 });
		return new NextMembers(`${this.path}.${process.pid}.next`, this.path);
	}
}

export class NextMembers {
	readonly #out: WriteStream;
	#buffer = '';
	readonly ids = new IdList();

	constructor(
		readonly tempPath: string,
		readonly finalPath: string,
	) {
		this.#out = createWriteStream(tempPath, { mode: 0o600 });
	}

	/** Records a member; returns a promise only when the caller must wait (a flush), so the common case costs no await. */
	add(id: number, amplitudeId: string, userId: string): Promise<void> | undefined {
		this.ids.push(id);
		this.#buffer += `${amplitudeId}\t${userId === '' || !/[\t\n\r]/.test(userId) ? userId : userId.replace(/[\t\n\r]/g, ' ')}\n`;
		return this.#buffer.length > 64 * 1024 ? this.#flush() : undefined;
	}

	async #flush(): Promise<void> {
		const chunk = this.#buffer;
		this.#buffer = '';
		if (!this.#out.write(chunk)) await once(this.#out, 'drain');
	}

	/** Closes the temp file (fsynced by the rename step's caller through close). */
	async close(): Promise<void> {
		await this.#flush();
		this.#out.end();
		await once(this.#out, 'close');
	}

	async commit(): Promise<void> {
		await rename(this.tempPath, this.finalPath);
		await syncDir(join(this.finalPath, '..'));
	}

	async discard(): Promise<void> {
		this.#out.destroy();
		await rm(this.tempPath, { force: true });
	}
}
