/** The placeholders an output file name may carry, by job (cohorts have no data range: `{end}` would mean nothing). */
export const jobPlaceholders = {
	events: ['start', 'end', 'date', 'time'],
	cohorts: ['start', 'date', 'time'],
} as const satisfies Record<'events' | 'cohorts', readonly string[]>;

export type Placeholder = (typeof jobPlaceholders)['events'][number];

/** The `{…}` names in a template that the job does not know (a typo must not become a literal file name). */
export function unknownPlaceholders(template: string, job: 'events' | 'cohorts'): string[] {
	const known: readonly string[] = jobPlaceholders[job];
	return [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!).filter((name) => !known.includes(name));
}
