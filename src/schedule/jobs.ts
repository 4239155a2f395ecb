import type { Config } from '../config/schema.js';
import { nextDailyRun, nextHourlyRun, systemTimeZone } from './next-run.js';

export type JobName = 'cohorts' | 'events';

/** One Keep Updated job: when it runs, in which zone, and how cron and systemd spell that. */
export interface ScheduledJob {
	name: JobName;
	/** The zone its times are read in: cohorts.timezone, else the system's; events always the system's (like cron). */
	zone: string;
	/** `daily at 06:00 Europe/Berlin`, `hourly at :15`. */
	description: string;
	/** The first run strictly after `after` (ms). */
	next(after: number): number;
	/** crontab minute and hour fields, read in `zone`. */
	cron: { minute: string; hour: string };
	/** systemd OnCalendar= value. */
	onCalendar: string;
	/** Placeholders that give each run its own output file, and an output name that has them. */
	perRunOutput: { pattern: RegExp; example: string };
}

export function scheduledJobs(config: Config, env: NodeJS.ProcessEnv): Record<JobName, ScheduledJob> {
	const system = systemTimeZone(env);
	const cohortsZone = config.cohorts.timezone ?? system;
	const [hour, minute] = config.cohorts.timeOfDay.split(':') as [string, string];
	const m = config.events.minuteOfHour;
	return {
		cohorts: {
			name: 'cohorts',
			zone: cohortsZone,
			description: `daily at ${config.cohorts.timeOfDay} ${cohortsZone}`,
			next: (after) => nextDailyRun(after, config.cohorts.timeOfDay, cohortsZone),
			cron: { minute: String(Number(minute)), hour: String(Number(hour)) },
			onCalendar: `*-*-* ${hour}:${minute}:00 ${cohortsZone}`,
			perRunOutput: { pattern: /\{(start|time)\}/, example: 'amplitude-cohorts-{time}.ndjson.gz' },
		},
		events: {
			name: 'events',
			zone: system,
			description: `hourly at :${String(m).padStart(2, '0')} ${system}`,
			next: (after) => nextHourlyRun(after, m, system),
			cron: { minute: String(m), hour: '*' },
			onCalendar: `*-*-* *:${String(m).padStart(2, '0')}:00`,
			perRunOutput: { pattern: /\{(start|end)\}/, example: 'amplitude-events-{start}-{end}.ndjson.gz' },
		},
	};
}
