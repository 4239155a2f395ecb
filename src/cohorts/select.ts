import type { CohortInfo } from '../amplitude/cohorts-api.js';
import { distance } from '../config/format-issues.js';
import { usageError } from '../errors.js';

/**
The cohorts a run imports: those named (by id or by name, exactly), or every non-archived cohort when none is named.
A name that matches nothing is a usage error listing the closest names and ids.
*/
export function selectCohorts(all: readonly CohortInfo[], wanted: readonly string[]): CohortInfo[] {
	if (wanted.length === 0) return all.filter((c) => !c.archived);
	const selected: CohortInfo[] = [];
	const unknown: string[] = [];
	for (const want of wanted) {
		const byId = all.find((c) => c.id === want);
		const byName = all.filter((c) => c.name === want);
		const found = byId ? [byId] : byName;
		if (found.length === 0) unknown.push(want);
		for (const c of found) if (!selected.includes(c)) selected.push(c);
	}
	if (unknown.length) {
		const hints = unknown.map((want) => {
			const close = closeMatches(all, want);
			return close.length ? `"${want}": did you mean ${close.join(', ')}?` : `"${want}": no similar cohort`;
		});
		throw usageError(`unknown cohort${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}`, `${hints.join(' ')} See \`amp-import cohorts list\`.`);
	}
	return selected;
}

function closeMatches(all: readonly CohortInfo[], want: string): string[] {
	const w = want.toLowerCase();
	return all
		.flatMap((c) => [
			{ label: `"${c.name}" (${c.id})`, score: c.name.toLowerCase().includes(w) || w.includes(c.name.toLowerCase()) ? 0 : distance(w, c.name.toLowerCase()) },
			{ label: `"${c.name}" (${c.id})`, score: distance(w, c.id.toLowerCase()) },
		])
		.filter((m) => m.score <= Math.max(2, Math.floor(want.length / 3)))
		.sort((a, b) => a.score - b.score)
		.map((m) => m.label)
		.filter((label, i, list) => list.indexOf(label) === i)
		.slice(0, 3);
}
