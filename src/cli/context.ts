import type { Io } from '../io/io.js';
import { Logger, wantsColor, type LogFormat } from '../io/logger.js';
import { loadConfig, type FlagValue, type LoadedConfig } from '../config/load.js';
import { CredentialsStore } from '../auth/store.js';
import { resolveAuth, type ResolvedAuth } from '../auth/resolve.js';
import { AmplitudeClient } from '../amplitude/client.js';
import type { RetryPolicy } from '../runtime/retry.js';
import { configHome, stateDirOf } from '../paths.js';
import type { JobContext } from '../jobs/context.js';
import { Progress } from './progress.js';
import { collectorOfDownloads } from '../runtime/young-collector.js';
import { CollectClient } from '../lytics/collect-client.js';
import { resolveLyticsToken } from '../auth/lytics-token.js';

/** The options every command accepts (see `amp-import --help`). */
export interface GlobalOptions {
	config?: string;
	auth?: string;
	quiet?: boolean;
	verbose?: boolean;
	logFormat?: LogFormat;
	color?: boolean;
}

/** Knobs only tests turn: fast retries and polling. */
export interface TestHooks {
	retry?: Partial<RetryPolicy>;
	/** First cohort poll delay in ms (default 5000). */
	pollMs?: number;
}

/** What a command gets: the outside world, a logger, and lazy access to config, credentials and the API client. */
export class Context implements JobContext {
	readonly logger: Logger;
	readonly store: CredentialsStore;
	#loaded?: LoadedConfig;

	constructor(
		readonly io: Io,
		readonly globals: GlobalOptions,
		readonly signal: AbortSignal,
		readonly hooks: TestHooks = {},
	) {
		const format = globals.logFormat ?? (io.env.AMP_IMPORT_LOG_FORMAT === 'json' ? 'json' : 'text');
		const level = globals.quiet ? 'error' : globals.verbose ? 'debug' : 'info';
		this.logger = new Logger(io, { format, level, color: wantsColor(io, globals.color === false) });
		this.store = new CredentialsStore(configHome(io.env));
		// Secrets from the environment are masked even before any command uses them.
		this.logger.redactor.add(io.env.AMPLITUDE_SECRET_KEY);
		this.logger.redactor.add(io.env.LYTICS_API_TOKEN);
	}

	/** Loads and validates the config once per run; `flags` are this command's options that set config keys. */
	async config(flags: FlagValue[] = []): Promise<LoadedConfig> {
		if (this.#loaded) return this.#loaded;
		this.#loaded = await loadConfig({ cwd: this.io.cwd, env: this.io.env, configPath: this.globals.config, flags });
		// The config file's `logFormat` applies from here on (the flag and AMP_IMPORT_LOG_FORMAT were applied at once).
		if (!this.globals.logFormat && !this.io.env.AMP_IMPORT_LOG_FORMAT) this.logger.options.format = this.#loaded.config.logFormat;
		this.logger.debug(`config: ${this.#loaded.filepath ?? `no file found from ${this.io.cwd} upward (defaults)`}`);
		this.logger.debug(`credentials: ${this.store.path}`);
		this.logger.debug(`state dir: ${stateDirOf(this.#loaded.config.stateDir, this.io.cwd, this.io.env)}`);
		return this.#loaded;
	}

	async auth(label = this.globals.auth): Promise<ResolvedAuth> {
		const { config } = await this.config();
		const auth = await resolveAuth({ config, env: this.io.env, store: this.store, authFlag: label });
		this.logger.redactor.add(auth.credentials.secretKey);
		return auth;
	}

	/** Set by `--demo -o lytics:`: the bundled Lytics stand-in instead of the configured endpoint and token. */
	demoLytics?: { endpoint: string; token: string };

	async lytics(): Promise<CollectClient> {
		const { config } = await this.config();
		const token = this.demoLytics?.token ?? (await resolveLyticsToken({ label: config.lytics.auth, env: this.io.env, store: this.store })).token;
		return this.lyticsWithToken(token);
	}

	/** `failFast`: network failures and server errors are not retried (a person is waiting). */
	async lyticsWithToken(token: string, options: { failFast?: boolean } = {}): Promise<CollectClient> {
		const { config } = await this.config();
		this.logger.redactor.add(token);
		const retries = options.failFast ? 0 : config.http.retries;
		return new CollectClient({
			endpoint: this.demoLytics?.endpoint ?? config.lytics.endpoint,
			token,
			timeoutSeconds: config.lytics.timeoutSeconds,
			connectTimeoutSeconds: options.failFast ? Math.min(config.http.connectTimeoutSeconds, 10) : config.http.connectTimeoutSeconds,
			retry: { retries, maxTotalMs: config.http.retryMaxSeconds * 1000, baseMs: 1000, maxDelayMs: 60_000, ...this.hooks.retry },
			logger: this.logger,
			sleep: this.io.sleep,
		});
	}

	progress(describe: (columns: number) => string): Progress {
		return new Progress(this, describe);
	}

	/** `failFast`: a network failure is not retried and a connection gets 10 s, for a check a person waits on (`auth test`, `doctor`). */
	async client(auth?: ResolvedAuth, options: { failFast?: boolean } = {}): Promise<AmplitudeClient> {
		const resolved = auth ?? (await this.auth());
		const { config } = await this.config();
		const http = options.failFast ? { ...config.http, connectTimeoutSeconds: Math.min(config.http.connectTimeoutSeconds, 10), timeoutSeconds: Math.min(config.http.timeoutSeconds, 60) } : config.http;
		return new AmplitudeClient({
			baseUrl: resolved.baseUrl,
			credentials: resolved.credentials,
			http,
			logger: this.logger,
			retry: this.hooks.retry,
			onDownloadBytes: collectorOfDownloads(),
			retryNetworkErrors: !options.failFast,
		});
	}
}
