import { char } from '../../bytes/chars.js';
import * as json from '../json-scan.js';
import { writeEscapedString } from '../escaped-string.js';
import { copyString, invalid, viaParse, type Transform } from './transform.js';

/** `valuect(event_type)`: a count map that Lytics sums across events. */
function convert(value: unknown): unknown {
	return typeof value === 'string' ? { [value]: 1 } : invalid;
}

const parsed = viaParse(convert, 'value-count');

export const valueCount: Transform = {
	convert,
	toJson: () => (value) => (typeof value === 'string' ? `{${JSON.stringify(value)}:1}` : invalid),
	fromBytes: (b, kind, start, end, out) => {
		if (kind !== json.plainString && kind !== json.escapedString) return parsed(b, kind, start, end, out);
		out.writeByte(char.openBrace);
		if (kind === json.plainString) copyString(b, start, end, out);
		else writeEscapedString(b, start, end, out);
		out.writeText(':1}');
		return undefined;
	},
};
