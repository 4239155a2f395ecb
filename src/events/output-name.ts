import { exportHour } from './hours.js';

/** `{start}`, `{end}` (UTC hours, `YYYYMMDDTHH`) and `{date}` (the run's UTC date) in an output file name. */
export function resolveOutputName(template: string, values: { first: number; last: number; now: Date }): string {
	return template
		.replaceAll('{start}', exportHour(values.first))
		.replaceAll('{end}', exportHour(values.last))
		.replaceAll('{date}', values.now.toISOString().slice(0, 10));
}

export function hasPlaceholders(template: string): boolean {
	return /\{(start|end|date)\}/.test(template);
}
