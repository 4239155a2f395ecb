import * as json from '../json-scan.js';
import { absent, invalid, viaParse, type Transform } from './transform.js';

// `paying` is a boolean in the Export docs and "True or '(none)'" in Amplitude's SQL schema: accept both.
export const booleanWords: ReadonlyMap<string, boolean | typeof absent> = new Map<string, boolean | typeof absent>([
	['true', true], ['True', true], ['TRUE', true], ['false', false], ['False', false], ['FALSE', false], ['(none)', absent],
]);

function convert(value: unknown): unknown {
	if (typeof value === 'boolean') return value;
	const word = typeof value === 'string' ? booleanWords.get(value) : undefined;
	return word ?? invalid;
}

const parsed = viaParse(convert, 'boolean');

export const boolean: Transform = {
	convert,
	fromBytes: (b, kind, start, end, out) => {
		if (kind === json.trueValue || kind === json.falseValue) return out.writeRange(b, start, end);
		// The words are ASCII, so the bytes' latin1 text is the string.
		if (kind === json.plainString) {
			const word = end - start <= 6 ? booleanWords.get(b.toString('latin1', start, end)) : undefined;
			if (word === undefined) return invalid;
			if (word === absent) return absent;
			return out.writeText(word ? 'true' : 'false');
		}
		return parsed(b, kind, start, end, out);
	},
};
