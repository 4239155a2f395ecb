import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod/v3';
import { writeFileAtomic } from '../atomic-file.js';
import { configError, usageError } from '../errors.js';
import { regions } from '../config/schema.js';

const authorizationSchema = z.strictObject({
	apiKey: z.string().min(1),
	secretKey: z.string().min(1),
	region: z.enum(regions),
	description: z.string().optional(),
	createdAt: z.string(),
});
const lyticsTokenSchema = z.strictObject({
	token: z.string().min(1),
	description: z.string().optional(),
	createdAt: z.string(),
});
const fileSchema = z.strictObject({
	version: z.literal(1),
	authorizations: z.record(z.string(), authorizationSchema),
	/** Lytics API tokens, by label (`auth add <label> --lytics`). */
	lytics: z.record(z.string(), lyticsTokenSchema).optional(),
});

export type Authorization = z.infer<typeof authorizationSchema>;
export type LyticsToken = z.infer<typeof lyticsTokenSchema>;
type CredentialsFile = z.infer<typeof fileSchema>;

export const labelPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
Named authorizations (Lytics' "Authorizations"), in one JSON file readable by its owner only. A file that group or
others can read is refused rather than used: the secret keys in it may already have leaked, and the owner should know.
*/
export class CredentialsStore {
	readonly path: string;

	constructor(readonly dir: string) {
		this.path = join(dir, 'credentials.json');
	}

	async read(): Promise<CredentialsFile> {
		let text: string;
		try {
			const info = await stat(this.path);
			if ((info.mode & 0o077) !== 0) {
				const mode = (info.mode & 0o777).toString(8);
				throw configError(
					`credentials file ${this.path} is readable by group or others (mode ${mode}); refusing to use it`,
					`Run \`chmod 600 ${this.path}\`, and rotate the secret keys if others could have read them.`,
				);
			}
			text = await readFile(this.path, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, authorizations: {} };
			throw error;
		}
		let data: unknown;
		try {
			data = JSON.parse(text);
		} catch {
			throw configError(`credentials file ${this.path} is not valid JSON`, 'Fix or remove the file, then add the authorizations again.');
		}
		const parsed = fileSchema.safeParse(data);
		if (!parsed.success) {
			throw configError(`credentials file ${this.path} has an unexpected shape`, 'Fix or remove the file, then add the authorizations again.');
		}
		return parsed.data;
	}

	async list(): Promise<Array<[string, Authorization]>> {
		const file = await this.read();
		return Object.entries(file.authorizations).sort(([a], [b]) => a.localeCompare(b));
	}

	async get(label: string): Promise<Authorization | undefined> {
		return (await this.read()).authorizations[label];
	}

	/** Refuses a label that is malformed, or taken (unless `replace`): `auth add` asks this before it prompts. */
	async checkLabel(label: string, replace: boolean, kind: 'amplitude' | 'lytics' = 'amplitude'): Promise<CredentialsFile> {
		if (!labelPattern.test(label)) {
			throw usageError(`invalid label "${label}"`, 'Use letters, digits, dot, dash and underscore (up to 64), starting with a letter or digit.');
		}
		const file = await this.read();
		const taken = kind === 'amplitude' ? file.authorizations[label] : file.lytics?.[label];
		if (taken && !replace) {
			throw usageError(`${kind === 'amplitude' ? 'an authorization' : 'a Lytics token'} named "${label}" exists already`, 'Pass --force to replace it, or choose another label.');
		}
		return file;
	}

	async listLytics(): Promise<Array<[string, LyticsToken]>> {
		return Object.entries((await this.read()).lytics ?? {}).sort(([a], [b]) => a.localeCompare(b));
	}

	async addLytics(label: string, token: LyticsToken, replace: boolean): Promise<void> {
		const file = await this.checkLabel(label, replace, 'lytics');
		file.lytics = { ...file.lytics, [label]: token };
		await this.#write(file);
	}

	async add(label: string, authorization: Authorization, replace: boolean): Promise<void> {
		const file = await this.checkLabel(label, replace);
		file.authorizations[label] = authorization;
		await this.#write(file);
	}

	/** Removes the Amplitude authorization or the Lytics token of that label (both, if both have it). */
	async remove(label: string): Promise<void> {
		const file = await this.read();
		if (!file.authorizations[label] && !file.lytics?.[label]) throw usageError(`no authorization named "${label}"`, 'See `amp-import auth list`.');
		delete file.authorizations[label];
		if (file.lytics) delete file.lytics[label];
		await this.#write(file);
	}

	async #write(file: CredentialsFile): Promise<void> {
		await mkdir(this.dir, { recursive: true, mode: 0o700 });
		await writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`, 0o600);
	}
}

/** `abcd…wxyz`: enough to tell keys apart, never enough to use one. */
export function maskKey(key: string): string {
	return key.length <= 8 ? '…' : `${key.slice(0, 4)}…${key.slice(-4)}`;
}
