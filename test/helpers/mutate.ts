import { parseExact } from '../../src/mapping/exact-json.js';
import { prng } from '../../scripts/synthetic-export.js';

/** The characters inserted and substituted, by default those that matter to a JSON scanner: structure, escapes, number parts, literals, controls, UTF-8 bytes. */
const alphabet = Buffer.from('{}[]",:\\0123456789-+.eEtruefalsn \t\r\x00\xc3\xa9\xe2\x80\xff', 'latin1');

/**
Deterministic damage to a line's bytes, for differential tests of the byte paths: deletions, substitutions,
insertions, truncations and spliced copies, one to three of them. Most results are invalid JSON; some stay valid
in new ways (a number gains a digit, a string gains an escape), which is the point.
*/
export function mutations(lines: Buffer[], perLine: number, seed = 1, characters = alphabet): Buffer[] {
	const rand = prng(seed);
	const pick = (n: number) => Math.floor(rand() * n);
	const out: Buffer[] = [];
	for (const line of lines) {
		for (let m = 0; m < perLine; m++) {
			let bytes = Buffer.from(line);
			for (let ops = 1 + pick(3); ops > 0; ops--) {
				const at = pick(bytes.length);
				const byte = Buffer.of(characters[pick(characters.length)]!);
				switch (pick(5)) {
					case 0: bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]); break;
					case 1: bytes[at] = byte[0]!; break;
					case 2: bytes = Buffer.concat([bytes.subarray(0, at), byte, bytes.subarray(at)]); break;
					case 3: bytes = bytes.subarray(0, at); break;
					default: {
						const from = pick(bytes.length);
						bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(from, from + 5), bytes.subarray(at)]);
					}
				}
			}
			out.push(bytes);
		}
	}
	return out;
}

/** JSON.parse of the line's UTF-8 text when that is an object, else undefined: what the ordinary path decides. */
export function parsedObject(line: Buffer): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(line.toString('utf8'));
		return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

/** The line as the ordinary mapping path reads it (numbers a double would change keep their text), or undefined. */
export function exactObject(line: Buffer): Record<string, unknown> | undefined {
	if (!parsedObject(line)) return undefined;
	return parseExact(line.toString('utf8')) as Record<string, unknown>;
}
