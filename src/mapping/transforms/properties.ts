import { isExactNumber, isJsonContainer, stringifyExact } from '../exact-json.js';
import { flattenBytes } from '../flatten-bytes.js';
import * as json from '../json-scan.js';
import { absent, invalid, viaParse, type Converted, type Transform } from './transform.js';

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

const parsed = viaParse(flattenProperties, 'properties');

export const properties: Transform = {
	convert: flattenProperties,
	fromBytes: (b, kind, start, end, out) => {
		if (kind !== json.object) return parsed(b, kind, start, end, out);
		const mark = out.length;
		const written = flattenBytes(b, start, end, out);
		if (written > 0) return undefined;
		out.truncate(mark);
		return written === 0 ? absent : parsed(b, kind, start, end, out);
	},
};
