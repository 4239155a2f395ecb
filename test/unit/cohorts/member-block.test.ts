import { describe, expect, it } from '@jest/globals';
import { parseHeader } from '../../../src/cohorts/csv-members.js';
import { createMemberBlockProcessor, type MemberBlock, type MemberBlockResult } from '../../../src/cohorts/member-block.js';
import { compileMemberByteMapper } from '../../../src/cohorts/member-bytes.js';
import { cohortFieldTable } from '../../../src/mapping/cohorts-table.js';
import { LineBuffer } from '../../../src/bytes/line-buffer.js';
import { syntheticCohortLines } from '../../../scripts/synthetic-export.js';
import { mutations } from '../../helpers/mutate.js';

const cohort = { id: 'c1', name: 'Power "users"', lastComputed: 1_790_000_000 };
const rename = { amplitude_id: 'amp_id' };
/** What matters to a CSV reader and to JSON: quotes, separators, line ends, escapes, controls, UTF-8 (and not). */
const csvCharacters = Buffer.from('",\n\r\\\t\x000123456789aZ \xc3\xa9\xe2\x80\xff', 'latin1');

const lines = [...syntheticCohortLines({ seed: 4, members: 400, firstId: 1_000_000 })] as string[];
const headerText = lines[0]!;
const rows = lines.slice(1).map((l) => Buffer.from(l));
const previous = Float64Array.from(rows.map((_, i) => 1_000_000 + i * 3).filter((_, i) => i % 2 === 0)).sort();

function run(bytePath: boolean, data: Buffer, headerLine = headerText, extra: Partial<MemberBlock> = {}, raw = false): MemberBlockResult {
	const header = parseHeader(Buffer.from(headerLine), 'test');
	const processor = createMemberBlockProcessor({ rename, raw, bytePath });
	const bytes = Buffer.from(new ArrayBuffer(data.length + 64)).subarray(0, data.length);
	data.copy(bytes);
	const result = processor({ bytes, out: new Uint8Array(1 << 16), header, cohort, changesOnly: false, ...extra });
	// Detach from the reused buffers, so results can be compared after later calls.
	return { ...result, lines: Buffer.from(result.lines), members: Buffer.from(result.members), ids: Float64Array.from(result.ids) };
}

/** Whether the byte path takes this block (it returns undefined for anything it leaves to papaparse). */
function bytePathTakes(data: Buffer, headerLine = headerText, raw = false): boolean {
	const header = parseHeader(Buffer.from(headerLine), 'test');
	const fields = { cohort_id: cohort.id, cohort_name: cohort.name, cohort_membership: true, last_computed: cohort.lastComputed };
	const map = compileMemberByteMapper({ raw, rows: cohortFieldTable, rename }, header, fields);
	return map !== undefined && map(data, new LineBuffer(64), new LineBuffer(64), new Float64Array(data.length + 1), undefined, false) !== undefined;
}

describe('the cohort byte path', () => {
	it('takes real-shaped blocks and writes exactly what papaparse and the line mapper write', () => {
		const data = Buffer.concat(rows);
		expect(bytePathTakes(data)).toBe(true);
		for (const raw of [false, true]) {
			expect(bytePathTakes(data, headerText, raw)).toBe(true);
			for (const extra of [{}, { previous }, { previous, changesOnly: true }]) {
				const fast = run(true, data, headerText, extra, raw);
				expect(fast.rows).toBe(400);
				expect(fast).toEqual(run(false, data, headerText, extra, raw));
			}
		}
		const fast = run(true, data);
		const first = JSON.parse(fast.lines.toString().split('\n')[0]!);
		expect(first).toMatchObject({ amp_id: '1000000', amplitude_cohort_ids: { c1: true }, amplitude_cohort_names: { 'Power "users"': true }, amplitude_last_computed: '2026-09-21T14:13:20.000000Z' });
	});

	it.each([false, true])('agrees with papaparse on thousands of damaged records, taking only what it reads the same way (raw: %s)', (raw) => {
		let taken = 0;
		let sameResult = 0;
		const damaged = mutations(rows.map((r) => r.subarray(0, -1)), 8, 11, csvCharacters);
		for (const record of damaged) {
			const data = Buffer.concat([record, Buffer.from('\n')]);
			if (!bytePathTakes(data, headerText, raw)) continue;
			taken++;
			const slow = run(false, data, headerText, { previous }, raw);
			expect(slow.fault).toBeUndefined();
			expect(slow.mismatch).toBeUndefined();
			expect(run(true, data, headerText, { previous }, raw)).toEqual(slow);
			sameResult++;
		}
		// Both ways matter: many damaged records stay valid CSV the byte path must read right, many must go to papaparse.
		expect(taken).toBeGreaterThan(damaged.length * 0.1);
		expect(taken).toBeLessThan(damaged.length * 0.5);
		expect(sameResult).toBe(taken);
	});

	it('reads CRLF files, plain (unquoted) fields, doubled quotes and UTF-8 as papaparse does', () => {
		const header = '"amplitude_id","user_id","city","plan"\r\n';
		const data = Buffer.from('"5","u""5","München","team ""gold"""\r\n6,,Zürich ✓,""\r\n"7","a,b","""","x"');
		expect(bytePathTakes(data, header)).toBe(true);
		const fast = run(true, data, header);
		expect(fast).toEqual(run(false, data, header));
		expect(fast.members.toString()).toBe('5\tu"5\n6\t\n7\ta,b\n');
		expect(fast.lines.toString().split('\n')[0]).toBe('{"amp_id":"5","city":"München","amplitude_cohort_ids":{"c1":true},"amplitude_cohort_names":{"Power \\"users\\"":true},"amplitude_last_computed":"2026-09-21T14:13:20.000000Z","amplitude_user_id":"u\\"5"}');
	});

	it('writes the raw shape as JSON.stringify of the row: every column in order, cohort fields in place or appended', () => {
		for (const header of ['"amplitude_id","user_id","cohort_name","__proto__","é"\n', '"amplitude_id","user_id","last_computed"\n']) {
			const data = Buffer.from(header.startsWith('"amplitude_id","user_id","cohort_name"') ? '"1","","x","p","q"\n2,"u",,"",""\n' : '"1","a","b"\n');
			expect(bytePathTakes(data, header, true)).toBe(true);
			const fast = run(true, data, header, {}, true);
			expect(fast).toEqual(run(false, data, header, {}, true));
			expect(fast.lines.length).toBeGreaterThan(20);
		}
		const lines = run(true, Buffer.from('"1","","x","p","q"\n'), '"amplitude_id","user_id","cohort_name","__proto__","é"\n', {}, true).lines.toString();
		expect(lines).toBe('{"amplitude_id":"1","user_id":"","cohort_name":"Power \\"users\\"","__proto__":"p","é":"q","cohort_id":"c1","cohort_membership":true,"last_computed":1790000000}\n');
		// JSON.stringify writes integer-like keys first: such a header is left to papaparse.
		expect(bytePathTakes(Buffer.from('"1","2"\n'), '"amplitude_id","7"\n', true)).toBe(false);
	});

	it('leaves to papaparse what it would read differently', () => {
		const cases = [
			'"1","a\\b"\n', // a backslash (JSON escapes it)
			'"1","a\tb"\n', // a control character
			'"1","a\nb"\n', // a newline inside a field
			'"1","a"\r\n', // CR in a file of LF lines
			'"1","\xff"\n', // invalid UTF-8 (papaparse's decoder gives U+FFFD)
			'"x1","a"\n', // an amplitude_id that is not an integer (skipped and counted there)
			'"12345678901234567890","a"\n', // 20 digits: past what an id can hold
			'"1","a","b"\n', // a field too many
			'"1"\n', // a field short
			'"1","a"x\n', // text after a closing quote
		];
		for (const text of cases) expect([text, bytePathTakes(Buffer.from(text, 'latin1'), '"amplitude_id","user_id"\n')]).toEqual([text, false]);
		// Ids past 2^53 are held exactly (see id-list.ts), on both paths.
		expect(bytePathTakes(Buffer.from('"9007199254740993","a"\n'), '"amplitude_id","user_id"\n')).toBe(true);
	});
});
