import type { Logger } from '../io/logger.js';
import { formatCount } from '../io/units.js';
import type { CollectClient, CollectOutcome, CollectQuery } from '../lytics/collect-client.js';
import { Batcher, batchRecords, chainHash, joinRecords } from '../lytics/batches.js';
import type { DeliveredUnit, DeliveryLog } from '../state/lytics-delivery.js';
import type { UnitCopy } from '../pipeline/output-sink.js';
import type { LyticsStats } from './lytics-stats.js';
import type { RejectsFile } from './rejects-file.js';

export interface LyticsTarget {
	client: CollectClient;
	stream: string;
	timestampField?: string;
	/** `--dry-run`: Lytics validates and stores nothing; nothing is recorded. */
	dryrun: boolean;
	/** Where accepted batches are recorded (none for a dry run). */
	log?: DeliveryLog;
	batchBytes: number;
	maxRecordBytes: number;
	rejects: RejectsFile;
	stats: LyticsStats;
	logger: Logger;
	signal: AbortSignal;
	now: () => Date;
}

/** A unit as Lytics and the delivery log know it. */
export interface UnitName {
	/** Stable across runs: the same unit of the same data has the same key. */
	key: string;
	/** Sent as `filename`, for tracing in Lytics. */
	filename: string;
}

/**
Sends one unit (an events window, a cohort's records) as its deterministic sequence of batches, recording before
each batch goes out what Lytics has accepted so far. A unit an earlier run began is first re-cut and its accepted
batches checked against their recorded hash: when they match, sending resumes after them (nothing twice, nothing
skipped); when they do not (Amplitude's data changed), the whole unit goes again and is counted. A batch Lytics
refuses (400, 413, 422) is split until the records it refuses are found; those go to the rejects file with Lytics'
reason and the rest is delivered. `rejected_count` in a 200 is located the same way with `dryrun=true`, which stores
nothing, so the records already accepted are not sent twice.
*/
export async function deliverUnit(target: LyticsTarget, name: UnitName, copy: UnitCopy): Promise<void> {
	const { log, stats, logger } = target;
	const previous = await log?.unit(name.key);
	const batchBytes = previous?.batchBytes ?? target.batchBytes;
	const limits = { maxBatchBytes: batchBytes, maxRecordBytes: target.maxRecordBytes };
	let resumed: { accepted: number; hash: string; records: number } = { accepted: 0, hash: '', records: 0 };
	let duplicated = previous?.possiblyDuplicated ?? 0;
	if (previous && previous.accepted > 0) {
		const check = await hashFirst(copy, limits, previous.accepted);
		if (check.hash === previous.hash) {
			resumed = { accepted: previous.accepted, hash: previous.hash, records: previous.records };
			stats.skippedBatches += previous.accepted;
			if (previous.complete) logger.debug(`${name.filename}: Lytics has every batch already; committing`);
			else logger.info(`${name.filename}: resuming after the ${previous.accepted} batch(es) Lytics accepted before`);
		} else {
			logger.warn(`${name.filename}: its data changed since the interrupted run (the first ${previous.accepted} batch(es) differ); sending it whole again, ${formatCount(previous.records)} records possibly duplicated`);
			stats.resent += previous.records;
			duplicated += previous.records;
		}
	}
	// The batch on the wire when the last run stopped is sent again: Lytics may have stored it.
	const inDoubt = previous?.sending !== undefined && previous.sending === resumed.accepted + 1 ? previous.sending : undefined;
	const query: CollectQuery = { stream: target.stream, timestampField: target.timestampField, filename: name.filename, dryrun: target.dryrun };
	let index = 0;
	let { accepted, hash, records } = resumed;
	const record = (unit: Partial<DeliveredUnit>) =>
		log?.record(name.key, { batchBytes, accepted, hash, records, complete: false, possiblyDuplicated: duplicated, updatedAt: target.now().toISOString(), ...unit });

	const batcher = new Batcher(
		limits,
		async (batch, count) => {
			index++;
			if (index <= resumed.accepted) return;
			if (index === inDoubt) {
				duplicated += count;
				stats.possiblyDuplicated += count;
			}
			await record({ sending: index });
			const outcome = await send(target, batch, query, name);
			if (outcome.possiblyDelivered) {
				duplicated += count;
				stats.possiblyDuplicated += count;
			}
			accepted = index;
			hash = chainHash(hash, batch);
			records += count;
		},
		(oversize) => reject(target, name, { message: `record of ${oversize.length} bytes is over the ${target.maxRecordBytes}-byte record limit; not sent` }, oversize),
	);
	await copy((chunk) => batcher.push(chunk));
	await batcher.end();
	// A committed unit's refused records are on disk before the unit commits.
	await target.rejects.sync();
	await record({ complete: true, sending: undefined });
}

/** The running hash of the unit's first `count` batches (fewer if it has fewer), re-cut from the spool. */
async function hashFirst(copy: UnitCopy, limits: { maxBatchBytes: number; maxRecordBytes: number }, count: number): Promise<{ hash: string; batches: number }> {
	let hash = '';
	let batches = 0;
	const batcher = new Batcher(
		limits,
		async (batch) => {
			if (batches >= count) return;
			batches++;
			hash = chainHash(hash, batch);
		},
		async () => undefined,
	);
	await copy((chunk) => batcher.push(chunk));
	await batcher.end();
	return { hash: batches === count ? hash : `short:${batches}`, batches };
}

/** One batch to Lytics, refused records split out; counts every answer. Returns the first sending's outcome. */
async function send(target: LyticsTarget, batch: Buffer, query: CollectQuery, name: UnitName): Promise<CollectOutcome> {
	const outcome = await target.client.send(batch, query, target.signal);
	target.stats.batches++;
	target.stats.bytes += batch.length;
	await settle(target, batchRecords(batch), outcome, query, name);
	return outcome;
}

/** Counts Lytics' answer for `records`, then finds the records it refused (split) or counted as rejected (located). */
async function settle(target: LyticsTarget, records: Buffer[], outcome: CollectOutcome, query: CollectQuery, name: UnitName): Promise<void> {
	const { stats } = target;
	stats.retries += outcome.retries;
	if (outcome.kind === 'refused') return splitRefused(target, records, outcome, query, name);
	stats.records += records.length;
	stats.messageCount += outcome.messageCount;
	stats.rejectedCount += outcome.rejectedCount;
	if (outcome.rejectedCount > 0) await locateRejected(target, records, outcome.rejectedCount, query, name);
}

/** A refused batch: each half is sent on its own, down to the single records Lytics refuses. */
async function splitRefused(target: LyticsTarget, records: Buffer[], refused: { status: number; message: string }, query: CollectQuery, name: UnitName): Promise<void> {
	if (records.length === 1) return reject(target, name, refused, records[0]!);
	const middle = Math.ceil(records.length / 2);
	for (const half of [records.slice(0, middle), records.slice(middle)]) {
		const outcome = await target.client.send(joinRecords(half), query, target.signal);
		if (outcome.possiblyDelivered) target.stats.possiblyDuplicated += half.length;
		await settle(target, half, outcome, query, name);
	}
}

/**
A 200 that counts rejected records: Lytics stored the others, so they are not sent again for real; halves are
validated with `dryrun=true` (nothing stored) until the rejected records are found.
*/
async function locateRejected(target: LyticsTarget, records: Buffer[], rejected: number, query: CollectQuery, name: UnitName): Promise<void> {
	if (records.length === 1 || rejected >= records.length) {
		for (const record of records) await reject(target, name, { status: 200, message: 'counted in rejected_count by Lytics' }, record);
		return;
	}
	const middle = Math.ceil(records.length / 2);
	let found = 0;
	for (const half of [records.slice(0, middle), records.slice(middle)]) {
		if (found >= rejected) return;
		const outcome = await target.client.send(joinRecords(half), { ...query, dryrun: true }, target.signal);
		const count = outcome.kind === 'accepted' ? outcome.rejectedCount : half.length;
		if (count > 0) await locateRejected(target, half, Math.min(count, half.length), query, name);
		found += count;
	}
}

/** A record Lytics will not take: to the rejects file, with its reason. */
async function reject(target: LyticsTarget, name: UnitName, reason: { status?: number; message: string }, record: Buffer): Promise<void> {
	await target.rejects.add(name.filename, reason, record);
	target.stats.rejects++;
	target.stats.rejectsPath = target.rejects.path;
}
