import { createHash } from 'node:crypto';
import type { Region } from '../config/schema.js';

/**
A project's identity in file names: a short hash of its API key (one key per Amplitude project) and the region.
The key itself never lands in a file name.
*/
export function projectKey(apiKey: string, region: Region): string {
	return `${region}-${createHash('sha256').update(apiKey).digest('hex').slice(0, 12)}`;
}
