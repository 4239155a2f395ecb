import { configError } from '../errors.js';
import type { CredentialsStore } from './store.js';

export interface ResolvedLyticsToken {
	token: string;
	/** The stored label, or `env` for LYTICS_API_TOKEN. */
	label: string;
}

/**
Which Lytics API token a run uses: config `lytics.auth` (or AMP_IMPORT_LYTICS_AUTH) names a stored one; else
LYTICS_API_TOKEN (how cron and containers pass it); else the only stored token. Never a flag: a token on the
command line lands in shell history and `ps`.
*/
export async function resolveLyticsToken(options: { label?: string; env: NodeJS.ProcessEnv; store: CredentialsStore }): Promise<ResolvedLyticsToken> {
	const { label, env, store } = options;
	const stored = await store.listLytics();
	if (label) {
		const found = stored.find(([l]) => l === label);
		if (!found) {
			throw configError(`no Lytics token named "${label}" (from lytics.auth) in ${store.path}`, stored.length ? `Stored Lytics tokens: ${stored.map(([l]) => l).join(', ')}.` : 'Add one with `amp-import auth add <label> --lytics`.');
		}
		return { token: found[1].token, label };
	}
	if (env.LYTICS_API_TOKEN) return { token: env.LYTICS_API_TOKEN, label: 'env' };
	if (stored.length === 1) return { token: stored[0]![1].token, label: stored[0]![0] };
	if (stored.length === 0) {
		throw configError(`no Lytics API token: none stored in ${store.path}, and LYTICS_API_TOKEN is not set`, 'Store one with `amp-import auth add <label> --lytics` (it is read at a prompt), or set LYTICS_API_TOKEN.');
	}
	throw configError(`${stored.length} Lytics tokens are stored and none is chosen`, `Set config \`lytics.auth\` to one of: ${stored.map(([l]) => l).join(', ')}.`);
}
