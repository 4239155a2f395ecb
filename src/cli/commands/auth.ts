import { formatTable } from '../table.js';
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { maskKey, type Authorization } from '../../auth/store.js';
import { promptLine, readStdinLines } from '../../auth/prompt.js';
import { parseRegion, regions, type Region } from '../../config/schema.js';
import { AmpImportError, usageError } from '../../errors.js';
import { baseUrlFor } from '../../amplitude/hosts.js';
import type { Credentials } from '../../amplitude/client.js';
import { listCohorts } from '../../amplitude/cohorts-api.js';
import { resolveLyticsToken } from '../../auth/lytics-token.js';

export interface AuthAddOptions {
	description?: string;
	region?: string;
	fromEnv?: boolean;
	force?: boolean;
	/** False with --no-verify: save without the checking call. */
	verify?: boolean;
	/** --lytics: store a Lytics API token instead of Amplitude keys. */
	lytics?: boolean;
}

/**
`auth add`: keys come from a no-echo prompt, stdin (two lines: API key, secret key) or the environment; never argv.
The label is checked before anything is asked, and the keys with one call before they are saved.
*/
export async function authAdd(ctx: Context, label: string, options: AuthAddOptions): Promise<void> {
	if (options.lytics) return addLyticsToken(ctx, label, options);
	const region = parseRegion(options.region ?? 'us');
	if (!region) throw usageError(`--region: expected one of ${regions.join(', ')}, got "${options.region}"`);
	await ctx.store.checkLabel(label, Boolean(options.force));
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
	if (options.verify !== false) await verifyKeys(ctx, label, { apiKey, secretKey }, region);
	const authorization: Authorization = {
		apiKey,
		secretKey,
		region,
		description: options.description,
		createdAt: ctx.io.now().toISOString(),
	};
	await ctx.store.add(label, authorization, Boolean(options.force));
	ctx.logger.info(`saved authorization "${label}" (${region}, key ${maskKey(apiKey)}) in ${ctx.store.path}`);
	if (options.verify === false) ctx.logger.info(`not checked (--no-verify); check it with: amp-import auth test ${label}`);
}

/** One cheap authenticated call (the cohort list) on the region's host, failing fast: keys that do not work are not saved. */
async function verifyKeys(ctx: Context, label: string, credentials: Credentials, region: Region): Promise<void> {
	const { config } = await ctx.config();
	const baseUrl = baseUrlFor(config.region ?? region, config.endpoint);
	const client = await ctx.client({ label, credentials, region, baseUrl }, { failFast: true });
	try {
		const cohorts = await listCohorts(client, { signal: ctx.signal });
		ctx.logger.info(`checked: ${new URL(baseUrl).host} accepted the keys (${cohorts.length} cohorts)`);
	} catch (error) {
		if (error instanceof AmpImportError && error.kind !== 'interrupted') {
			throw new AmpImportError(error.kind, `not saved: ${error.message}`, {
				hint: `${error.hint ?? ''} To save the keys anyway (offline, say), add --no-verify.`.trim(),
				cause: error,
				httpStatus: error.httpStatus,
			});
		}
		throw error;
	}
}

export async function authList(ctx: Context, options: { json?: boolean }): Promise<void> {
	type Row = Record<'label' | 'for' | 'region' | 'key' | 'description' | 'source', string>;
	const rows: Row[] = (await ctx.store.list()).map(([label, a]) => ({
		label,
		for: 'amplitude',
		region: a.region,
		key: maskKey(a.apiKey),
		description: a.description ?? '',
		source: 'stored',
	}));
	if (ctx.io.env.AMPLITUDE_API_KEY) {
		rows.unshift({ label: 'env', for: 'amplitude', region: ctx.io.env.AMPLITUDE_REGION ?? 'us', key: maskKey(ctx.io.env.AMPLITUDE_API_KEY), description: 'AMPLITUDE_API_KEY / AMPLITUDE_SECRET_KEY', source: 'environment' });
	}
	for (const [label, t] of await ctx.store.listLytics()) rows.push({ label, for: 'lytics', region: '', key: maskKey(t.token), description: t.description ?? '', source: 'stored' });
	if (ctx.io.env.LYTICS_API_TOKEN) rows.push({ label: 'env', for: 'lytics', region: '', key: maskKey(ctx.io.env.LYTICS_API_TOKEN), description: 'LYTICS_API_TOKEN', source: 'environment' });
	if (options.json) {
		for (const row of rows) ctx.io.stdout.write(`${JSON.stringify(row)}\n`);
		return;
	}
	if (rows.length === 0) {
		ctx.logger.info('no authorizations; add one with `amp-import auth add <label>`');
		return;
	}
	const table = [['LABEL', 'FOR', 'REGION', 'KEY', 'DESCRIPTION'], ...rows.map((r) => [r.label, r.for, r.region, r.key, r.description])];
	ctx.io.stdout.write(formatTable(table));
}

/** `auth add <label> --lytics`: a Lytics API token from a no-echo prompt, stdin or LYTICS_API_TOKEN, checked with a dry run. */
async function addLyticsToken(ctx: Context, label: string, options: AuthAddOptions): Promise<void> {
	await ctx.store.checkLabel(label, Boolean(options.force), 'lytics');
	let token: string | undefined;
	if (options.fromEnv) {
		token = ctx.io.env.LYTICS_API_TOKEN;
		if (!token) throw usageError('--from-env --lytics needs LYTICS_API_TOKEN to be set');
	} else if (ctx.io.stdin.isTTY) {
		token = await promptLine(ctx.io, 'Lytics API token (not shown): ', true);
	} else {
		[token] = await readStdinLines(ctx.io);
	}
	if (!token) throw usageError('a Lytics API token is needed', 'Type it at the prompt, or pipe it to stdin.');
	ctx.logger.redactor.add(token);
	if (options.verify !== false) {
		const { config } = await ctx.config();
		const client = await ctx.lyticsWithToken(token, { failFast: true });
		await checkLytics(ctx, client, config.lytics.stream ?? 'amplitude_events', `not saved: `);
	}
	await ctx.store.addLytics(label, { token, description: options.description, createdAt: ctx.io.now().toISOString() }, Boolean(options.force));
	ctx.logger.info(`saved Lytics token "${label}" (${maskKey(token)}) in ${ctx.store.path}`);
}

/** One `dryrun=true` collect request (Lytics checks it and stores nothing): the token, the endpoint and the stream. */
async function checkLytics(ctx: Context, client: Awaited<ReturnType<Context['lytics']>>, stream: string, prefix = ''): Promise<void> {
	try {
		const outcome = await client.probe(stream, ctx.signal);
		if (outcome.kind === 'refused') throw new AmpImportError('data', `${prefix}Lytics refused a test record on ${stream} (HTTP ${outcome.status}: ${outcome.message})`);
		ctx.logger.info(`checked: ${client.host} accepted the token (dryrun=true on stream ${stream}, nothing stored)`);
	} catch (error) {
		if (prefix && error instanceof AmpImportError && error.kind !== 'interrupted' && !error.message.startsWith(prefix)) {
			throw new AmpImportError(error.kind, `${prefix}${error.message}`, { hint: `${error.hint ?? ''} To save the token anyway, add --no-verify.`.trim(), cause: error });
		}
		throw error;
	}
}

export async function authRemove(ctx: Context, label: string): Promise<void> {
	await ctx.store.remove(label);
	ctx.logger.info(`removed authorization "${label}"`);
}

/** `auth test`: one cheap real call (the cohort list) proves the key, the secret and the region together. */
export async function authTest(ctx: Context, label?: string, options: { lytics?: boolean } = {}): Promise<void> {
	if (options.lytics) {
		const { config } = await ctx.config();
		const resolved = await resolveLyticsToken({ label: label ?? config.lytics.auth, env: ctx.io.env, store: ctx.store });
		const client = await ctx.lyticsWithToken(resolved.token, { failFast: true });
		const stream = config.lytics.stream ?? 'amplitude_events';
		await checkLytics(ctx, client, stream);
		ctx.io.stdout.write(`ok ${resolved.label} lytics host=${client.host} stream=${stream}\n`);
		return;
	}
	const auth = await ctx.auth(label ?? ctx.globals.auth);
	const client = await ctx.client(auth, { failFast: true });
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
		.option('--no-verify', 'save without checking the keys against Amplitude (or the token against Lytics)')
		.option('--lytics', 'store a Lytics API token (for `-o lytics:`) instead of Amplitude keys')
		.addHelpText(
			'after',
			`
The keys are in Amplitude under Settings → Organization settings → Projects → (your project) → General:
"API Key" and "Secret Key". They are saved, owner-readable only, in the credentials file (see \`amp-import doctor\`).

Examples:
  $ amp-import auth add prod                              prompts for both keys (the secret is not shown)
  $ amp-import auth add eu-prod --region eu --description 'EU project'
  $ printf '%s\\n%s\\n' "$KEY" "$SECRET" | amp-import auth add ci    two lines on stdin
  $ amp-import auth add ci --from-env                     from AMPLITUDE_API_KEY / AMPLITUDE_SECRET_KEY
  $ amp-import auth add lytics-prod --lytics              a Lytics API token (Lytics: Vault → Security → Access Tokens)
`,
		)
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
		.description('check an authorization against the real API (GET /api/3/cohorts; with --lytics, a dryrun=true collect request)')
		.option('--lytics', 'check the Lytics token a run would use (or the one named)')
		.addHelpText('after', '\nExamples:\n  $ amp-import auth test          the authorization a run would use\n  $ amp-import auth test prod\n')
		.action((label: string | undefined, options: { lytics?: boolean }) => authTest(context(), label, options));
}
