import { compileLineMapper, MappingStats } from '../mapping/compile.js';
import { cohortFieldTable } from '../mapping/cohorts-table.js';
import { LineBuffer } from '../bytes/line-buffer.js';
import { parseRecords, rowFactory, type CsvFault, type CsvHeader, type MemberRow } from './csv-members.js';
import { contains, parseAmplitudeId } from './id-list.js';
import { cohortRecordFields, compileMemberByteMapper } from './member-bytes.js';

/** Fixed for a run (a worker's workerData). */
export interface MemberBlockOptions {
	/** Output field names in place of the table's (cohorts.idField, cohorts.namesField). */
	rename: Record<string, string>;
	raw: boolean;
	/** false: every block through papaparse, the reference the byte path is tested and measured against. */
	bytePath?: boolean;
}

/** What a cohort's records carry besides the file's columns (the table's cohort_* sources). */
export interface CohortFields {
	id: string;
	name: string;
	lastComputed?: number;
}

/** One block of a cohort file to map: whole data records (see csvBlocks), and what reading them needs. */
export interface MemberBlock {
	bytes: Uint8Array;
	/** A spare buffer for the output lines, used when they fit (pooled by the caller, so no block allocates). */
	out: Uint8Array;
	header: CsvHeader;
	cohort: CohortFields;
	/** The last import's member ids, sorted (in shared memory, so no worker copies it); undefined on a first import. */
	previous?: Float64Array;
	/** Only joins (and, later, leaves) are output. */
	changesOnly: boolean;
}

export interface MemberBlockResult {
	/** NDJSON, in `out`'s memory when it fitted (LineBuffer.moveInto). */
	lines: Uint8Array;
	/** `<amplitude_id>\t<user_id>\n` per member, for the member file: in the block's own memory when it fitted (the block is read by then). */
	members: Uint8Array;
	/** Every member's id, in file order. */
	ids: Float64Array;
	/** Data records read, members among them, output records, and members not in `previous`. */
	rows: number;
	records: number;
	joins: number;
	/** Rows skipped because their amplitude_id is not an integer, and the first few such values. */
	badIds: number;
	badIdSamples: unknown[];
	badValues: [string, number][];
	/** A malformed quote (row within the block). */
	fault?: CsvFault;
	/** A record whose field count is not the header's: its 1-based row within the block, and its count. */
	mismatch?: { row: number; fields: number };
}

/**
Maps blocks of a cohort file: read the records, check each Amplitude ID, tell joins from members already known,
map to the cohorts table (or keep the raw row) and encode NDJSON, and write the member file's lines. A block goes
through the byte path (member-bytes.ts) when all its records allow, else through papaparse and row objects. This is
the CPU work of an import; it runs on worker threads, a block each, and the caller puts the results back in file
order. Compiled once (the mappers; a row builder and a byte path per header and cohort), then pure per block.
*/
export function createMemberBlockProcessor(options: MemberBlockOptions): (block: MemberBlock) => MemberBlockResult {
	const mapLine = compileLineMapper(cohortFieldTable, options.rename);
	const lines = new LineBuffer(1 << 20);
	const memberLines = new LineBuffer(256 << 10);
	const factories = new Map<string, (record: string[]) => MemberRow>();
	let byteMapper: { key: string; map: ReturnType<typeof compileMemberByteMapper> } | undefined;
	let idScratch = new Float64Array(0);

	/** The block through the byte path, or undefined when papaparse must read it. */
	const mapBytes = (block: MemberBlock, input: Buffer): MemberBlockResult | undefined => {
		const { header, cohort } = block;
		const key = JSON.stringify([header, cohort]);
		if (byteMapper?.key !== key) {
			const shape = { raw: options.raw, rows: cohortFieldTable, rename: options.rename };
			byteMapper = { key, map: compileMemberByteMapper(shape, header, cohortRecordFields(cohort, true)) };
		}
		if (!byteMapper.map) return undefined;
		// At most a record per `columns` bytes (n - 1 commas and a newline), plus an unterminated last one.
		const most = Math.floor(input.length / header.names.length) + 1;
		if (idScratch.length < most) idScratch = new Float64Array(most);
		lines.reset();
		memberLines.reset();
		const counts = byteMapper.map(input, lines, memberLines, idScratch, block.previous, block.changesOnly);
		if (!counts) return undefined;
		return {
			lines: lines.moveInto(block.out),
			members: memberLines.moveInto(block.bytes),
			ids: idScratch.slice(0, counts.rows),
			rows: counts.rows,
			records: counts.records,
			joins: counts.joins,
			badIds: 0,
			badIdSamples: [],
			badValues: [],
		};
	};

	return (block) => {
		const { header, cohort, previous } = block;
		const input = Buffer.from(block.bytes.buffer, block.bytes.byteOffset, block.bytes.byteLength);
		const fast = options.bytePath === false ? undefined : mapBytes(block, input);
		if (fast) return fast;
		const { records, fault } = parseRecords(input.toString('utf8'), header.newline);
		const key = header.names.join('\n');
		let toRow = factories.get(key);
		if (!toRow) factories.set(key, (toRow = rowFactory(header.names)));
		const stats = new MappingStats();
		const fields = cohortRecordFields(cohort, true);
		const ids = new Float64Array(records.length);
		let members = 0;
		let recordsOut = 0;
		let joins = 0;
		let badIds = 0;
		const badIdSamples: unknown[] = [];
		let mismatch: MemberBlockResult['mismatch'];
		lines.reset();
		memberLines.reset();
		for (let i = 0; i < records.length; i++) {
			const record = records[i]!;
			if (record.length !== header.names.length) {
				mismatch = { row: i + 1, fields: record.length };
				break;
			}
			// The row is ours: the cohort's fields are added to it in place (a copy per member costs more than the mapping).
			const row: Record<string, unknown> = toRow(record);
			const amplitudeId = row.amplitude_id as string;
			const id = parseAmplitudeId(amplitudeId);
			if (id === undefined) {
				if (badIds++ < 10) badIdSamples.push(amplitudeId ?? null);
				continue;
			}
			ids[members++] = id;
			const userId = (row.user_id as string | undefined) ?? '';
			memberLines.writeText(`${amplitudeId}\t${userId === '' || !/[\t\n\r]/.test(userId) ? userId : userId.replace(/[\t\n\r]/g, ' ')}\n`);
			const joined = previous !== undefined && !contains(previous, id);
			if (joined) joins++;
			if (block.changesOnly && previous !== undefined && !joined) continue;
			Object.assign(row, fields);
			lines.writeLine(options.raw ? JSON.stringify(row) : mapLine(row, stats));
			recordsOut++;
		}
		return {
			lines: lines.moveInto(block.out),
			members: memberLines.moveInto(block.bytes),
			ids: ids.subarray(0, members),
			rows: records.length,
			records: recordsOut,
			joins,
			badIds,
			badIdSamples,
			badValues: [...stats.badValuesByField],
			fault,
			mismatch,
		};
	};
}

/** The buffers of a result that can be handed back without a copy (each once: a transfer list may not repeat one). */
export function transferablesOf(result: MemberBlockResult): ArrayBuffer[] {
	const buffers = [result.lines.buffer, result.members.buffer, result.ids.buffer];
	return [...new Set(buffers)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}
