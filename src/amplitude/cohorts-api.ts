import { AmpImportError } from '../errors.js';
import type { AmplitudeClient } from './client.js';

/** A cohort as `GET /api/3/cohorts` describes it (only the fields amp-import reads). */
export interface CohortInfo {
	id: string;
	name: string;
	size?: number;
	/** Epoch seconds in Amplitude's samples; milliseconds elsewhere (see mapping/timestamps.ts). */
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
	return body.cohorts
		.filter((c): c is CohortInfo => typeof c === 'object' && c !== null && typeof (c as CohortInfo).id === 'string')
		.map((c) => ({ ...c, name: typeof c.name === 'string' ? c.name : c.id }));
}

/** `GET /api/3/cohorts/usage`: the monthly download budget, where the plan has it (undefined otherwise). */
export async function cohortUsage(client: AmplitudeClient, signal?: AbortSignal): Promise<Record<string, unknown> | undefined> {
	const { status, body } = await client.getJson<Record<string, unknown>>('/api/3/cohorts/usage', 'cohort usage', {
		signal,
		passStatuses: [400, 403, 404],
	});
	return status === 200 && body && typeof body === 'object' ? body : undefined;
}

/**
`GET /api/5/cohorts/request/{id}` starts an asynchronous download and answers 202 with a request_id. Every call
counts against the project's 500 downloads a month, so callers save the id before polling.
*/
export async function requestCohort(
	client: AmplitudeClient,
	cohortId: string,
	options: { props: boolean; propKeys: readonly string[]; signal?: AbortSignal },
): Promise<string> {
	const searchParams = new URLSearchParams({ props: options.props ? '1' : '0' });
	for (const key of options.propKeys) searchParams.append('propKeys', key); // repeated, as Amplitude documents
	const { body } = await client.getJson<{ request_id?: unknown }>(`/api/5/cohorts/request/${encodeURIComponent(cohortId)}`, `request cohort ${cohortId}`, {
		searchParams,
		signal: options.signal,
	});
	if (!body || typeof body.request_id !== 'string' || body.request_id === '') {
		throw new AmpImportError('unavailable', `request cohort ${cohortId}: Amplitude answered without a request_id`, { hint: 'Rerun later.' });
	}
	return body.request_id;
}

export type RequestStatus = 'in-progress' | 'done';

/** `GET /api/5/cohorts/request-status/{request_id}`: 202 while the job runs, 200 when the file is ready. */
export async function cohortRequestStatus(client: AmplitudeClient, requestId: string, signal?: AbortSignal): Promise<RequestStatus> {
	const { status, body } = await client.getJson<{ async_status?: string }>(`/api/5/cohorts/request-status/${encodeURIComponent(requestId)}`, `cohort request ${requestId} status`, {
		signal,
	});
	if (status === 202) return 'in-progress';
	if (status === 200 && (body?.async_status === undefined || /COMPLETED/i.test(body.async_status))) return 'done';
	if (status === 200 && /INPROGRESS|PENDING|QUEUED|RUNNING/i.test(body?.async_status ?? '')) return 'in-progress';
	throw new AmpImportError('unavailable', `cohort request ${requestId}: unexpected status ${status} (${body?.async_status ?? 'no async_status'})`, {
		hint: 'The cohort job may have failed at Amplitude; rerun to request it again.',
	});
}
