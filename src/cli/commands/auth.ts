import { formatTable } from '../table.js';
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { maskKey, type Authorization } from '../../auth/store.js';
import { promptLine, readStdinLines } from '../../auth/prompt.js';
import { regions, type Region } from '../../config/schema.js';
import { usageError } from '../../errors.js';
import { listCohorts } from '../../amplitude/cohorts-api.js';

export interface AuthAddOptions {
	description?: string;
	region?: string;
	fromEnv?: boolean;
	force?: boolean;
}

/** `auth add`: keys come from a no-echo prompt, stdin (two lines: API key, secret key) or the environment; never argv. */
export async function authAdd(ctx: Context, label: string, options: AuthAddOptions): Promise<void> {
	const region = (options.region ?? 'us') as Region;
	if (!regions.includes(region)) throw usageError(`--region: expected one of ${regions.join(', ')}, got "${options.region}"`);
	let apiKey: string | undefined;
	let secretKey: string | undefined;
	if (options.fromEnv) {
		apiKey = ctx.io.env.AMPLITUDE_API_KEY;
		secretKey = ctx.io.env.AMPLITUDE_SECRET_KEY;
		if (!apiKey || !secretKey) throw usageError('--from-env needs AMPLITUDE_API_KEY and AMPLITUDE_SECRET_KEY to be set');
	} else if (ctx.io.stdin.isTTY) {
		apiKey = await promptLine(ctx.io, 'Amplitude API key: ', false);
		secretKey = await promptLine(ctx.io, 'Amplitude secret key (not shown): ', true);
	} else {
		[apiKey, secretKey] = await readStdinLines(ctx.io);
	}
	if (!apiKey || !secretKey) {
		throw usageError('both an API key and a secret key are needed', 'Type them at the prompt, or pipe two lines (API key, then secret key) to stdin.');
	}
	ctx.logger.redactor.add(secretKey);
	const authorization: Authorization = {
		apiKey,
		secretKey,
		region,
		description: options.description,
		createdAt: ctx.io.now().toISOString(),
	};
	await ctx.store.add(label, authorization, Boolean(options.force));
	ctx.logger.info(`saved authorization "${label}" (${region}, key ${maskKey(apiKey)}) in ${ctx.store.path}`);
	ctx.logger.info(`check it with: amp-import auth test ${label}`);
}

export async function authList(ctx: Context, options: { json?: boolean }): Promise<void> {
	const rows: Array<Record<'label' | 'region' | 'key' | 'description' | 'source', string>> = (await ctx.store.list()).map(([label, a]) => ({
		label,
		region: a.region,
		key: maskKey(a.apiKey),
		description: a.description ?? '',
		source: 'stored',
	}));
	if (ctx.io.env.AMPLITUDE_API_KEY) {
		rows.unshift({ label: 'env', region: ctx.io.env.AMPLITUDE_REGION ?? 'us', key: maskKey(ctx.io.env.AMPLITUDE_API_KEY), description: 'AMPLITUDE_API_KEY / AMPLITUDE_SECRET_KEY', source: 'environment' });
	}
	if (options.json) {
		for (const row of rows) ctx.io.stdout.write(`${JSON.stringify(row)}\n`);
		return;
	}
	if (rows.length === 0) {
		ctx.logger.info('no authorizations; add one with `amp-import auth add <label>`');
		return;
	}
	const table = [['LABEL', 'REGION', 'API KEY', 'DESCRIPTION'], ...rows.map((r) => [r.label, r.region, r.key, r.description])];
	ctx.io.stdout.write(formatTable(table));
}

export async function authRemove(ctx: Context, label: string): Promise<void> {
	await ctx.store.remove(label);
	ctx.logger.info(`removed authorization "${label}"`);
}

/** `auth test`: one cheap real call (the cohort list) proves the key, the secret and the region together. */
export async function authTest(ctx: Context, label?: string): Promise<void> {
	const auth = await ctx.auth(label ?? ctx.globals.auth);
	const client = await ctx.client(auth);
	const cohorts = await listCohorts(client, { signal: ctx.signal });
	ctx.io.stdout.write(`ok ${auth.label} region=${auth.region} host=${client.baseUrl} cohorts=${cohorts.length}\n`);
}

export function registerAuth(program: Command, context: () => Context): void {
	const auth = program.command('auth').description('manage named Amplitude authorizations (API key + secret key, region)');
	auth
		.command('add <label>')
		.description('store an authorization; keys are read from a prompt (no echo), stdin, or --from-env')
		.option('--description <text>', 'what this authorization is for')
		.option('--region <region>', 'us or eu (the project\'s data center)', 'us')
		.option('--from-env', 'take the keys from AMPLITUDE_API_KEY and AMPLITUDE_SECRET_KEY')
		.option('--force', 'replace an authorization with the same label')
		.action((label: string, options: AuthAddOptions) => authAdd(context(), label, options));
	auth
		.command('list')
		.description('list authorizations (keys masked, secrets never shown)')
		.option('--json', 'one JSON object per line')
		.action((options: { json?: boolean }) => authList(context(), options));
	auth
		.command('remove <label>')
		.description('delete a stored authorization')
		.action((label: string) => authRemove(context(), label));
	auth
		.command('test [label]')
		.description('check an authorization against the real API (GET /api/3/cohorts)')
		.action((label: string | undefined) => authTest(context(), label));
}
