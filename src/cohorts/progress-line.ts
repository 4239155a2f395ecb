import { fitSegments } from '../jobs/progress-text.js';
import { formatBytes, formatCount, formatElapsed } from '../io/units.js';
import type { CohortsRunStats } from './stats.js';

/**
The cohorts progress line: which cohort (k of n, its name), what it waits for (the poll number and when the next
one is due; the download, of its size when known; writing its members), members so far, and elapsed time.
*/
export function cohortsProgress(stats: CohortsRunStats, now: () => number = Date.now): (columns: number) => string {
	return (columns) => {
		const at = now();
		const [first] = stats.activity.values();
		const others = stats.activity.size - 1;
		const name = first ? (first.name.length > 28 ? `"${first.name.slice(0, 27)}…"` : `"${first.name}"`) : '';
		return fitSegments(
			[
				{ text: `cohort ${Math.min(stats.finished + 1, Math.max(stats.toImport, 1))}/${stats.toImport}`, rank: 1 },
				{ text: name, rank: 2 },
				{ text: first ? phaseText(first, at) : 'starting', rank: 0 },
				{ text: others > 0 ? `+${others} in flight` : '', rank: 5 },
				{ text: `${formatCount(stats.members)} members`, rank: 3 },
				{ text: formatElapsed(at - stats.startedAt), rank: 4 },
			],
			columns,
		);
	};
}

function phaseText(activity: NonNullable<ReturnType<CohortsRunStats['activity']['get']>>, at: number): string {
	switch (activity.phase) {
		case 'requesting':
			return 'requesting a download';
		case 'polling': {
			const next = activity.nextPollAt === undefined ? '' : `, next in ${formatElapsed(Math.max(0, activity.nextPollAt - at))}`;
			return `poll ${activity.poll}${next} (Amplitude is computing the file)`;
		}
		case 'downloading':
			return `downloading ${formatBytes(activity.bytes)}${activity.total ? ` of ${formatBytes(activity.total)}` : ''}`;
		case 'writing':
			return 'writing members';
	}
}
