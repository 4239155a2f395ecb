import type { Context } from './context.js';
import { AmpImportError } from '../errors.js';
import { runChecks, type CheckResult } from '../doctor/checks.js';
import { resolveLyticsToken } from '../auth/lytics-token.js';

const marks: Record<CheckResult['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

/** `amp-import doctor`: a line per check on stdout; the first failure's exit code when any check fails. */
export async function doctor(ctx: Context): Promise<void> {
	const { io } = ctx;
	const failed: CheckResult[] = [];
	const tally: Record<CheckResult['status'], number> = { ok: 0, warn: 0, fail: 0, skip: 0 };
	let count = 0;
	for await (const result of runChecks({
		io,
		signal: ctx.signal,
		loadConfig: () => ctx.config(),
		store: ctx.store,
		resolveAuth: () => ctx.auth(),
		client: (auth) => ctx.client(auth, { failFast: true }),
		lytics: async () => {
			const { config } = await ctx.config();
			const needed = [config.events.output, config.cohorts.output].some((o) => o?.startsWith('lytics:'));
			const resolved = await resolveLyticsToken({ label: config.lytics.auth, env: ctx.io.env, store: ctx.store }).catch((error: unknown) => {
				if (needed || config.lytics.auth) throw error;
				return undefined;
			});
			if (!resolved) return undefined;
			return { client: await ctx.lyticsWithToken(resolved.token, { failFast: true }), label: resolved.label, stream: config.lytics.stream ?? 'amplitude_events', needed };
		},
	})) {
		count++;
		tally[result.status]++;
		io.stdout.write(ctx.logger.redactor.scrub(`${marks[result.status]}  ${result.name.padEnd(11)}  ${result.detail}\n`));
		if (result.error?.hint) io.stdout.write(ctx.logger.redactor.scrub(`${' '.repeat(19)}hint: ${result.error.hint}\n`));
		if (result.status === 'fail') failed.push(result);
	}
	const first = failed[0]?.error;
	if (!first) {
		const more = [tally.warn ? `${tally.warn} warning${tally.warn === 1 ? '' : 's'}` : '', tally.skip ? `${tally.skip} skipped` : ''].filter(Boolean);
		io.stdout.write(`${tally.ok} of ${count} checks ok${more.length ? `, ${more.join(', ')}` : ''}; none failed\n`);
		return;
	}
	throw new AmpImportError(first.kind, `${failed.length} of ${count} checks failed: ${failed.map((f) => f.name).join(', ')}`, { exitCode: first.exitCode });
}
