import { eventTimestampKeys } from './events-table.js';
import type { MappingStats } from './compile.js';
import { toLyticsLayout } from './timestamps.js';
import { isJsonContainer, stringifyExact } from './exact-json.js';

/**
The `raw` shape: the exported event as it is, for a Lytics stream that applies its own mapping, with two repairs
Lytics needs. Timestamps become exactly `YYYY-MM-DD HH:MM:SS.ffffff` (the layout of the seed's todate()), and an
array holding an object is JSON-encoded, because Lytics rejects objects nested in arrays.
*/
export function rawEvent(event: Record<string, unknown>, stats: MappingStats): Record<string, unknown> {
	for (const key of eventTimestampKeys) {
		const value = event[key];
		if (typeof value !== 'string' || value === '') continue;
		const normalised = toLyticsLayout(value);
		if (normalised === undefined) stats.recordBad(key);
		else event[key] = normalised;
	}
	for (const key in event) {
		const value = event[key];
		if (isJsonContainer(value)) event[key] = encodeObjectArrays(value);
	}
	return event;
}

function encodeObjectArrays(value: object): unknown {
	if (Array.isArray(value)) return value.some(isJsonContainer) ? stringifyExact(value) : value;
	const object = value as Record<string, unknown>;
	for (const key in object) {
		const inner = object[key];
		if (isJsonContainer(inner)) object[key] = encodeObjectArrays(inner);
	}
	return object;
}
