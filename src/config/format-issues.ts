import type { z } from 'zod/v3';

/** Where a value came from, by dotted path: the config file, an environment variable or a flag. */
export type Origins = Map<string, string>;

export function pathToString(path: readonly PropertyKey[]): string {
	return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

export function describeValue(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	return JSON.stringify(value);
}

/**
Turns schema issues into one line each: `path (from SOURCE): expected …, got …` (`valueAt` finds what was given at
an issue's path), with a suggestion for a key that looks like a typo of a known one.
*/
export function formatIssues(
	issues: readonly z.ZodIssue[],
	origins: Origins,
	knownKeysAt: (path: string) => string[],
	valueAt: (path: readonly PropertyKey[]) => unknown,
): string[] {
	const lines: string[] = [];
	for (const issue of issues) {
		const path = pathToString(issue.path);
		if (issue.code === 'unrecognized_keys') {
			for (const key of issue.keys) {
				const full = path ? `${path}.${key}` : key;
				const guess = closest(key, knownKeysAt(path));
				lines.push(`${full}${originNote(origins, full)}: unknown key${guess ? ` (did you mean "${guess}"?)` : ''}`);
			}
			continue;
		}
		const got = `, got ${describeValue(valueAt(issue.path))}`;
		lines.push(`${path || '(config)'}${originNote(origins, path)}: ${issue.message}${got}`);
	}
	return lines;
}

function originNote(origins: Origins, path: string): string {
	const origin = origins.get(path);
	return origin ? ` (from ${origin})` : '';
}

function closest(word: string, candidates: string[]): string | undefined {
	let best: string | undefined;
	let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
	for (const candidate of candidates) {
		const d = distance(word.toLowerCase(), candidate.toLowerCase());
		if (d < bestDistance) [best, bestDistance] = [candidate, d];
	}
	return best;
}

/** Levenshtein distance, for "did you mean". */
export function distance(a: string, b: string): number {
	let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
		}
		previous = current;
	}
	return previous[b.length]!;
}
