import { readFileSync } from 'node:fs';

/** The package version, read at run time (a JSON import would fall outside the build's rootDir). */
export const version: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const userAgent = `amp-import/${version} (+https://github.com/amp-import/amp-import)`;
