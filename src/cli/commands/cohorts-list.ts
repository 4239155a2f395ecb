import type { Context } from '../context.js';
import { cohortUsage, listCohorts } from '../../amplitude/cohorts-api.js';
import { epochToRfc3339, epochToRfc3339Seconds } from '../../mapping/timestamps.js';
import { formatTable } from '../table.js';
import type { AmplitudeClient } from '../../amplitude/client.js';

/** `cohorts list`: the project's cohorts as a table (or JSON lines), and the month's download usage when available. */
export async function printCohortList(ctx: Context, options: { json?: boolean; all?: boolean; client?: AmplitudeClient }): Promise<void> {
	const client = options.client ?? (await ctx.client());
	const cohorts = (await listCohorts(client, { signal: ctx.signal })).filter((c) => options.all || !c.archived);
	const usage = await cohortUsage(client, ctx.signal).catch(() => undefined);
	if (options.json) {
		for (const c of cohorts) {
			const row = { id: c.id, name: c.name, size: c.size, lastComputed: c.lastComputed === undefined ? undefined : epochToRfc3339(c.lastComputed), archived: Boolean(c.archived), published: Boolean(c.published) };
			ctx.io.stdout.write(`${JSON.stringify(row)}\n`);
		}
	} else {
		const rows = cohorts.map((c) => [
			c.id,
			c.name,
			c.size === undefined ? '' : String(c.size),
			c.lastComputed === undefined ? '' : (epochToRfc3339Seconds(c.lastComputed) ?? ''),
			[c.archived ? 'archived' : '', c.published ? 'published' : ''].filter(Boolean).join(','),
		]);
		ctx.io.stdout.write(formatTable([['ID', 'NAME', 'SIZE', 'LAST COMPUTED (UTC)', 'FLAGS'], ...rows]));
	}
	if (usage) ctx.logger.info(`cohort downloads this month: ${describeUsage(usage)}`);
	else ctx.logger.debug('cohort download usage is not available for this project');
}

/** `{"used":12,"limit":500}` as "12 of 500"; whatever else the plan reports as `key value` pairs, never as JSON. */
function describeUsage(usage: Record<string, unknown>): string {
	const used = usage.used ?? usage.usage ?? usage.count;
	const limit = usage.limit ?? usage.quota ?? usage.max;
	if (typeof used === 'number' && typeof limit === 'number') return `${used} of ${limit}`;
	const pairs = Object.entries(usage).filter(([, v]) => typeof v === 'number' || typeof v === 'string');
	return pairs.length ? pairs.map(([k, v]) => `${k} ${String(v)}`).join(', ') : 'reported, in a form amp-import does not know';
}
