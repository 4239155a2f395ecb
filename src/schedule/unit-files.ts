import type { ScheduledJob } from './jobs.js';

/**
The text `amp-import schedule` prints: crontab lines and systemd service + timer pairs that run each job on its
Keep Updated schedule. Everything is absolute (cron and systemd start in another folder, with another PATH).
*/

export interface Invocation {
	/** The program and its fixed arguments: node, the bin, --config FILE, --auth LABEL. */
	argv: string[];
	/** Where relative paths in the config (output, stateDir) resolve. */
	workingDirectory: string;
	/** The folder for the cron jobs' log files. */
	logDir: string;
	/** The host's zone: CRON_TZ is printed only for jobs in another zone. */
	systemZone: string;
	/** Set for the job (cron's and systemd's environments are bare): where the credentials live. */
	environment: Record<string, string>;
	/** After the job's name: the state dir, by absolute path. */
	jobArgs: string[];
}

export interface JobLine {
	job: ScheduledJob;
	/** Arguments after the command name (such as `-o 'events-{start}-{end}.ndjson'` when no output is configured). */
	extraArgs: string[];
}

/** Single-quotes a word for sh unless it is plainly safe. */
export function shellQuote(word: string): string {
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Quotes a word for a systemd Exec line; `%` is systemd's specifier character and must be doubled. */
function systemdQuote(word: string): string {
	const escaped = word.replaceAll('%', '%%');
	return /^[\w@+=:,./-]+$/.test(escaped) ? escaped : `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

export function crontab(jobs: JobLine[], run: Invocation): string {
	const lines = [
		'# amp-import Keep Updated jobs; install with `crontab -e`. Times are read in the zone noted on each job.',
		`# System zone: ${run.systemZone}. CRON_TZ (cronie, as on RHEL, Fedora, Arch) applies to the lines after it;`,
		"# Debian and Ubuntu's cron ignores it: there, use the systemd timers below, or convert the time yourself.",
		'# An overlapping run exits 75 (lock held) and the next one catches up, so no flock is needed.',
	];
	// Jobs in the system's zone first, so a CRON_TZ line cannot leak onto them.
	const ordered = [...jobs].sort((a, b) => Number(a.job.zone !== run.systemZone) - Number(b.job.zone !== run.systemZone));
	for (const { job, extraArgs } of ordered) {
		const assignments = Object.entries(run.environment).map(([k, v]) => `${k}=${shellQuote(v)}`);
		const command = [...assignments, ...[...run.argv, job.name, ...run.jobArgs, ...extraArgs].map(shellQuote)].join(' ');
		const log = shellQuote(`${run.logDir}/${job.name}.log`);
		lines.push('', `# ${job.name}: ${job.description}`);
		if (job.zone !== run.systemZone) lines.push(`CRON_TZ=${job.zone}`);
		const logDir = shellQuote(run.logDir);
		const line = `cd ${shellQuote(run.workingDirectory)} && mkdir -p ${logDir} && ${command} 2>> ${log}`;
		// In a crontab command an unescaped % ends the command (the rest becomes its stdin).
		lines.push(`${job.cron.minute} ${job.cron.hour} * * * ${line.replaceAll('%', '\\%')}`);
	}
	return `${lines.join('\n')}\n`;
}

export function systemdUnits(jobs: JobLine[], run: Invocation): string {
	const blocks: string[] = [];
	for (const { job, extraArgs } of jobs) {
		const unit = `amp-import-${job.name}`;
		blocks.push(
			[
				`# ~/.config/systemd/user/${unit}.service`,
				'[Unit]',
				`Description=amp-import ${job.name} (Amplitude to Lytics NDJSON)`,
				'Wants=network-online.target',
				'After=network-online.target',
				'',
				'[Service]',
				'Type=oneshot',
				`WorkingDirectory=${systemdQuote(run.workingDirectory)}`,
				...Object.entries(run.environment).map(([k, v]) => `Environment=${systemdQuote(`${k}=${v}`)}`),
				`ExecStart=${[...run.argv, job.name, ...run.jobArgs, ...extraArgs].map(systemdQuote).join(' ')}`,
				'# SIGTERM stops a run cleanly (its state stays at the last durable step); give it time to clean up.',
				'TimeoutStopSec=120',
				'',
				`# ~/.config/systemd/user/${unit}.timer`,
				'[Unit]',
				`Description=amp-import ${job.name}, ${job.description}`,
				'',
				'[Timer]',
				`OnCalendar=${job.onCalendar}`,
				'# A run missed while the machine was off starts at the next boot.',
				'Persistent=true',
				'',
				'[Install]',
				'WantedBy=timers.target',
			].join('\n'),
		);
	}
	const units = jobs.map(({ job }) => `amp-import-${job.name}.timer`).join(' ');
	blocks.push(
		[
			'# Enable: systemctl --user daemon-reload && systemctl --user enable --now ' + units,
			'# Keep user timers running when you are logged out: loginctl enable-linger "$USER"',
			'# Check: systemctl --user list-timers; journalctl --user -u amp-import-<job>',
		].join('\n'),
	);
	return `${blocks.join('\n\n')}\n`;
}
