import { configError } from '../errors.js';
import type { Config, Region } from '../config/schema.js';
import type { Credentials } from '../amplitude/client.js';
import { baseUrlFor } from '../amplitude/hosts.js';
import type { CredentialsStore } from './store.js';

export interface ResolvedAuth {
	credentials: Credentials;
	region: Region;
	baseUrl: string;
	/** The stored label, or `env` for AMPLITUDE_API_KEY/AMPLITUDE_SECRET_KEY. */
	label: string;
}

/**
Which credentials a run uses. An explicit `--auth <label>` wins; then AMPLITUDE_API_KEY + AMPLITUDE_SECRET_KEY (how
cron and containers pass secrets); then config `auth` (or AMP_IMPORT_AUTH); then the only stored authorization.
The region is config `region` (or AMPLITUDE_REGION) if set, else the authorization's, else us.
*/
export async function resolveAuth(options: {
	config: Config;
	env: NodeJS.ProcessEnv;
	store: CredentialsStore;
	authFlag?: string;
}): Promise<ResolvedAuth> {
	const { config, env, store, authFlag } = options;
	const finish = (label: string, credentials: Credentials, storedRegion?: Region): ResolvedAuth => {
		const region = config.region ?? storedRegion ?? 'us';
		return { label, credentials, region, baseUrl: baseUrlFor(region, config.endpoint) };
	};
	const fromStore = async (label: string, origin: string) => {
		const stored = await store.get(label);
		if (!stored) {
			const known = (await store.list()).map(([l]) => l);
			throw configError(
				`no authorization named "${label}" (from ${origin})`,
				known.length ? `Stored authorizations: ${known.join(', ')}.` : 'Add one with `amp-import auth add <label>`.',
			);
		}
		return finish(label, { apiKey: stored.apiKey, secretKey: stored.secretKey }, stored.region);
	};

	if (authFlag) return fromStore(authFlag, '--auth');

	const apiKey = env.AMPLITUDE_API_KEY;
	const secretKey = env.AMPLITUDE_SECRET_KEY;
	if (apiKey || secretKey) {
		if (!apiKey || !secretKey) {
			throw configError(
				`${apiKey ? 'AMPLITUDE_SECRET_KEY' : 'AMPLITUDE_API_KEY'} is not set, but ${apiKey ? 'AMPLITUDE_API_KEY' : 'AMPLITUDE_SECRET_KEY'} is`,
				'Set both environment variables, or neither to use a stored authorization.',
			);
		}
		return finish('env', { apiKey, secretKey });
	}

	if (config.auth) return fromStore(config.auth, 'config `auth`');

	const all = await store.list();
	if (all.length === 1) {
		const [label, stored] = all[0]!;
		return finish(label, { apiKey: stored.apiKey, secretKey: stored.secretKey }, stored.region);
	}
	if (all.length === 0) {
		throw configError(
			`no Amplitude credentials: no authorization in ${store.path}, and AMPLITUDE_API_KEY is not set`,
			'Run `amp-import auth add <label>`, or set AMPLITUDE_API_KEY and AMPLITUDE_SECRET_KEY.',
		);
	}
	throw configError(
		`${all.length} authorizations are stored and none is chosen`,
		`Pass --auth <label> or set config \`auth\` (one of: ${all.map(([l]) => l).join(', ')}).`,
	);
}
