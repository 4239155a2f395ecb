import { writeCanonicalAsString } from '../canonical-bytes.js';
import { stringifyExact } from '../exact-json.js';
import * as scan from '../json-scan.js';
import { copyString, viaParse, type Transform } from './transform.js';

/** A value as a JSON string (a string stays itself): `amplitude_data`. */
function convert(value: unknown): unknown {
	return typeof value === 'string' ? value : stringifyExact(value);
}

const parsed = viaParse(convert, 'json');

export const json: Transform = {
	convert,
	fromBytes: (b, kind, start, end, out) => {
		if (kind === scan.plainString) return copyString(b, start, end, out);
		if ((kind === scan.object || kind === scan.array) && writeCanonicalAsString(b, start, end, out)) return undefined;
		return parsed(b, kind, start, end, out);
	},
};
