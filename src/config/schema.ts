import { z } from 'zod/v3';
import { baseUrl, flag, integer, oneOf, oneOfAnyCase, positiveNumber, text, listOf, timeOfDay, timeZone } from './fields.js';
import { additionalEventFields, defaultEventFields } from '../mapping/events-table.js';
import { jobPlaceholders, unknownPlaceholders } from './placeholders.js';

/** `lytics:` (the job's stream) or `lytics:<stream>`: deliver straight into Lytics. */
export const lyticsOutputPattern = /^lytics:(.*)$/;

/** The stream an output names, when it names Lytics: `lytics:` is the job's own stream (or `lytics.stream`). */
export function lyticsStreamOf(output: string | undefined, job: 'events' | 'cohorts', configured?: string): string | undefined {
	const match = output === undefined ? null : lyticsOutputPattern.exec(output);
	if (!match) return undefined;
	return match[1] || configured || `amplitude_${job}`;
}

/** An output: `-` (stdout), `lytics:[stream]`, or a path whose `{…}` placeholders the job knows. */
const outputName = (job: 'events' | 'cohorts') =>
	text().superRefine((value, context) => {
		const lytics = lyticsOutputPattern.exec(value);
		if (lytics) {
			if (lytics[1] && !/^[A-Za-z0-9_.-]{1,100}$/.test(lytics[1])) context.addIssue({ code: 'custom', message: `"${lytics[1]}" is not a stream name (letters, digits, _ . -)` });
			return;
		}
		const unknown = unknownPlaceholders(value, job);
		if (unknown.length) {
			const known = jobPlaceholders[job].map((p) => `{${p}}`).join(' ');
			context.addIssue({ code: 'custom', message: `unknown placeholder ${unknown.map((u) => `{${u}}`).join(', ')} (known: ${known})` });
		}
	});

/**
The whole configuration, one schema. Every object is strict: an unknown key is an error (a typo must not be
silently ignored). Defaults live here and nowhere else.
*/

export const regions = ['us', 'eu'] as const;
export type Region = (typeof regions)[number];

/** A region as typed (`EU`, `us`), or undefined when it is not one. */
export function parseRegion(value: string): Region | undefined {
	const lower = value.toLowerCase();
	return (regions as readonly string[]).includes(lower) ? (lower as Region) : undefined;
}

const httpSchema = z.strictObject({
	/** Seconds to wait for response headers: Amplitude builds an export before it answers, which can take minutes. */
	timeoutSeconds: positiveNumber().default(600),
	/** Seconds a socket may stay idle while a body is streaming. */
	idleTimeoutSeconds: positiveNumber().default(120),
	connectTimeoutSeconds: positiveNumber().default(30),
	/** Retries after the first attempt, on 429, 5xx and network errors. */
	retries: integer(0, 20).default(5),
	/** Total seconds one call may spend waiting between retries (Retry-After included). */
	retryMaxSeconds: positiveNumber().default(600),
});

const eventsSchema = z.strictObject({
	backfillDays: integer(0, 3650).default(90),
	lagHours: integer(2, 168).default(3),
	windowHours: integer(1, 24 * 365).default(24),
	shape: oneOf(['mapped', 'raw']).default('mapped'),
	output: outputName('events').optional(),
	gzip: flag().default(false),
	onBadRecord: oneOf(['fail', 'skip']).default('fail'),
	fields: z
		.strictObject({
			include: listOf(additionalEventFields).default([]),
			exclude: listOf(defaultEventFields).default([]),
		})
		.default({}),
	maxLineBytes: integer(1024).default(16 * 1024 * 1024),
	maxEntryBytes: integer(1024).default(16 * 1024 ** 3),
	/** How many event uuids a run remembers to drop duplicates (memory is bounded by this). */
	dedupeWindow: integer(0, 10_000_000).default(500_000),
	/** --keep-updated runs hourly at this minute past the hour (the system's local time, as cron reads it). */
	minuteOfHour: integer(0, 59).default(15),
	/** Threads that scan and map (0 = on the main thread); default one per core up to 4, none on one core. */
	workers: integer(0, 32).optional(),
});

const cohortsSchema = z.strictObject({
	/** Cohort ids or names to import; empty = every non-archived cohort. */
	select: z.array(text(), { message: 'expected a list of cohort ids or names' }).default([]),
	/** The integration document's "Amplitude ID Field": the output field that holds the Amplitude ID. */
	idField: text().default('amplitude_id'),
	/** The integration document's "Amplitude Cohort Names Field": the output field of the membership-by-name map. */
	namesField: text().default('amplitude_cohort_names'),
	/** Ask for user properties (props=1); false gives only amplitude_id and user_id. */
	props: flag().default(true),
	/** Limit the properties (propKeys); empty = all. */
	propKeys: z.array(text(), { message: 'expected a list of property names' }).default([]),
	/** Threads that parse and map member files (0 = on the main thread); default one per core up to 4, none on one core. */
	workers: integer(0, 32).optional(),
	/** Cohort downloads in flight at once (Amplitude allows 4 in parallel). */
	concurrency: integer(1, 4).default(2),
	pollDeadlineMinutes: integer(1, 24 * 60).default(30),
	shape: oneOf(['mapped', 'raw']).default('mapped'),
	output: outputName('cohorts').optional(),
	gzip: flag().default(false),
	changesOnly: flag().default(false),
	/** --keep-updated runs daily at this time of day (HH:MM, 24-hour) in `timezone`. */
	timeOfDay: timeOfDay().default('06:00'),
	/** An IANA zone such as Europe/Berlin; default the system's. */
	timezone: timeZone().optional(),
});

const lyticsSchema = z.strictObject({
	/** The stream `-o lytics:` delivers to; default the job's (`amplitude_events`, `amplitude_cohorts`). */
	stream: text().optional(),
	endpoint: baseUrl().default('https://api.lytics.io'),
	/** Bytes per request; the collect API takes up to 10 MB. */
	batchBytes: integer(1024, 10_000_000).default(1_000_000),
	/** A record over this is written to the rejects file, not sent (Lytics' limit for a record in a batch: 16 KB). */
	maxRecordBytes: integer(64, 10_000_000).default(16_384),
	/** `timestamp_field`; default the event time (`amplitude_event_time` mapped, `event_time` raw), none for cohorts. */
	timestampField: text().optional(),
	/** Label of a stored Lytics token (`amp-import auth add <label> --lytics`). */
	auth: text().optional(),
	/** Seconds to wait for Lytics' answer to one batch. */
	timeoutSeconds: positiveNumber().default(120),
});

export const configSchema = z.strictObject({
	/** Label of a stored authorization (`amp-import auth add <label>`). */
	auth: text().optional(),
	/** Overrides the authorization's region. */
	region: oneOfAnyCase(regions).optional(),
	/** Base URL override for proxies and local fakes; http only for loopback hosts. */
	endpoint: baseUrl().optional(),
	stateDir: text().optional(),
	logFormat: oneOf(['text', 'json']).default('text'),
	http: httpSchema.default({}),
	events: eventsSchema.default({}),
	cohorts: cohortsSchema.default({}),
	lytics: lyticsSchema.default({}),
});

export type Config = z.infer<typeof configSchema>;
export type HttpConfig = Config['http'];
export type CohortsConfig = Config['cohorts'];
export type LyticsConfig = Config['lytics'];
