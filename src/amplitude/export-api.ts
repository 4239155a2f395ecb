import { open } from 'node:fs/promises';
import type { AmplitudeClient } from './client.js';
import { exportHour, isoHour } from './hours.js';

export type ExportOutcome =
	| { kind: 'zip'; bytes: number }
	/** 404: no data in the range, a normal empty window. */
	| { kind: 'empty' }
	/** 400 (the export would pass 4 GB) or 504 (too much data to build in time): split the window. */
	| { kind: 'too-large'; status: number; message: string }
	/** 400 for anything else Amplitude says is wrong with the request (a malformed range, over 365 days). */
	| { kind: 'rejected'; message: string }
	/** A 200 whose body is not a zip (an HTML error page, JSON): retried, never taken as "no data". */
	| { kind: 'not-zip'; sample: string };

const zipMagic = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('PK\x05\x06', 'latin1')];

/** `GET /api/2/export?start=…&end=…` (both hours inclusive) streamed to `dest`. */
export async function downloadExport(
	client: AmplitudeClient,
	window: { first: number; last: number },
	dest: string,
	signal?: AbortSignal,
	onProgress?: (bytes: number, total?: number) => void,
): Promise<ExportOutcome> {
	const what = `export ${isoHour(window.first)}..${isoHour(window.last)}`;
	const result = await client.download('/api/2/export', dest, what, {
		searchParams: { start: exportHour(window.first), end: exportHour(window.last) },
		signal,
		onProgress,
		passStatuses: [400, 404, 504],
	});
	if (result.status === 404) return { kind: 'empty' };
	if (result.status === 504) return { kind: 'too-large', status: 504, message: 'timed out building the export (504)' };
	if (result.status === 400) {
		const message = printable(Buffer.from(result.errorBody ?? '', 'utf8')).slice(0, 300);
		return badRequestIsSize(message) ? { kind: 'too-large', status: 400, message } : { kind: 'rejected', message };
	}
	const head = await readHead(dest, 64);
	if (!zipMagic.some((magic) => head.subarray(0, 4).equals(magic))) {
		return { kind: 'not-zip', sample: printable(head).slice(0, 60) };
	}
	return { kind: 'zip', bytes: result.bytes };
}

/**
The Export API answers 400 both for an export over 4 GB (documented) and, as observed, for a malformed range or one
over 365 days. Only a message that names size (or no message at all: the documented meaning) splits the window.
*/
export function badRequestIsSize(message: string): boolean {
	if (!message) return true;
	if (/\b(size|large|big|exceed\w*|limit|4\s?GB|too much)\b/i.test(message)) return true;
	return false;
}

const printable = (bytes: Buffer) => bytes.toString('utf8').replace(/[^\x20-\x7e]+/g, ' ').trim();

async function readHead(path: string, length: number): Promise<Buffer> {
	const handle = await open(path, 'r');
	try {
		const buffer = Buffer.alloc(length);
		const { bytesRead } = await handle.read(buffer, 0, length, 0);
		return buffer.subarray(0, bytesRead);
	} finally {
		await handle.close();
	}
}
