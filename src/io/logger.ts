import { Chalk, type ChalkInstance } from 'chalk';
import type { Io } from './io.js';
import { Redactor } from '../redact.js';

export type LogFormat = 'text' | 'json';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFields = Record<string, unknown>;

const rank: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface LoggerOptions {
	format: LogFormat;
	/** --quiet → error, default info, --verbose → debug. */
	level: LogLevel;
	color: boolean;
}

/**
The only writer to stderr. Every line passes through the redactor, so a secret that reaches a message by any path
is still masked. Text lines are for people; JSON lines (one object per line) are for log shippers.
*/
export class Logger {
	readonly redactor = new Redactor();
	readonly color: ChalkInstance;

	constructor(
		private readonly io: Io,
		readonly options: LoggerOptions,
	) {
		this.color = new Chalk({ level: options.color ? 1 : 0 });
	}

	get isTTY(): boolean {
		return Boolean(this.io.stderr.isTTY);
	}

	enabled(level: LogLevel): boolean {
		return rank[level] <= rank[this.options.level];
	}

	error(message: string, fields?: LogFields): void {
		this.log('error', message, fields);
	}
	warn(message: string, fields?: LogFields): void {
		this.log('warn', message, fields);
	}
	info(message: string, fields?: LogFields): void {
		this.log('info', message, fields);
	}
	debug(message: string, fields?: LogFields): void {
		this.log('debug', message, fields);
	}

	log(level: LogLevel, message: string, fields: LogFields = {}): void {
		if (!this.enabled(level)) return;
		if (this.options.format === 'json') {
			const line = JSON.stringify({ time: this.io.now().toISOString(), level, msg: message, ...fields });
			this.write(line);
			return;
		}
		const c = this.color;
		const label = { error: c.red('error'), warn: c.yellow('warn'), info: c.cyan('info'), debug: c.dim('debug') }[level];
		const extras = Object.entries(fields)
			.filter(([, v]) => v !== undefined)
			.map(([k, v]) => c.dim(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`));
		this.write([`${this.stamp()}${label} ${message}`, ...extras].join(' '));
	}

	/** Off a terminal (cron mail, journald, a log file) a text line starts with its UTC time, to the second. */
	stamp(): string {
		return this.isTTY ? '' : `${this.io.now().toISOString().slice(0, 19)}Z `;
	}

	/**
	A run summary, not silenced by --quiet: `machine` as one JSON object in json format; in text format `human`'s
	rows (sizes, durations, counts for people) or, without them, `machine`'s.
	*/
	summary(title: string, machine: Record<string, unknown>, human?: Array<[string, string | undefined]>): void {
		const data = Object.fromEntries(Object.entries(machine).filter(([, v]) => v !== undefined));
		if (this.options.format === 'json') {
			this.write(JSON.stringify({ time: this.io.now().toISOString(), level: 'info', msg: title, summary: data }));
			return;
		}
		if (!this.enabled('info')) return;
		const rows = (human ?? Object.entries(data).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).filter(
			(row): row is [string, string] => row[1] !== undefined,
		);
		const width = Math.max(...rows.map(([k]) => k.length));
		this.write([`${this.stamp()}${this.color.bold(title)}`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n'));
	}

	/** Writes a raw line to stderr (redacted). */
	write(text: string): void {
		this.io.stderr.write(`${this.redactor.scrub(text)}\n`);
	}
}

/** Colour on a TTY unless --no-color, NO_COLOR or TERM=dumb; FORCE_COLOR wins (chalk 5 alone ignores NO_COLOR). */
export function wantsColor(io: Io, noColorFlag: boolean): boolean {
	const env = io.env;
	if (noColorFlag) return false;
	if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
	if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
	if (env.TERM === 'dumb') return false;
	return Boolean(io.stderr.isTTY);
}
