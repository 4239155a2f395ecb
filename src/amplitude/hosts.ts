import type { Region } from '../config/schema.js';

/** Amplitude's REST hosts by data region. `analytics.amplitude.com` is the web UI, not an API host. */
export const regionHosts: Record<Region, string> = {
	us: 'https://amplitude.com',
	eu: 'https://analytics.eu.amplitude.com',
};

export function baseUrlFor(region: Region, endpoint?: string): string {
	return (endpoint ?? regionHosts[region]).replace(/\/+$/, '');
}
