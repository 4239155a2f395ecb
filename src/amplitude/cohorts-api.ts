import { AmpImportError } from '../errors.js';
import type { AmplitudeClient } from './client.js';

/** A cohort as `GET /api/3/cohorts` describes it (only the fields amp-import reads). */
export interface CohortInfo {
	id: string;
	name: string;
	size?: number;
	lastComputed?: number;
	archived?: boolean;
	published?: boolean;
	description?: string | null;
	appId?: number | string;
}

/** `GET /api/3/cohorts`: every cohort of the project. */
export async function listCohorts(client: AmplitudeClient, options: { signal?: AbortSignal } = {}): Promise<CohortInfo[]> {
	const { body } = await client.getJson<{ cohorts?: unknown }>('/api/3/cohorts', 'list cohorts', { signal: options.signal });
	if (!body || !Array.isArray(body.cohorts)) {
		throw new AmpImportError('unavailable', 'list cohorts: Amplitude answered without a `cohorts` list', {
			hint: 'Check `endpoint`: something other than Amplitude may be answering.',
		});
	}
	return body.cohorts.filter((c): c is CohortInfo => typeof c === 'object' && c !== null && typeof (c as CohortInfo).id === 'string');
}
