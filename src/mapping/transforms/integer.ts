import { isPlainInteger } from '../canonical-bytes.js';
import { isExactNumber } from '../exact-json.js';
import * as json from '../json-scan.js';
import { invalid, viaParse, type Transform } from './transform.js';

/** Safe integers, or their decimal text; an integer past 2^53 cannot be written as a JSON integer here: invalid. */
function convert(value: unknown): unknown {
	if (typeof value === 'number') return Number.isSafeInteger(value) ? value : invalid;
	if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
	if (isExactNumber(value) && /^-?\d{1,15}$/.test(value.value)) return Number(value.value);
	return invalid;
}

const parsed = viaParse(convert, 'integer');

export const integer: Transform = {
	convert,
	fromBytes: (b, kind, start, end, out) => {
		if (kind === json.number && isPlainInteger(b, start, end)) return out.writeRange(b, start, end);
		return parsed(b, kind, start, end, out);
	},
};
