// How the benchmarks start amp-import. As users do: the bin itself, whose sh line starts node with the product's V8
// flags. With BENCH_NODE_ARGS (say --cpu-prof, which NODE_OPTIONS does not accept): node with those same flags from
// the bin's sh line (src/runtime/node-flags.ts, which the smoke test holds equal to it), then the extra ones.
import { nodeFlags } from '../dist/runtime/node-flags.js';

export function binCommand(bin) {
	const extra = process.env.BENCH_NODE_ARGS;
	if (!extra) return [bin];
	return [process.execPath, ...nodeFlags, ...extra.split(' '), bin];
}
