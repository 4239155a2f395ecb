import type { Logger } from '../cli/logger.js';
import { dataError } from '../errors.js';
import type { LineMapper } from '../mapping/compile.js';
import type { Checkpoint } from '../pipeline/output-sink.js';
import type { LineBuffer } from '../pipeline/line-buffer.js';
import { inOrder } from '../pipeline/worker-pool.js';
import { csvBlocks } from './csv-blocks.js';
import { invalidCsv, openCohortFile, parseHeader, type MemberRow } from './csv-members.js';
import type { CohortFields } from './member-block.js';
import { cohortRecordFields } from './member-bytes.js';
import { blockBytes, type MemberMapping } from './member-mapping.js';
import type { MemberStore, NextMembers } from './member-store.js';
import type { PreparedCohort } from './prepare.js';
import type { CohortsRunStats } from './stats.js';

/** Marks the end of a cohort's records: once durable, its member file and state are committed. */
export interface CohortDone {
	prepared: PreparedCohort;
	next: NextMembers;
	members: number;
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
	const previous = await o.store.previousIds();
	const next = await o.store.startNext(cohort.size ?? 0);
	o.started.push(next);
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
			await next.addBlock(result.ids, result.members);
			o.mapping.giveBlock(result.members);
			members += result.ids.length;
			o.stats.members += result.ids.length;
			o.stats.joins += result.joins;
			o.stats.records += result.records;
			if (result.lines.length) yield result.lines;
			else o.mapping.giveOutput(result.lines);
		}
	} finally {
		input.destroy();
	}
	await next.close();
	if (previous) yield* leaverRecords(o, next, fields);
	yield { checkpoint: { prepared, next, members } };
}

/** Records with membership false for the last import's members who are not in this one. */
async function* leaverRecords(o: MemberRecordsOptions, next: NextMembers, cohort: CohortFields) {
	const fields = cohortRecordFields(cohort, false);
	const drain = () => o.lines.drainInto(o.mapping.takeOutput(o.lines.length));
	for await (const leaver of o.store.leavers(next.ids.sorted())) {
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
