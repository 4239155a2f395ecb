import * as json from '../json-scan.js';
import { isExportLayoutRange, toRfc3339, writeRfc3339FromExportLayout } from '../timestamps.js';
import { invalid, viaParse, type Transform } from './transform.js';

/** Amplitude timestamps as RFC 3339 UTC with microseconds (timestamps.ts). */
function convert(value: unknown): unknown {
	return typeof value === 'string' ? (toRfc3339(value) ?? invalid) : invalid;
}

const parsed = viaParse(convert, 'date');

export const date: Transform = {
	convert,
	// RFC 3339 text is digits and separators only: nothing to escape.
	toJson: () => (value) => {
		const converted = typeof value === 'string' ? toRfc3339(value) : undefined;
		return converted === undefined ? invalid : `"${converted}"`;
	},
	fromBytes: (b, kind, start, end, out) => {
		if (kind === json.plainString && isExportLayoutRange(b, start, end)) return writeRfc3339FromExportLayout(b, start, out);
		return parsed(b, kind, start, end, out);
	},
};
