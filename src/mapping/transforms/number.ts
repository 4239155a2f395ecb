import { isCanonicalNumber } from '../canonical-bytes.js';
import { isExactNumber } from '../exact-json.js';
import * as json from '../json-scan.js';
import { invalid, viaParse, type Transform } from './transform.js';

/** Finite numbers, or number text; Infinity (1e400) is invalid. */
function convert(value: unknown): unknown {
	if (typeof value === 'number') return Number.isFinite(value) ? value : invalid;
	if (isExactNumber(value)) return Number.isFinite(Number(value.value)) ? Number(value.value) : invalid;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
	return invalid;
}

const parsed = viaParse(convert, 'number');

export const number: Transform = {
	convert,
	fromBytes: (b, kind, start, end, out) => {
		if (kind === json.number && isCanonicalNumber(b, start, end)) return out.writeRange(b, start, end);
		return parsed(b, kind, start, end, out);
	},
};
