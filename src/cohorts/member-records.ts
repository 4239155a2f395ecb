import type { Logger } from '../cli/logger.js';
import type { LineMapper } from '../mapping/compile.js';
import type { Checkpoint } from '../pipeline/output-sink.js';
import type { LineBuffer } from '../pipeline/line-buffer.js';
import { contains, parseAmplitudeId } from './id-list.js';
import { readMemberCsv, type MemberRow } from './csv-members.js';
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
	mapper: LineMapper;
	raw: boolean;
	changesOnly: boolean;
	stats: CohortsRunStats;
	logger: Logger;
	/** Every member file started, so a failed run can remove the ones never committed. */
	started: NextMembers[];
	/** Where output lines are encoded, and where the bytes of each batch go (a BufferPool's take). */
	lines: LineBuffer;
	take: (size: number) => Buffer;
}

/**
One cohort's NDJSON: its current members (membership true) as the file lists them, then, for every member of the
last successful import who is gone, a record with membership false. With `changesOnly`, only joins and leaves.
The previous members are held as a sorted Float64Array (16 MB for 2,000,000) and the leavers found by streaming the
previous member file, so memory stays bounded whatever the cohort's size.
*/
export async function* memberRecords(prepared: PreparedCohort, o: MemberRecordsOptions): AsyncGenerator<Uint8Array | Checkpoint<CohortDone>> {
	const { cohort } = prepared;
	const previous = await o.store.previousIds();
	const next = await o.store.startNext();
	o.started.push(next);
	// The row is ours: the cohort's fields are added to it in place (a copy per member costs more than the mapping).
	const record = (row: Record<string, unknown>, member: boolean) => {
		row.cohort_id = cohort.id;
		row.cohort_name = cohort.name;
		row.cohort_membership = member;
		row.last_computed = cohort.lastComputed;
		o.lines.writeLine(o.raw ? JSON.stringify(row) : o.mapper(row, o.stats.mapping));
	};
	const drain = () => o.lines.drainInto(o.take(o.lines.length));
	const label = `cohort ${cohort.id} file`;
	const onDuplicates = (names: string[]) => o.logger.warn(`${label}: repeated column name(s) ${names.join(', ')}; later ones are suffixed __2, __3`);
	let members = 0;
	for await (const rows of readMemberCsv(prepared.file, label, onDuplicates)) {
		for (const row of rows) {
			const id = parseAmplitudeId(row.amplitude_id);
			if (id === undefined) {
				if (++o.stats.badRows <= 10) o.logger.warn(`${label}: skipping a row whose amplitude_id is not an integer: ${JSON.stringify(row.amplitude_id ?? null)}`);
				continue;
			}
			const flushing = next.add(id, row.amplitude_id!, row.user_id ?? '');
			if (flushing) await flushing;
			members++;
			const joined = previous !== undefined && !contains(previous, id);
			if (joined) o.stats.joins++;
			if (o.changesOnly && previous !== undefined && !joined) continue;
			record(row, true);
			o.stats.records++;
		}
		if (o.lines.length) yield drain();
	}
	await next.close();
	o.stats.members += members;
	if (previous) {
		const current = next.ids.sorted();
		for await (const leaver of o.store.leavers(current)) {
			o.stats.leaves++;
			o.stats.records++;
			const row: MemberRow = { amplitude_id: leaver.amplitudeId };
			if (leaver.userId) row.user_id = leaver.userId;
			record(row, false);
			if (o.lines.length > 256 * 1024) yield drain();
		}
		if (o.lines.length) yield drain();
	}
	yield { checkpoint: { prepared, next, members } };
}
