import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
The layers, top to bottom. A module may import from its own folder and from any lower layer, never from a higher
one or from another folder of its own layer: the shell knows the jobs, the jobs know the building blocks, the
building blocks know the ground, and nothing below knows what is above it.
*/
const layers: string[][] = [
	['cli'],
	['events', 'cohorts', 'schedule', 'demo', 'doctor'],
	['jobs', 'delivery'],
	['pipeline', 'amplitude', 'auth', 'state', 'lytics'],
	['config'],
	['mapping'],
	['bytes', 'runtime'],
	['io'],
	['.'],
];
// Within the building blocks a few lean on one another, downward in this order.
const within: Record<string, string[]> = { state: ['amplitude'], auth: ['amplitude'], pipeline: ['amplitude'], jobs: ['delivery'] };

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const folderOf = (file: string) => (relative(src, file).includes('/') ? relative(src, file).split('/')[0]! : '.');
const layerOf = (folder: string) => layers.findIndex((l) => l.includes(folder));

function* sources(dir: string): Generator<string> {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) yield* sources(path);
		else if (entry.name.endsWith('.ts')) yield path;
	}
}

/** Every import that points upward or sideways, as `from -> to`. */
export function violations(): string[] {
	const found: string[] = [];
	for (const file of sources(src)) {
		const from = folderOf(file);
		for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
			const to = folderOf(resolve(dirname(file), m[1]!));
			if (to === from) continue;
			const [a, b] = [layerOf(from), layerOf(to)];
			const allowed = b > a || (a === b && (within[from] ?? []).includes(to));
			if (!allowed) found.push(`${relative(src, file)} -> ${m[1]}`);
		}
	}
	return found;
}

describe('layers', () => {
	it('every folder of src has a layer', () => {
		const folders = readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
		expect(folders.filter((f) => layerOf(f) === -1)).toEqual([]);
	});

	it('every import goes downward (nothing outside src/cli imports the shell)', () => {
		expect(violations()).toEqual([]);
	});
});
