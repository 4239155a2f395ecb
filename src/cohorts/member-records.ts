import type { Logger } from '../io/logger.js';
import { AmpImportError, dataError } from '../errors.js';
import type { LineMapper } from '../mapping/compile.js';
import type { Checkpoint } from '../pipeline/output-sink.js';
import type { LineBuffer } from '../bytes/line-buffer.js';
import { inOrder } from '../pipeline/worker-pool.js';
import { csvBlocks } from './csv-blocks.js';
import { invalidCsv, openCohortFile, parseHeader, type MemberRow } from './csv-members.js';
import type { CohortFields, MemberBlockResult } from './member-block.js';
import { contains, SeenIds } from './id-list.js';
import { cohortRecordFields } from './member-bytes.js';
import { blockBytes, type MemberMapping } from './member-mapping.js';
import type { MemberListCheck, MemberStore, NextMembers } from './member-store.js';
import type { PreparedCohort } from './prepare.js';
import type { CohortsRunStats } from './stats.js';

/** Marks the end of a cohort's records: its member file and state are committed with them. */
export interface CohortDone {
	prepared: PreparedCohort;
	next: NextMembers;
	members: number;
	/** The new member list's line count and checksum, for the state. */
	list: MemberListCheck;
}

export interface MemberRecordsOptions {
	store: MemberStore;
	mapping: MemberMapping;
	/** Maps the leavers' records (on this thread: they are few). */
	mapper: LineMapper;
	raw: boolean;
	changesOnly: boolean;
	stats: CohortsRunStats;
	logger: Logger;
	/** Every member file started, so a failed run can remove the ones never committed. */
	started: NextMembers[];
	/** What the state recorded of the last import's member list (undefined: never imported). */
	previousList?: { count: number; sha256?: string };
	/** --force: a member list that does not match the state is set aside (no leavers this time) instead of stopping the run. */
	force: boolean;
	/** Temp-file tag (delivery/leftovers.ts). */
	tag: string;
	/** Where the leavers' lines are encoded. */
	lines: LineBuffer;
}

/**
One cohort's NDJSON: its current members (membership true) as the file lists them, then, for every member of the
last successful import who is gone, a record with membership false. With `changesOnly`, only joins and leaves.
The file is cut into blocks of whole records that worker threads parse and map, up to a few in flight, taken back
in file order. The previous members are held as a sorted Float64Array (16 MB for 2,000,000, shared with the
workers) and the leavers found by streaming the previous member file, so memory stays bounded whatever the size.
*/
export async function* memberRecords(prepared: PreparedCohort, o: MemberRecordsOptions): AsyncGenerator<Uint8Array | Checkpoint<CohortDone>> {
	const { cohort } = prepared;
	/** What the records take from the cohort (sent with every block, so only these few fields). */
	const fields: CohortFields = { id: cohort.id, name: cohort.name, lastComputed: cohort.lastComputed };
	const label = `cohort ${cohort.id} file`;
	const previous = await readPrevious(o, `cohort ${cohort.id} "${cohort.name}"`);
	const next = await o.store.startNext(o.tag);
	o.started.push(next);
	const seen = new SeenIds(cohort.size ?? 0);
	const writesLine = (id: number) => !o.changesOnly || previous === undefined || !contains(previous, id);
	const input = await openCohortFile(prepared.file);
	let members = 0;
	try {
		const blocks = csvBlocks(input, { label, blockBytes, maxRecordBytes: 16 << 20, take: o.mapping.takeBlock });
		const first = await blocks.next();
		if (first.done) throw dataError(`${label}: the file is empty (no header row)`, 'Rerun to download the cohort again.');
		const onDuplicates = (names: string[]) => o.logger.warn(`${label}: repeated column name(s) ${names.join(', ')}; later ones are suffixed __2, __3`);
		const header = parseHeader(first.value, label, onDuplicates);
		o.logger.debug(`${label}: parsing and mapping on ${o.mapping.threads} worker thread(s)`);
		const run = (bytes: Buffer) => o.mapping.run({ bytes, header, cohort: fields, previous, changesOnly: o.changesOnly });
		const never = (_: unknown): _ is never => false; // no markers among the blocks
		let rowsBefore = 0;
		for await (const result of inOrder(run, never, o.mapping.maxInFlight)(blocks)) {
			if (result.fault) throw invalidCsv(label, result.fault, rowsBefore);
			if (result.mismatch) {
				const { row, fields: count } = result.mismatch;
				throw dataError(`${label}: row ${rowsBefore + row} has ${count} fields, the header ${header.names.length}`, 'Rerun to download the cohort again; report it if it persists.');
			}
			rowsBefore += result.rows;
			for (const value of result.badIdSamples) {
				if (++o.stats.badRows <= 10) o.logger.warn(`${label}: skipping a row whose amplitude_id is not an integer: ${JSON.stringify(value)}`);
			}
			o.stats.badRows += result.badIds - result.badIdSamples.length;
			for (const [field, count] of result.badValues) o.stats.mapping.recordBad(field, count);
			const unique = dropRepeatedMembers(result, seen, writesLine, previous);
			if (unique.repeated) {
				o.stats.repeatedRows += unique.repeated;
				o.logger.warn(`${label}: ${unique.repeated} row(s) repeat a member listed earlier in the file; each member is written once`);
			}
			await next.addBlock(unique.ids, unique.members);
			o.mapping.giveBlock(result.members);
			members += unique.ids.length;
			o.stats.members += unique.ids.length;
			o.stats.joins += result.joins - unique.repeatedJoins;
			o.stats.records += result.records - unique.repeatedLines;
			if (unique.lines.length) yield unique.lines;
			else o.mapping.giveOutput(result.lines);
		}
	} finally {
		input.destroy();
	}
	const list = await next.close();
	const current = seen.sorted();
	if (previous) yield* leaverRecords(o, current, fields);
	yield { checkpoint: { prepared, next, members, list } };
}

/** The last import's ids, checked against the state; with --force a list that does not match is set aside. */
async function readPrevious(o: MemberRecordsOptions, cohort: string): Promise<Float64Array | undefined> {
	try {
		return await o.store.previousIds(o.previousList, cohort);
	} catch (error) {
		if (!o.force || !(error instanceof AmpImportError) || error.kind !== 'data') throw error;
		o.logger.warn(`${error.message}; --force: importing every member, and no leavers this time`);
		return undefined;
	}
}

/**
A block without the members the file already listed (a repeated row): the common case, nothing repeated, returns
the block's own buffers untouched. Otherwise the repeated members' lines are cut from the output (a member has an
output line unless --changes-only leaves it out) and from the member file's lines.
*/
function dropRepeatedMembers(result: MemberBlockResult, seen: SeenIds, writesLine: (id: number) => boolean, previous: Float64Array | undefined) {
	const { ids } = result;
	let repeated = 0;
	const keep = new Uint8Array(ids.length);
	for (let i = 0; i < ids.length; i++) {
		if (seen.add(ids[i]!)) keep[i] = 1;
		else repeated++;
	}
	if (repeated === 0) return { ids, members: result.members, lines: result.lines, repeated, repeatedJoins: 0, repeatedLines: 0 };
	let repeatedJoins = 0;
	let repeatedLines = 0;
	const lines: Uint8Array[] = [];
	const members: Uint8Array[] = [];
	let line = 0;
	for (let i = 0, memberAt = 0; i < ids.length; i++) {
		const memberEnd = result.members.indexOf(10, memberAt) + 1;
		const hasLine = writesLine(ids[i]!);
		const lineEnd = hasLine ? result.lines.indexOf(10, line) + 1 : line;
		if (keep[i]) {
			members.push(result.members.subarray(memberAt, memberEnd));
			if (hasLine) lines.push(result.lines.subarray(line, lineEnd));
		} else {
			if (hasLine) repeatedLines++;
			if (previous !== undefined && !contains(previous, ids[i]!)) repeatedJoins++;
		}
		memberAt = memberEnd;
		line = lineEnd;
	}
	return {
		ids: ids.filter((_, i) => keep[i] === 1),
		members: Buffer.concat(members),
		lines: Buffer.concat(lines),
		repeated,
		repeatedJoins,
		repeatedLines,
	};
}

/** Records with membership false for the last import's members who are not in this one. */
async function* leaverRecords(o: MemberRecordsOptions, current: Float64Array, cohort: CohortFields) {
	const fields = cohortRecordFields(cohort, false);
	const drain = () => o.lines.drainInto(o.mapping.takeOutput(o.lines.length));
	for await (const leaver of o.store.leavers(current)) {
		o.stats.leaves++;
		o.stats.records++;
		const row: Record<string, unknown> = { amplitude_id: leaver.amplitudeId } satisfies MemberRow;
		if (leaver.userId) row.user_id = leaver.userId;
		Object.assign(row, fields);
		o.lines.writeLine(o.raw ? JSON.stringify(row) : o.mapper(row, o.stats.mapping));
		if (o.lines.length > 256 * 1024) yield drain();
	}
	if (o.lines.length) yield drain();
}
