import { fitSegments, RecentRate } from '../jobs/progress-text.js';
import { formatBytes, formatCount, formatElapsed, formatRate } from '../io/units.js';
import type { EventsRunStats } from './stats.js';

/**
The events progress line: window k of n, what is happening (Amplitude building the export, with the wait so far;
the download, of its size when known; the hour being read), events, the recent rate, elapsed time and an ETA from
the hours done. Fitted to `columns`, dropping the rate, then the elapsed time, then the ETA.
*/
export function eventsProgress(stats: EventsRunStats, now: () => number = Date.now): (columns: number) => string {
	const rate = new RecentRate();
	return (columns) => {
		const at = now();
		const { phase, window, hours } = stats;
		const elapsed = at - stats.startedAt;
		const done = hours.done + hours.inWindow;
		const eta = done > 0 && hours.total > done ? `ETA ${formatElapsed((elapsed * (hours.total - done)) / done)}` : '';
		return fitSegments(
			[
				{ text: window.count > 0 ? `window ${window.index}/${window.count}` : 'events', rank: 1 },
				{ text: phaseText(stats, at), rank: 0 },
				{ text: `${formatCount(stats.events)} events`, rank: 2 },
				{ text: formatRate(rate.sample(stats.events, at)), rank: 5 },
				{ text: formatElapsed(elapsed), rank: 4 },
				{ text: eta, rank: 3 },
			],
			columns,
		);
	};
}

function phaseText(stats: EventsRunStats, at: number): string {
	const { phase } = stats;
	switch (phase.name) {
		case 'starting':
			return 'starting';
		case 'waiting':
			return `Amplitude is building the export (${formatElapsed(at - phase.since)})`;
		case 'downloading':
			return `downloading ${formatBytes(phase.bytes)}${phase.total ? ` of ${formatBytes(phase.total)}` : ''}`;
		case 'reading':
			return `reading ${stats.current.hour || stats.current.window}`;
	}
}
