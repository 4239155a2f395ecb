// How the benchmarks start amp-import. As users do: the bin itself, whose sh line starts node with the product's V8
// flags. With BENCH_NODE_ARGS (say --cpu-prof, which NODE_OPTIONS does not accept): node with those same flags from
// the bin's sh line, then the extra ones.
import { readFileSync } from 'node:fs';

export function binCommand(bin) {
	const extra = process.env.BENCH_NODE_ARGS;
	if (!extra) return [bin];
	const shLine = /^':' \/\/; exec node (.*) "\$0" "\$@"$/m.exec(readFileSync(bin, 'utf8'));
	if (!shLine) throw new Error(`${bin}: no sh line to take node's flags from`);
	return [process.execPath, ...shLine[1].split(' '), ...extra.split(' '), bin];
}
