import { cosmiconfig } from 'cosmiconfig';
import { z } from 'zod/v3';
import { configError, usageError } from '../errors.js';
import { configSchema, type Config } from './schema.js';
import { formatIssues, pathToString, type Origins } from './format-issues.js';

export const searchPlaces = [
	'package.json',
	'.amp-importrc',
	'.amp-importrc.json',
	'.amp-importrc.yaml',
	'.amp-importrc.yml',
	'amp-import.config.js',
	'amp-import.config.mjs',
	'amp-import.config.cjs',
];

/** Environment variables that set config keys (credentials are not config: see auth/resolve.ts). */
export const envKeys: ReadonlyArray<{ env: string; path: string }> = [
	{ env: 'AMP_IMPORT_AUTH', path: 'auth' },
	{ env: 'AMPLITUDE_REGION', path: 'region' },
	{ env: 'AMPLITUDE_BASE_URL', path: 'endpoint' },
	{ env: 'AMP_IMPORT_STATE_DIR', path: 'stateDir' },
	{ env: 'AMP_IMPORT_LOG_FORMAT', path: 'logFormat' },
	{ env: 'LYTICS_ENDPOINT', path: 'lytics.endpoint' },
	{ env: 'AMP_IMPORT_LYTICS_AUTH', path: 'lytics.auth' },
];

/** A value from a command-line flag, by config path, with the flag's name for error messages. */
export interface FlagValue {
	path: string;
	flag: string;
	value: unknown;
}

export interface LoadedConfig {
	config: Config;
	/** The file it came from, if any. */
	filepath?: string;
}

/**
Loads the configuration: defaults < file < environment < flags. The merged result is validated once, and every
problem is reported together, each with where its value came from.
*/
export async function loadConfig(options: {
	cwd: string;
	env: NodeJS.ProcessEnv;
	configPath?: string;
	flags?: FlagValue[];
}): Promise<LoadedConfig> {
	const explorer = cosmiconfig('amp-import', { searchPlaces, searchStrategy: 'project', cache: false });
	let result;
	try {
		result = options.configPath ? await explorer.load(options.configPath) : await explorer.search(options.cwd);
	} catch (error) {
		const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
		const which = options.configPath ? `config ${options.configPath}` : 'the config file';
		throw configError(`cannot read ${which}: ${reason}`, 'Check the --config path and the file syntax.');
	}
	const fileData: unknown = result?.config ?? {};
	if (typeof fileData !== 'object' || fileData === null || Array.isArray(fileData)) {
		throw configError(`config ${result?.filepath}: expected an object at the top level`);
	}

	const merged = structuredClone(fileData) as Record<string, unknown>;
	const origins: Origins = new Map();
	for (const { env, path } of envKeys) {
		const value = options.env[env];
		if (value !== undefined && value !== '') setPath(merged, path, value, origins, env);
	}
	for (const { path, flag, value } of options.flags ?? []) {
		if (value !== undefined) setPath(merged, path, value, origins, flag);
	}

	const parsed = configSchema.safeParse(merged);
	if (!parsed.success) {
		const where = result?.filepath ? ` in ${result.filepath}` : '';
		const lines = formatIssues(parsed.error.issues, origins, knownKeysAt, (path) => valueAt(merged, path));
		// A bad flag value is a usage error (64), reported on one line; anything from the file or environment is config (78).
		const flags = new Set((options.flags ?? []).map((f) => f.flag));
		const fromFlags = parsed.error.issues.every((issue) => flags.has(origins.get(pathToString(issue.path)) ?? ''));
		if (fromFlags) throw usageError(lines.join('; '), 'See --help for the accepted values.');
		throw configError(
			`invalid configuration${where}: ${lines.length} problem${lines.length === 1 ? '' : 's'}`,
			'Fix the values listed above; see the README for every key.',
			lines,
		);
	}
	return { config: parsed.data, filepath: result?.filepath };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown, origins: Origins, origin: string): void {
	const keys = path.split('.');
	let node = target;
	for (const key of keys.slice(0, -1)) {
		const next = node[key];
		if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
		node = node[key] as Record<string, unknown>;
	}
	node[keys.at(-1)!] = value;
	origins.set(pathToString(keys), origin);
}

/** What `data` holds at a schema issue's path (undefined where nothing is). */
function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
	let node = data;
	for (const key of path) {
		if (typeof node !== 'object' || node === null) return undefined;
		node = (node as Record<PropertyKey, unknown>)[key];
	}
	return node;
}

/** The keys the schema knows at a dotted path, for "did you mean". */
function knownKeysAt(path: string): string[] {
	let schema: z.ZodType = configSchema;
	for (const key of path ? path.split('.') : []) {
		const shape = objectShape(schema);
		if (!shape?.[key]) return [];
		schema = shape[key];
	}
	return Object.keys(objectShape(schema) ?? {});
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
	let current: z.ZodType = schema;
	// Unwrap default/optional wrappers down to the object.
	for (let i = 0; i < 5 && !(current instanceof z.ZodObject); i++) {
		const inner = (current as { _def?: { innerType?: z.ZodType } })._def?.innerType;
		if (!inner) return undefined;
		current = inner;
	}
	return current instanceof z.ZodObject ? (current.shape as Record<string, z.ZodType>) : undefined;
}
