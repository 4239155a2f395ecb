import { lookup } from 'node:dns/promises';
import { mkdir, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import type { AmplitudeClient } from '../amplitude/client.js';
import type { CollectClient } from '../lytics/collect-client.js';
import { listCohorts } from '../amplitude/cohorts-api.js';
import type { ResolvedAuth } from '../auth/resolve.js';
import { maskKey, type CredentialsStore } from '../auth/store.js';
import type { LoadedConfig } from '../config/load.js';
import { AmpImportError, fsError, toAmpImportError } from '../errors.js';
import type { Io } from '../io/io.js';
import { stateDirOf } from '../paths.js';
import { formatBytes, formatDuration } from '../io/units.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
	name: string;
	status: CheckStatus;
	detail: string;
	/** A failure's error: its hint says what to do, its kind gives doctor's exit code. */
	error?: AmpImportError;
}

/** What the checks need; the shell passes its own loaders so doctor sees exactly what a run would. */
export interface DoctorInput {
	io: Io;
	signal: AbortSignal;
	loadConfig: () => Promise<LoadedConfig>;
	store: CredentialsStore;
	resolveAuth: () => Promise<ResolvedAuth>;
	/** A client that fails fast (no retries): a person is waiting. */
	client: (auth: ResolvedAuth) => Promise<AmplitudeClient>;
	/** A Lytics client with the token a run would use; undefined when none is stored or set. */
	lytics: () => Promise<{ client: CollectClient; label: string; stream: string; needed: boolean } | undefined>;
}

/** Free space under which a run would likely fail (a day's export is spooled whole) and under which to warn. */
const minimumFree = 64 * 2 ** 20;
const comfortableFree = 2 ** 30;
/** Clock skew that moves the newest exportable hour or the cohorts' daily run noticeably. */
const clockWarnMs = 60_000;
const clockFailMs = 5 * 60_000;

const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
const skip = (name: string, detail: string): CheckResult => ({ name, status: 'skip', detail });
const fail = (name: string, error: unknown): CheckResult => {
	const e = toAmpImportError(error);
	return { name, status: 'fail', detail: e.message, error: e };
};

/**
Every check in order, one result each. A check that needs an earlier one's result (the host needs the config, the
API call needs credentials) is skipped, saying why, when that one failed.
*/
export async function* runChecks(input: DoctorInput): AsyncGenerator<CheckResult> {
	const { io } = input;
	yield nodeCheck();

	let loaded: LoadedConfig | undefined;
	try {
		loaded = await input.loadConfig();
		yield ok('config', loaded.filepath ?? `no config file found from ${io.cwd} upward (defaults)`);
	} catch (error) {
		yield fail('config', error);
	}

	yield await credentialsCheck(input);

	let auth: ResolvedAuth | undefined;
	if (!loaded) yield skip('auth', 'needs the config');
	else {
		try {
			auth = await input.resolveAuth();
			yield ok('auth', `${auth.label}: ${auth.region}, key ${maskKey(auth.credentials.apiKey)}, host ${auth.baseUrl}`);
		} catch (error) {
			yield fail('auth', error);
		}
	}

	const stateDir = stateDirOf(loaded?.config.stateDir, io.cwd, io.env);
	yield await writableCheck('state dir', stateDir, true);
	yield await writableCheck('temp dir', tmpdir(), false);

	if (!auth) {
		for (const name of ['clock', 'dns', 'tls', 'api']) yield skip(name, 'needs an authorization');
	} else yield* networkChecks(input, auth);
	yield loaded ? await lyticsCheck(input) : skip('lytics', 'needs the config');
}

async function* networkChecks(input: DoctorInput, auth: ResolvedAuth): AsyncGenerator<CheckResult> {
	const { io } = input;
	const url = new URL(auth.baseUrl);
	const client = await input.client(auth);
	yield await clockCheck(client, io, url.host, input.signal);
	const dns = await dnsCheck(url.hostname);
	yield dns;
	if (dns.status === 'fail') {
		for (const name of ['tls', 'api']) yield skip(name, `needs ${url.hostname} to resolve`);
		return;
	}
	yield url.protocol === 'https:' ? await tlsCheck(url) : skip('tls', `${url.origin} is not https`);
	yield await apiCheck(client, input.signal);
}

/** One `dryrun=true` request (Lytics checks it, stores nothing), when a token is there or an output needs one. */
async function lyticsCheck(input: DoctorInput): Promise<CheckResult> {
	try {
		const lytics = await input.lytics();
		if (!lytics) return skip('lytics', 'no Lytics token stored or set (needed only for -o lytics:)');
		const outcome = await lytics.client.probe(lytics.stream, input.signal);
		if (outcome.kind === 'refused') return fail('lytics', new AmpImportError('data', `Lytics refused a test record on ${lytics.stream} (HTTP ${outcome.status}: ${outcome.message})`));
		return ok('lytics', `token ${lytics.label} accepted by ${lytics.client.host} (dryrun=true on ${lytics.stream}, nothing stored)`);
	} catch (error) {
		return fail('lytics', error);
	}
}

function nodeCheck(): CheckResult {
	const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
	if (major > 20 || (major === 20 && minor >= 11)) return ok('node', `v${process.versions.node}`);
	return fail('node', new AmpImportError('config', `node v${process.versions.node} is older than the 20.11 amp-import needs`, { hint: 'Install Node.js 20 LTS or newer.' }));
}

async function credentialsCheck(input: DoctorInput): Promise<CheckResult> {
	const { io, store } = input;
	const fromEnv = io.env.AMPLITUDE_API_KEY ? '; AMPLITUDE_API_KEY is set and wins over stored ones' : '';
	try {
		const info = await stat(store.path).catch((error: NodeJS.ErrnoException) => {
			if (error.code === 'ENOENT') return undefined;
			throw fsError(error, `reading ${store.path}`, { reading: true });
		});
		if (!info) return fromEnv ? ok('credentials', `no file at ${store.path}${fromEnv}`) : ok('credentials', `no file yet at ${store.path} (\`amp-import auth add\` creates it)`);
		const count = (await store.list()).length;
		const mode = (info.mode & 0o777).toString(8);
		return ok('credentials', `${store.path} (mode ${mode}, ${count} authorization${count === 1 ? '' : 's'})${fromEnv}`);
	} catch (error) {
		return fail('credentials', error);
	}
}

/** Creates the folder if need be, writes and removes a probe file, and reports the free space. */
async function writableCheck(name: string, dir: string, create: boolean): Promise<CheckResult> {
	const probe = join(dir, `.amp-import-doctor-${process.pid}`);
	try {
		if (create) await mkdir(dir, { recursive: true });
		await writeFile(probe, 'probe\n');
		await rm(probe, { force: true });
	} catch (error) {
		return fail(name, fsError(error, `writing in ${dir}`));
	}
	try {
		const fs = await statfs(dir);
		const free = fs.bavail * fs.bsize;
		const detail = `${dir} (writable, ${formatBytes(free)} free)`;
		if (free < minimumFree) {
			return fail(name, new AmpImportError('io', `${detail}: too little space for a run`, { hint: `Free space in ${dir}, or point ${create ? '`stateDir`' : 'TMPDIR'} elsewhere.` }));
		}
		return { name, status: free < comfortableFree ? 'warn' : 'ok', detail: free < comfortableFree ? `${detail}: a day's export is spooled here whole` : detail };
	} catch {
		return ok(name, `${dir} (writable)`);
	}
}

async function clockCheck(client: AmplitudeClient, io: Io, host: string, signal: AbortSignal): Promise<CheckResult> {
	try {
		const before = Date.now();
		const server = await client.serverDate(signal);
		if (!server || Number.isNaN(server.getTime())) return skip('clock', `${host} sent no Date header`);
		// The header has one-second resolution and the round trip takes time: compare with the middle of it.
		const skewMs = io.now().getTime() - (Date.now() - before) / 2 - server.getTime();
		const detail = `${formatDuration(Math.abs(skewMs))} ${skewMs >= 0 ? 'ahead of' : 'behind'} ${host}`;
		if (Math.abs(skewMs) <= clockWarnMs) return ok('clock', Math.abs(skewMs) < 2000 ? `within 2 s of ${host}` : detail);
		if (Math.abs(skewMs) <= clockFailMs) return { name: 'clock', status: 'warn', detail };
		return fail('clock', new AmpImportError('config', `this machine's clock is ${detail}: the newest exportable hour and the daily run would be off`, {
			hint: 'Fix the system clock (NTP: `timedatectl set-ntp true`).',
		}));
	} catch (error) {
		return fail('clock', error);
	}
}

async function dnsCheck(hostname: string): Promise<CheckResult> {
	if (isIP(hostname.replace(/^\[|\]$/g, ''))) return skip('dns', `${hostname} is an address`);
	try {
		const { address } = await lookup(hostname);
		return ok('dns', `${hostname} → ${address}`);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? 'error';
		return fail('dns', new AmpImportError('unavailable', `cannot resolve ${hostname} (${code})`, { hint: 'Check the DNS settings (/etc/resolv.conf) and the network; a proxy-only network needs HTTPS_PROXY support (not yet).' }));
	}
}

function tlsCheck(url: URL): Promise<CheckResult> {
	return new Promise((resolve) => {
		const socket = connect({ host: url.hostname, port: Number(url.port || 443), servername: url.hostname, timeout: 10_000 }, () => {
			const certificate = socket.getPeerCertificate();
			const until = certificate.valid_to ? new Date(certificate.valid_to).toISOString().slice(0, 10) : 'unknown';
			resolve(ok('tls', `${socket.getProtocol() ?? 'TLS'}, certificate for ${certificate.subject?.CN ?? url.hostname} valid until ${until}`));
			socket.end();
		});
		const broken = (message: string) => {
			socket.destroy();
			resolve(fail('tls', new AmpImportError('unavailable', `TLS to ${url.host}: ${message}`, { hint: 'A proxy or firewall may intercept TLS; check the system CA store (NODE_EXTRA_CA_CERTS) and the network.' })));
		};
		socket.on('error', (error: NodeJS.ErrnoException) => broken(`${error.code ?? 'error'}: ${error.message}`));
		socket.on('timeout', () => broken('no handshake within 10 s'));
	});
}

async function apiCheck(client: AmplitudeClient, signal: AbortSignal): Promise<CheckResult> {
	const started = Date.now();
	try {
		const cohorts = await listCohorts(client, { signal });
		return ok('api', `GET /api/3/cohorts answered in ${formatDuration(Date.now() - started)}: the keys work (${cohorts.length} cohorts)`);
	} catch (error) {
		return fail('api', error);
	}
}
