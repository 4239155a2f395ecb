import { char } from '../bytes/chars.js';
import { isLosslessNumber, LosslessNumber, stringify } from 'lossless-json';

/**
JSON that keeps every number's text. JSON.parse turns `12345678901234567890` into 12345678901234567000, `1e400`
into Infinity and `1e-400` into 0; an output that holds the value as a string (property maps, string fields,
raw events) must carry the text Amplitude sent. So the ordinary path parses exactly: a number whose text a double
gives back unchanged is a plain number (the common case, and what the byte paths assume), any other stays its
text, as an ExactNumber (lossless-json's LosslessNumber, which its stringify writes as that text).
*/
export type ExactNumber = LosslessNumber;

export const isExactNumber = (value: unknown): value is ExactNumber => isLosslessNumber(value);

const numberToken = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** A number swapped out for a string is marked by U+0000 and a random word: no string of the line can be taken for one. */
const mark = `exact${Math.random().toString(36).slice(2)}:`;
const markedJson = `\\u0000${mark}`;
const marked = `\u0000${mark}`;

/**
JSON.parse, keeping the text of numbers a double would change; invalid JSON throws as JSON.parse throws. It is
JSON.parse itself (a key given twice keeps its last value, `__proto__` is a plain key): a scan outside strings
finds the number tokens a double would change and puts a marked string in their place, and a reviver turns the
marks back into ExactNumbers. A line with no such number, the common case, is parsed as it is.
*/
export function parseExact(text: string): unknown {
	let parts: string[] | undefined;
	const texts: string[] = [];
	let copied = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === char.quote) {
			for (i++; i < text.length; i++) {
				const d = text.charCodeAt(i);
				if (d === char.backslash) i++;
				else if (d === char.quote) break;
			}
			continue;
		}
		if (c !== char.minus && (c < char.zero || c > char.nine)) continue;
		let j = i + 1;
		for (; j < text.length; j++) {
			const d = text.charCodeAt(j);
			if (!((d >= char.zero && d <= char.nine) || d === char.dot || d === char.lowerE || d === char.upperE || d === char.plus || d === char.minus)) break;
		}
		const token = text.slice(i, j);
		// Only a well-formed number is swapped: anything else is left for JSON.parse to reject.
		if (String(Number(token)) !== token && numberToken.test(token)) {
			(parts ??= []).push(text.slice(copied, i), `"${markedJson}${texts.length}"`);
			texts.push(token);
			copied = j;
		}
		i = j - 1;
	}
	if (!parts) return JSON.parse(text);
	parts.push(text.slice(copied));
	return JSON.parse(parts.join(''), (_key, value: unknown) =>
		typeof value === 'string' && value.startsWith(marked) ? new LosslessNumber(texts[Number(value.slice(marked.length))]!) : value,
	);
}

/** JSON.stringify of a value parseExact made: ExactNumbers are written as their own text. */
export function stringifyExact(value: unknown): string {
	return holdsExact(value) ? (stringify(value) as string) : JSON.stringify(value);
}

function holdsExact(value: unknown): boolean {
	if (typeof value !== 'object' || value === null) return false;
	if (isLosslessNumber(value)) return true;
	if (Array.isArray(value)) return value.some(holdsExact);
	for (const key in value) if (holdsExact((value as Record<string, unknown>)[key])) return true;
	return false;
}

/** An object or array of JSON, not an ExactNumber (which is an object only to hold its text). */
export const isJsonContainer = (value: unknown): value is object => typeof value === 'object' && value !== null && !isLosslessNumber(value);
