import { char } from '../../bytes/chars.js';
import { isCanonicalNumber, writeCanonicalAsString } from '../canonical-bytes.js';
import { writeEscapedString } from '../escaped-string.js';
import { isExactNumber, stringifyExact } from '../exact-json.js';
import * as json from '../json-scan.js';
import { copyString, invalid, viaParse, type Transform } from './transform.js';

/** Strings as they are; JSON numbers as their decimal text (exact: see exact-json.ts); anything else as JSON. */
function convert(value: unknown): unknown {
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : invalid;
	if (isExactNumber(value)) return value.value;
	return stringifyExact(value);
}

const parsed = viaParse(convert, 'string');

export const string: Transform = {
	convert,
	fromBytes: (b, kind, start, end, out) => {
		if (kind === json.plainString) return copyString(b, start, end, out);
		if (kind === json.escapedString) return writeEscapedString(b, start, end, out);
		if (kind === json.number && isCanonicalNumber(b, start, end)) {
			out.writeByte(char.quote);
			out.writeRange(b, start, end);
			out.writeByte(char.quote);
			return undefined;
		}
		if ((kind === json.object || kind === json.array) && writeCanonicalAsString(b, start, end, out)) return undefined;
		return parsed(b, kind, start, end, out);
	},
};
