import { epochToRfc3339, toRfc3339 } from './timestamps.js';
import { isExactNumber, isJsonContainer, stringifyExact } from './exact-json.js';

/**
The value transforms a mapping table can name. Each takes a source value that is present (not null, not
undefined, not '') and returns the output value, `absent` to leave the field out, or `invalid` to leave it out
and count it as a bad value in the run summary.
*/

export const absent = Symbol('absent');
export const invalid = Symbol('invalid');
export type Converted = unknown | typeof absent | typeof invalid;

function asString(value: unknown): Converted {
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : invalid;
	if (isExactNumber(value)) return value.value;
	return stringifyExact(value);
}

function asInteger(value: unknown): Converted {
	if (typeof value === 'number') return Number.isSafeInteger(value) ? value : invalid;
	if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
	// An exact number is one a double would change: an integer past 2^53 cannot be written as a JSON integer here.
	if (isExactNumber(value) && /^-?\d{1,15}$/.test(value.value)) return Number(value.value);
	return invalid;
}

function asNumber(value: unknown): Converted {
	if (typeof value === 'number') return Number.isFinite(value) ? value : invalid;
	if (isExactNumber(value)) return Number.isFinite(Number(value.value)) ? Number(value.value) : invalid;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
	return invalid;
}

// `paying` is a boolean in the Export docs and "True or '(none)'" in Amplitude's SQL schema: accept both.
export const booleanWords: ReadonlyMap<string, boolean | typeof absent> = new Map<string, boolean | typeof absent>([
	['true', true], ['True', true], ['TRUE', true], ['false', false], ['False', false], ['FALSE', false], ['(none)', absent],
]);

function asBoolean(value: unknown): Converted {
	if (typeof value === 'boolean') return value;
	const word = typeof value === 'string' ? booleanWords.get(value) : undefined;
	return word ?? invalid;
}

function asDate(value: unknown): Converted {
	return typeof value === 'string' ? (toRfc3339(value) ?? invalid) : invalid;
}

function asJson(value: unknown): Converted {
	return typeof value === 'string' ? value : stringifyExact(value);
}

/**
`match("event_properties.")` as Lytics sees it: nested objects flattened with dotted keys, scalars as strings, arrays
JSON-encoded, nulls left out. A key that already holds a dot is kept as it is, so `{"a.b":1}` and `{"a":{"b":1}}`
both give `a.b` (Lytics cannot tell them apart either).
*/
export function flattenProperties(value: unknown): Converted {
	if (!isJsonContainer(value) || Array.isArray(value)) return invalid;
	const out: Record<string, string> = {};
	return flattenInto(out, value as Record<string, unknown>, '') === 0 ? absent : out;
}

function flattenInto(out: Record<string, string>, object: Record<string, unknown>, prefix: string): number {
	let count = 0;
	for (const key in object) {
		const v = object[key];
		if (v === null || v === undefined) continue;
		const path = prefix + key;
		if (isJsonContainer(v) && !Array.isArray(v)) count += flattenInto(out, v as Record<string, unknown>, `${path}.`);
		else {
			out[path] = typeof v === 'string' ? v : isExactNumber(v) ? v.value : stringifyExact(v);
			count++;
		}
	}
	return count;
}

/** `valuect(event_type)`: a count map that Lytics sums across events. */
function valueCount(value: unknown): Converted {
	return typeof value === 'string' ? { [value]: 1 } : invalid;
}

/** `map(key, cohort_membership)`: `{"<key>": true|false}`, the membership read from the record. */
function membership(value: unknown, record: Record<string, unknown>): Converted {
	const member = record.cohort_membership;
	if (typeof member !== 'boolean') return invalid;
	return { [String(value)]: member };
}

/** `todate(last_computed)` for cohorts: epoch seconds or milliseconds, or a date string Amplitude may send. */
function epochDate(value: unknown): Converted {
	// Every member of a cohort carries the same value: remember the last conversion.
	if (value === lastEpoch.value) return lastEpoch.result;
	lastEpoch.value = value;
	lastEpoch.result = convertEpochDate(value);
	return lastEpoch.result;
}
const lastEpoch: { value: unknown; result: Converted } = { value: undefined, result: invalid };

function convertEpochDate(value: unknown): Converted {
	if (typeof value === 'number') return epochToRfc3339(value) ?? invalid;
	if (typeof value === 'string' && /^\d+$/.test(value)) return epochToRfc3339(Number(value)) ?? invalid;
	if (typeof value === 'string') {
		const ms = Date.parse(value);
		return Number.isNaN(ms) ? invalid : (epochToRfc3339(ms) ?? invalid);
	}
	return invalid;
}

/** The registry a table row names in its `transform` column. */
export const transforms = {
	string: asString,
	integer: asInteger,
	number: asNumber,
	boolean: asBoolean,
	date: asDate,
	json: asJson,
	properties: flattenProperties,
	valueCount,
	membership,
	epochDate,
} as const satisfies Record<string, (value: unknown, record: Record<string, unknown>) => Converted>;

export type TransformName = keyof typeof transforms;

/**
For the hot transforms, the same conversion written straight as JSON text (the line mapper appends it as is):
no intermediate value to encode again. Each must give exactly JSON.stringify of its transform's result. These are
factories: each table row gets its own writer, so a writer that remembers its last input sees one row's values.
*/
type JsonWriter = (value: unknown, record: Record<string, unknown>) => string | typeof absent | typeof invalid;
export const jsonWriters: Partial<Record<TransformName, () => JsonWriter>> = {
	date: () => (value) => {
		const converted = typeof value === 'string' ? toRfc3339(value) : undefined;
		// RFC 3339 text is digits and separators only: nothing to escape.
		return converted === undefined ? invalid : `"${converted}"`;
	},
	valueCount: () => (value) => (typeof value === 'string' ? `{${JSON.stringify(value)}:1}` : invalid),
	// Every member of a cohort carries the same cohort id, name, membership and lastComputed: remember the last text.
	membership: () => remembering(membership, (record) => record.cohort_membership),
	epochDate: () => remembering(epochDate, () => undefined),
};

/** A writer that converts (and encodes) only when the value, or the part of the record it also reads, changed. */
function remembering(convert: (value: unknown, record: Record<string, unknown>) => Converted, alsoReads: (record: Record<string, unknown>) => unknown): JsonWriter {
	let lastValue: unknown = Symbol('none');
	let lastOther: unknown;
	let lastText: string | typeof absent | typeof invalid = invalid;
	return (value, record) => {
		const other = alsoReads(record);
		if (value !== lastValue || other !== lastOther) {
			lastValue = value;
			lastOther = other;
			const converted = convert(value, record);
			lastText = converted === absent || converted === invalid ? converted : JSON.stringify(converted);
		}
		return lastText;
	};
}
