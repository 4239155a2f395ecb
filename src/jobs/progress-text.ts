/**
A progress line from segments, fitted to the terminal: when the whole line is too wide, the least important
segments go first, then the line is cut. Jobs describe; the shell decides whether the line shows.
*/
export interface Segment {
	text: string;
	/** 0 is kept longest. */
	rank: number;
}

export function fitSegments(segments: Segment[], columns: number): string {
	const kept = segments.filter((s) => s.text !== '');
	const line = () => kept.map((s) => s.text).join(' · ');
	while (line().length > columns && kept.length > 1) {
		const worst = kept.reduce((a, b) => (b.rank >= a.rank ? b : a));
		kept.splice(kept.indexOf(worst), 1);
	}
	const text = line();
	return text.length > columns ? `${text.slice(0, Math.max(0, columns - 1))}…` : text;
}

/**
A rate over the last few seconds (what a person watching wants), from samples of a growing count taken each time
the line is drawn.
*/
export class RecentRate {
	readonly #samples: Array<{ at: number; count: number }> = [];

	constructor(private readonly spanMs = 5000) {}

	sample(count: number, at: number): number {
		this.#samples.push({ at, count });
		while (this.#samples.length > 2 && at - this.#samples[1]!.at >= this.spanMs) this.#samples.shift();
		const first = this.#samples[0]!;
		return at > first.at ? ((count - first.count) * 1000) / (at - first.at) : 0;
	}
}
