import { epochToRfc3339 } from '../timestamps.js';
import { invalid, remembering, type Converted, type Transform } from './transform.js';

/** `todate(last_computed)` for cohorts: epoch seconds or milliseconds, or a date string Amplitude may send. */
function convertEpochDate(value: unknown): Converted {
	if (typeof value === 'number') return epochToRfc3339(value) ?? invalid;
	if (typeof value === 'string' && /^\d+$/.test(value)) return epochToRfc3339(Number(value)) ?? invalid;
	if (typeof value === 'string') {
		const ms = Date.parse(value);
		return Number.isNaN(ms) ? invalid : (epochToRfc3339(ms) ?? invalid);
	}
	return invalid;
}

// Every member of a cohort carries the same value: remember the last conversion.
const last: { value: unknown; result: Converted } = { value: undefined, result: invalid };
function convert(value: unknown): Converted {
	if (value === last.value) return last.result;
	last.value = value;
	last.result = convertEpochDate(value);
	return last.result;
}

export const epochDate: Transform = {
	convert,
	toJson: () => remembering(convert, () => undefined),
};
