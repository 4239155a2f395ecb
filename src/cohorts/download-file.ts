import type { AmplitudeClient } from '../amplitude/client.js';
import type { Logger } from '../io/logger.js';
import { AmpImportError } from '../errors.js';

const redirects = [301, 302, 303, 307, 308];

/**
`GET /api/5/cohorts/request/{request_id}/file` to `dest`. Small cohorts come in the body; large ones as a 302 to a
pre-signed S3 URL valid for one minute, fetched here without the Authorization header (S3 rejects a second auth
method). An expired link (S3 answers 403) is replaced by asking `/file` again, which works for 7 days.
*/
export async function downloadCohortFile(
	client: AmplitudeClient,
	requestId: string,
	dest: string,
	options: { signal?: AbortSignal; logger: Logger; attempts?: number; onProgress?: (bytes: number, total?: number) => void },
): Promise<{ bytes: number; via: 'body' | 's3' }> {
	const path = `/api/5/cohorts/request/${encodeURIComponent(requestId)}/file`;
	const attempts = options.attempts ?? 3;
	for (let attempt = 1; attempt <= attempts; attempt++) {
		const first = await client.download(path, dest, `download cohort file ${requestId}`, {
			signal: options.signal,
			followRedirect: false,
			passStatuses: redirects,
			onProgress: options.onProgress,
		});
		if (first.status === 200) return { bytes: first.bytes, via: 'body' };
		if (!first.location) break;
		const s3 = await client.download(first.location, dest, `download cohort file ${requestId} from its S3 link`, {
			signal: options.signal,
			authenticated: false,
			passStatuses: [400, 403],
			onProgress: options.onProgress,
		});
		if (s3.status === 200) return { bytes: s3.bytes, via: 's3' };
		options.logger.warn(`the S3 link for cohort request ${requestId} was refused (HTTP ${s3.status}, probably expired); asking for a fresh one`);
	}
	throw new AmpImportError('unavailable', `download cohort file ${requestId}: no usable file after ${attempts} attempts`, {
		hint: 'The request stays valid for 7 days and is kept in state: rerun to try again without spending another download.',
	});
}
