import { z } from 'zod';
import { baseUrl, flag, integer, oneOf, positiveNumber, text, listOf } from './fields.js';
import { additionalEventFields, defaultEventFields } from '../mapping/events-table.js';

/**
The whole configuration, one schema. Every object is strict: an unknown key is an error (a typo must not be
silently ignored). Defaults live here and nowhere else.
*/

export const regions = ['us', 'eu'] as const;
export type Region = (typeof regions)[number];

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
	output: text().optional(),
	gzip: flag().default(false),
	onBadRecord: oneOf(['fail', 'skip']).default('fail'),
	fields: z
		.strictObject({
			include: listOf(additionalEventFields).default([]),
			exclude: listOf(defaultEventFields).default([]),
		})
		.prefault({}),
	maxLineBytes: integer(1024).default(16 * 1024 * 1024),
	maxEntryBytes: integer(1024).default(16 * 1024 ** 3),
	/** How many event uuids a run remembers to drop duplicates (memory is bounded by this). */
	dedupeWindow: integer(0, 10_000_000).default(500_000),
	minuteOfHour: integer(0, 59).default(15),
});

export const configSchema = z.strictObject({
	/** Label of a stored authorization (`amp-import auth add <label>`). */
	auth: text().optional(),
	/** Overrides the authorization's region. */
	region: oneOf(regions).optional(),
	/** Base URL override for proxies and local fakes; http only for loopback hosts. */
	endpoint: baseUrl().optional(),
	stateDir: text().optional(),
	logFormat: oneOf(['text', 'json']).default('text'),
	http: httpSchema.prefault({}),
	events: eventsSchema.prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type HttpConfig = Config['http'];
export type EventsConfig = Config['events'];
