/**
Keeps secrets out of every line amp-import prints. Known secrets (the API key's secret, the Basic token) are
registered as soon as credentials are resolved; generic patterns (Authorization headers, URL user-info) are
scrubbed too, so a secret we never saw (a proxy URL's password) does not leak either.
*/
export class Redactor {
	readonly #secrets = new Set<string>();

	/** Registers a value that must never be printed. Short values are ignored: they would mask ordinary text. */
	add(secret: string | undefined): void {
		if (secret && secret.length >= 6) this.#secrets.add(secret);
	}

	scrub(text: string): string {
		let out = text;
		for (const secret of this.#secrets) out = out.split(secret).join('***');
		return out
			.replace(/(authorization["']?\s*[:=]\s*["']?)(basic|bearer)\s+[A-Za-z0-9+/=._-]+/gi, '$1$2 ***')
			.replace(/\b(basic)\s+[A-Za-z0-9+/]{16,}={0,2}/gi, '$1 ***')
			.replace(/(\w+:\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1***:***@');
	}
}
