import { eventTimestampKeys } from './events-table.js';
import type { MappingStats } from './compile.js';
import { isExportLayout, toLyticsLayout } from './timestamps.js';
import type { LineBuffer } from '../bytes/line-buffer.js';
import { char } from '../bytes/chars.js';
import { writeCanonicalAsString } from './canonical-bytes.js';
import { isJsonContainer, parseExact, stringifyExact } from './exact-json.js';
import type { JsonLineScanner } from './json-scan.js';

/**
The `raw` shape: the exported event as it is, for a Lytics stream that applies its own mapping, with two repairs
Lytics needs, in both the forms the events path uses (on a parsed event, and on the line's bytes). Timestamps become
exactly `YYYY-MM-DD HH:MM:SS.ffffff` (the layout of Lytics' todate()), and an
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

/** True when the raw shape would change the event: a timestamp not in the export layout, or an object in an array. */
export function needsRepair(event: Record<string, unknown>): boolean {
	for (const key of eventTimestampKeys) {
		const value = event[key];
		if (typeof value === 'string' && value !== '' && !isExportLayout(value)) return true;
	}
	for (const key in event) {
		const value = event[key];
		if (isJsonContainer(value) && holdsObjectInArray(value)) return true;
	}
	return false;
}

function holdsObjectInArray(value: object): boolean {
	if (Array.isArray(value)) return value.some(isJsonContainer);
	const object = value as Record<string, unknown>;
	for (const key in object) {
		const inner = object[key];
		if (isJsonContainer(inner) && holdsObjectInArray(inner)) return true;
	}
	return false;
}

/**
rawEvent's array repair, on bytes: the line as it is, except each outermost array that holds an object or array,
which becomes a JSON string of that array's JSON text (parsed and encoded, as rawEvent does).
*/
export function writeRepaired(b: Buffer, start: number, end: number, scanner: JsonLineScanner, out: LineBuffer): void {
	let at = start;
	for (let s = 0; s < scanner.sites; s++) {
		const from = scanner.repairs[s * 2]!;
		const to = scanner.repairs[s * 2 + 1]!;
		out.writeRange(b, at, from);
		// Most arrays are canonical JSON already (escaped strings included): encoded from their bytes; others parsed.
		if (!writeCanonicalAsString(b, from, to, out)) out.writeText(JSON.stringify(stringifyExact(parseExact(b.toString('utf8', from, to)))));
		at = to;
	}
	out.writeRange(b, at, end);
	out.writeByte(char.newline);
}

