/** Sizes, durations and counts as people read them, in every summary, progress line and log. */

/** 0 B, 980 B, 12.3 kB, 45.6 MB, 1.23 GB (decimal units, as disks and networks count). */
export function formatBytes(bytes: number): string {
	if (bytes < 1000) return `${Math.round(bytes)} B`;
	const units = ['kB', 'MB', 'GB', 'TB'];
	let value = bytes;
	let unit = -1;
	while (value >= 1000 && unit < units.length - 1) {
		value /= 1000;
		unit++;
	}
	return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${units[unit]}`;
}

/** 350 ms, 4.2 s, 3m05s, 2h04m. */
export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	const seconds = ms / 1000;
	if (seconds < 60) return `${seconds.toFixed(1)} s`;
	const whole = Math.round(seconds);
	const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
	const two = (n: number) => String(n).padStart(2, '0');
	return h > 0 ? `${h}h${two(m)}m` : `${m}m${two(s)}s`;
}

/** 1,234,567 */
export function formatCount(n: number): string {
	return n.toLocaleString('en-US');
}

/** 12.3k/s, 4.5M events/s: a rate that fits a progress line. */
export function formatRate(perSecond: number, what = ''): string {
	const unit = what ? ` ${what}/s` : '/s';
	if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)}M${unit}`;
	if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k${unit}`;
	return `${Math.round(perSecond)}${unit}`;
}

/** Whole seconds, for clocks that tick on screen: 0 s, 42 s, 3m05s, 2h04m. */
export function formatElapsed(ms: number): string {
	return ms < 60_000 ? `${Math.floor(ms / 1000)} s` : formatDuration(ms);
}
