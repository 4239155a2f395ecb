import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { syncDir } from '../atomic-file.js';
import { contains, IdList, parseAmplitudeIdAt } from './id-list.js';

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

	/** The previous import's ids, sorted (in shared memory, for the workers); undefined when never imported. */
	async previousIds(): Promise<Float64Array | undefined> {
		let ids: IdList | undefined;
		try {
			// Sized from the file (a line holds at least an id, a tab and a newline): untouched capacity costs no memory.
			ids = new IdList(true, Math.ceil((await stat(this.path)).size / 8));
			for await (const lines of this.#lineBatches()) {
				for (let start = 0; start < lines.length; ) {
					const end = lines.indexOf(10, start);
					const id = parseAmplitudeIdAt(lines, start, idEnd(lines, start, end));
					if (id !== -1) ids.push(id);
					start = end + 1;
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
				for (let start = 0; start < lines.length; ) {
					const end = lines.indexOf(10, start);
					const tab = idEnd(lines, start, end);
					const id = parseAmplitudeIdAt(lines, start, tab);
					if (id !== -1 && !contains(current, id)) yield { amplitudeId: lines.toString('latin1', start, tab), userId: tab < end ? lines.toString('utf8', tab + 1, end) : '' };
					start = end + 1;
				}
			}
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		}
	}

	/**
	The member file in buffers of whole lines, each ending with a newline, read as bytes (no string per line: these
	files have millions of lines, and decoding them all made the heap, and the RSS, grow by tens of MB).
	*/
	async *#lineBatches(): AsyncGenerator<Buffer> {
		const input = createReadStream(this.path, { highWaterMark: 256 << 10 });
		let carry: Buffer | undefined;
		try {
			for await (const chunk of input as AsyncIterable<Buffer>) {
				const last = chunk.lastIndexOf(10);
				if (last === -1) {
					carry = carry ? Buffer.concat([carry, chunk]) : chunk;
					continue;
				}
				yield carry ? Buffer.concat([carry, chunk.subarray(0, last + 1)]) : chunk.subarray(0, last + 1);
				carry = last + 1 < chunk.length ? chunk.subarray(last + 1) : undefined;
			}
			if (carry) yield Buffer.concat([carry, Buffer.of(10)]);
		} finally {
			input.destroy();
		}
	}

	/** Starts the next member file under a temporary name; `commit` puts it in place once the output is durable. */
	async startNext(expectedMembers = 0): Promise<NextMembers> {
		await mkdir(this.dir, { recursive: true, mode: 0o700 });
		return new NextMembers(`${this.path}.${process.pid}.next`, this.path, expectedMembers);
	}
}

export class NextMembers {
	readonly #out: WriteStream;
	#buffer: Buffer[] = [];
	#buffered = 0;
	readonly ids: IdList;

	constructor(
		readonly tempPath: string,
		readonly finalPath: string,
		expectedMembers = 0,
	) {
		// Room for the cohort's listed size and a margin (it may have grown since): no copy while the list fills.
		this.ids = new IdList(false, Math.ceil(expectedMembers * 1.05) + 1024);
		this.#out = createWriteStream(tempPath, { mode: 0o600 });
	}

	/** Records a block of members: their ids, and their lines of the member file (copied: the caller reuses them). */
	async addBlock(ids: Float64Array, lines: Uint8Array): Promise<void> {
		this.ids.pushAll(ids);
		this.#buffer.push(Buffer.from(lines));
		this.#buffered += lines.length;
		if (this.#buffered > 256 * 1024) await this.#flush();
	}

	async #flush(): Promise<void> {
		if (!this.#buffered) return;
		const chunk = Buffer.concat(this.#buffer, this.#buffered);
		this.#buffer = [];
		this.#buffered = 0;
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

/** Where a member line's id ends: at its tab, or at the line's end for a line without one. */
function idEnd(lines: Buffer, start: number, end: number): number {
	const tab = lines.indexOf(9, start);
	return tab === -1 || tab > end ? end : tab;
}
