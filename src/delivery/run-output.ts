import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { syncDir } from '../atomic-file.js';
import { fsError } from '../errors.js';
import { OutputSink, type SinkTarget } from '../pipeline/output-sink.js';
import { deliverUnit, type LyticsTarget, type UnitName } from './lytics-delivery.js';
import type { Journal, Rename, StateChange } from '../state/journal.js';
import { checkOutputPath, resolveOutputName, usesPlaceholder, type NameValues } from './output-target.js';

export interface RunOutputOptions<M> {
	job: 'events' | 'cohorts';
	/** `-o` as given (undefined or `-` = stdout), resolved against `cwd`. */
	output?: string;
	cwd: string;
	stdout: Writable;
	gzip: boolean;
	/** The name's values before the run (for the up-front check) and, given the units done, at publish. */
	names: (done?: M[]) => NameValues;
	/** A run that keeps state: it never replaces a published file unless `overwrite`. */
	stateful: boolean;
	overwrite: boolean;
	/** Why this run may no longer commit (its lock was taken over), if so: checked before every commit. */
	lockLost?: () => Error | undefined;
	/**
	Commits units of output: the job adds what moves with them (their state, their member lists) and calls
	`commitFiles`. `output` renames the published file into place (none for stdout); `deliver` copies the units
	to stdout (none for a file) and must run inside the commit, before it is decided.
	*/
	commit: (units: M[], output: Rename[], deliver?: () => Promise<void>) => Promise<void>;
	/** Temp-file tag (delivery/leftovers.ts). */
	tag: string;
	release?: (bytes: Uint8Array) => void;
	highWaterMark?: number;
	flushAheadBytes?: number;
	/** `-o lytics:`: each unit is sent to Lytics inside its commit (delivery/lytics-delivery.ts), named by `name`. */
	lytics?: { target: LyticsTarget; name: (marker: M) => UnitName };
}

/**
The delivery lifecycle both jobs share: resolve and check the target before any request, spool, commit each unit
with its state (stdout: unit by unit, around the copy; a file: all at once, by renaming it into place), and on
failure leave the user's path and the state as they were. The one exception: an events file whose name carries
`{end}` says which windows it holds, so a failed run publishes its complete windows under that name, the cursor
moving with it.
*/
export class RunOutput<M> {
	readonly sink: OutputSink<M>;

	/** `plannedPath`: where the output goes, as checked up front (a name may still change with `{end}` at publish). */
	private constructor(
		private readonly o: RunOutputOptions<M>,
		private readonly template: string | undefined,
		plannedPath: string | undefined,
	) {
		const lytics = o.lytics;
		const target: SinkTarget = lytics ? { kind: 'units' } : plannedPath ? { kind: 'file', path: plannedPath } : { kind: 'stdout', stream: o.stdout };
		this.sink = new OutputSink<M>(target, {
			gzip: !lytics && (o.gzip || Boolean(plannedPath?.endsWith('.gz'))),
			release: o.release,
			highWaterMark: o.highWaterMark,
			flushAheadBytes: o.flushAheadBytes,
			spoolTag: o.tag,
			deliver: (marker, copy) =>
				this.#commit([marker], [], lytics ? () => deliverUnit(lytics.target, lytics.name(marker), copy) : () => copy()).then(() => undefined),
			publish: (spool, markers) => this.#publish(spool, markers),
		});
	}

	/** Checks the target (exit 73 before any request when it cannot be created) and opens the spool. */
	static async open<M>(o: RunOutputOptions<M>): Promise<RunOutput<M>> {
		const template = o.output && o.output !== '-' && !o.lytics ? resolve(o.cwd, o.output) : undefined;
		const planned = template ? resolveOutputName(template, o.names()) : undefined;
		// A pipe or a device (`-o /dev/stdout`, a FIFO, /dev/null) is written like stdout, unit by unit: a file renamed
		// over it would replace the device itself.
		const device = planned ? await openDevice(planned) : undefined;
		if (planned && !device) await checkOutputPath(planned, { stateful: o.stateful, overwrite: o.overwrite, given: o.output! });
		const output = device ? new RunOutput<M>({ ...o, stdout: device }, undefined, undefined) : new RunOutput<M>(o, template, planned);
		output.#device = device;
		await output.sink.open();
		return output;
	}

	#device?: WriteStream;

	/** After a successful pipeline: publishes the file (stdout's units are committed already). */
	async finish(): Promise<string | undefined> {
		const path = await this.sink.commit();
		await this.#closeDevice();
		return path;
	}

	/** After a failure: see the class comment. Returns the path of a partial file, if one was published. */
	async fail(): Promise<string | undefined> {
		const keepComplete = this.o.job === 'events' && this.template !== undefined && usesPlaceholder(this.template, 'end');
		try {
			return await this.sink.abort({ keepComplete });
		} finally {
			await this.#closeDevice().catch(() => undefined);
		}
	}

	/** Ends the rejects file of a Lytics run (it is synced at each unit's commit already). */
	async #closeRejects(): Promise<void> {
		await this.o.lytics?.target.rejects.close();
	}

	async #closeDevice(): Promise<void> {
		await this.#closeRejects();
		const device = this.#device;
		if (!device || device.closed) return;
		this.#device = undefined;
		await new Promise<void>((resolve, reject) => device.end((error?: Error | null) => (error ? reject(fsError(error, `closing ${String(device.path)}`)) : resolve())));
	}

	async #publish(spool: string, markers: M[]): Promise<string> {
		const path = resolveOutputName(this.template!, this.o.names(markers));
		await this.#commit(markers, [{ from: spool, to: path, noClobber: this.o.stateful && !this.o.overwrite }]);
		return path;
	}

	async #commit(units: M[], output: Rename[], deliver?: () => Promise<void>): Promise<void> {
		const lost = this.o.lockLost?.();
		if (lost) throw lost;
		await this.o.commit(units, output, deliver);
	}
}

/** A write stream on `path` when it exists and is not a regular file (a FIFO, a character device, a socket). */
async function openDevice(path: string): Promise<WriteStream | undefined> {
	const info = await stat(path).catch(() => undefined);
	if (!info || info.isFile() || info.isDirectory()) return undefined;
	const stream = createWriteStream(path, { flags: 'w' });
	await new Promise<void>((resolve, reject) => {
		stream.once('open', () => resolve());
		stream.once('error', (error) => reject(fsError(error, `opening ${path}`)));
	});
	return stream;
}

/**
One commit of files and state: through the journal for a run that keeps state, so that they move together
(state/journal.ts); for a run without state, the delivery and the renames alone.
*/
export async function commitFiles(journal: Journal | undefined, renames: Rename[], state?: StateChange, deliver?: () => Promise<void>): Promise<void> {
	if (journal) return journal.commit(renames, state, deliver);
	await deliver?.();
	for (const r of renames) {
		await rename(r.from, r.to).catch((error: unknown) => {
			throw fsError(error, `publishing ${r.to}`);
		});
		await syncDir(dirname(r.to));
	}
}
