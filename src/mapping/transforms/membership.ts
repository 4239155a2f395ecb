import { invalid, remembering, type Converted, type Transform } from './transform.js';

/** `map(key, cohort_membership)`: `{"<key>": true|false}`, the membership read from the record. */
function convert(value: unknown, record: Record<string, unknown>): Converted {
	const member = record.cohort_membership;
	if (typeof member !== 'boolean') return invalid;
	return { [String(value)]: member };
}

export const membership: Transform = {
	convert,
	// Every member of a cohort carries the same cohort id, name and membership: remember the last text.
	toJson: () => remembering(convert, (record) => record.cohort_membership),
	readsRecord: true,
};
