import { http, HttpResponse } from 'msw';
import { buildZip, syntheticEntries } from '../../scripts/synthetic-export.js';
import { US } from './msw.js';

export interface ExportCall {
	start: string;
	end: string;
}

export const parseExportHour = (v: string) => Date.UTC(Number(v.slice(0, 4)), Number(v.slice(4, 6)) - 1, Number(v.slice(6, 8)), Number(v.slice(9, 11)));

/** Each hour's events are generated from the hour itself, so any window always holds the same events for it. */
export async function zipForHours(first: number, last: number, eventsPerHour: number, options: { reverse?: boolean; deflate?: boolean } = {}): Promise<Buffer> {
	const entries = [];
	for (let hour = first; hour <= last; hour += 3_600_000) {
		entries.push(...syntheticEntries({ seed: hour / 3_600_000, firstHourMs: hour, hours: 1, eventsPerHour, partitions: 2 }));
	}
	return buildZip(entries, options);
}

export const body = (buffer: Buffer) => buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;

/**
A fake Export API: records every call, lets a test answer a call itself (`answer` returns a Response), and
otherwise serves a zip of synthetic events for every hour of the range (or 404 where `emptyHours` says so).
*/
export function exportApi(options: {
	eventsPerHour?: number;
	calls?: ExportCall[];
	answer?: (call: ExportCall, index: number) => Response | Promise<Response> | undefined;
	base?: string;
}) {
	const calls = options.calls ?? [];
	return http.get(`${options.base ?? US}/api/2/export`, async ({ request }) => {
		const url = new URL(request.url);
		const call = { start: url.searchParams.get('start')!, end: url.searchParams.get('end')! };
		calls.push(call);
		const answered = await options.answer?.(call, calls.length - 1);
		if (answered) return answered;
		const zip = await zipForHours(parseExportHour(call.start), parseExportHour(call.end), options.eventsPerHour ?? 4);
		return HttpResponse.arrayBuffer(body(zip), { headers: { 'content-type': 'application/zip' } });
	});
}
