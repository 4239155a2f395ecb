import { char } from '../bytes/chars.js';
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { AmpImportError, fsError } from '../errors.js';
import { contains, IdList, parseAmplitudeIdAt } from './id-list.js';

/** What the state knows of a member list: its line count and the sha256 of its bytes. */
export interface MemberListCheck {
	count: number;
	sha256: string;
}

/**
Who was in a cohort at its last successful import, so the next import can tell who left. One file per cohort in
the state dir, a line per member: `<amplitude_id>\t<user_id>`. Read twice per import, never held whole in memory:
once for the ids (as a sorted Float64Array), once to find the leavers and their user ids.

The state holds each list's line count and checksum, and the list is checked against them before it is used: a
list that is empty, cut short or damaged would otherwise read as "these members left" or "nobody was here", and
the leavers it hides would stay members in Lytics for good.
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

	/**
	The previous import's ids, sorted (in shared memory, for the workers); undefined when there was none. `expected`
	is what the state recorded of the list (its line count alone for states written before checksums); a list
	that does not match it is refused (exit 65), never taken for fewer members.
	*/
	async previousIds(expected: { count: number; sha256?: string } | undefined, cohortLabel: string): Promise<Float64Array | undefined> {
		if (!expected) return undefined;
		const size = await stat(this.path).then((s) => s.size, (error: unknown) => {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return -1;
			throw fsError(error, `reading ${this.path}`, { reading: true });
		});
		if (size === -1) {
			if (expected.count === 0) return new Float64Array(0);
			throw corruptList(this.path, cohortLabel, `it is missing, but the last import recorded ${expected.count} members`);
		}
		// Sized from the file (a line holds at least an id, a tab and a newline): untouched capacity costs no memory.
		const ids = new IdList(true, Math.ceil(size / 8));
		const hash = createHash('sha256');
		let lines = 0;
		for await (const batch of this.#lineBatches(hash)) {
			for (let start = 0; start < batch.length; ) {
				const end = batch.indexOf(char.newline, start);
				const id = parseAmplitudeIdAt(batch, start, idEnd(batch, start, end));
				if (id === -1) throw corruptList(this.path, cohortLabel, `line ${lines + 1} does not start with an Amplitude ID`);
				ids.push(id);
				lines++;
				start = end + 1;
			}
		}
		if (lines !== expected.count) throw corruptList(this.path, cohortLabel, `it has ${lines} lines, the last import recorded ${expected.count} members`);
		const digest = hash.digest('hex');
		if (expected.sha256 !== undefined && digest !== expected.sha256) throw corruptList(this.path, cohortLabel, 'its checksum does not match the one recorded at the last import');
		return ids.sorted();
	}

	/** Members of the previous import whose id is not in `current` (sorted): the leavers. Read after previousIds checked the list. */
	async *leavers(current: Float64Array): AsyncGenerator<{ amplitudeId: string; userId: string }> {
		try {
			for await (const lines of this.#lineBatches()) {
				for (let start = 0; start < lines.length; ) {
					const end = lines.indexOf(char.newline, start);
					const tab = idEnd(lines, start, end);
					const id = parseAmplitudeIdAt(lines, start, tab);
					if (id !== -1 && !contains(current, id)) yield { amplitudeId: lines.toString('latin1', start, tab), userId: tab < end ? lines.toString('utf8', tab + 1, end) : '' };
					start = end + 1;
				}
			}
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError(error, `reading ${this.path}`, { reading: true });
		}
	}

	/**
	The member file in buffers of whole lines, each ending with a newline, read as bytes (no string per line: these
	files have millions of lines, and decoding them all made the heap, and the RSS, grow by tens of MB).
	*/
	async *#lineBatches(hash?: Hash): AsyncGenerator<Buffer> {
		const input = createReadStream(this.path, { highWaterMark: 256 << 10 });
		let carry: Buffer | undefined;
		try {
			for await (const chunk of input as AsyncIterable<Buffer>) {
				hash?.update(chunk);
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

	/** Starts the next member file under a temporary name (`tag`: see delivery/leftovers.ts); it is committed with the output. */
	async startNext(tag: string): Promise<NextMembers> {
		await mkdir(this.dir, { recursive: true, mode: 0o700 });
		const tempPath = `${this.path}.${tag}.next`;
		const handle = await open(tempPath, 'w', 0o600).catch((error: unknown) => {
			throw fsError(error, `creating ${tempPath}`);
		});
		return new NextMembers(handle, tempPath, this.path);
	}
}

/** The member file being written for this import: its line count and checksum, fsynced by `close`. */
export class NextMembers {
	#buffer: Buffer[] = [];
	#buffered = 0;
	#position = 0;
	#lines = 0;
	readonly #hash = createHash('sha256');

	constructor(
		private readonly handle: FileHandle,
		readonly tempPath: string,
		readonly finalPath: string,
	) {}

	/** Records a block of members: their ids, and their lines of the member file (copied: the caller reuses them). */
	async addBlock(ids: Float64Array, lines: Uint8Array): Promise<void> {
		this.#lines += ids.length;
		this.#buffer.push(Buffer.from(lines));
		this.#buffered += lines.length;
		if (this.#buffered > 256 * 1024) await this.#flush();
	}

	async #flush(): Promise<void> {
		if (!this.#buffered) return;
		const chunk = Buffer.concat(this.#buffer, this.#buffered);
		this.#buffer = [];
		this.#buffered = 0;
		this.#hash.update(chunk);
		try {
			for (let done = 0; done < chunk.length; ) done += (await this.handle.write(chunk, done, chunk.length - done, this.#position + done)).bytesWritten;
		} catch (error) {
			throw fsError(error, `writing ${this.tempPath}`);
		}
		this.#position += chunk.length;
	}

	/** Writes the rest and fsyncs the file; returns what the state records of it. */
	async close(): Promise<MemberListCheck> {
		await this.#flush();
		try {
			await this.handle.sync();
		} catch (error) {
			throw fsError(error, `writing ${this.tempPath}`);
		}
		await this.handle.close();
		return { count: this.#lines, sha256: this.#hash.digest('hex') };
	}

	async discard(): Promise<void> {
		await this.handle.close().catch(() => undefined);
		await rm(this.tempPath, { force: true });
	}
}

function corruptList(path: string, cohort: string, why: string) {
	return new AmpImportError('data', `${cohort}: the member list of the last import, ${path}, does not match the state: ${why}`, {
		hint: 'Restore the file from a backup and rerun, or rerun with --force: a full import that emits every member and no leavers this time.',
	});
}

/** Where a member line's id ends: at its tab, or at the line's end for a line without one. */
function idEnd(lines: Buffer, start: number, end: number): number {
	const tab = lines.indexOf(char.tab, start);
	return tab === -1 || tab > end ? end : tab;
}
