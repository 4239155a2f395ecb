import { describe, expect, it } from '@jest/globals';
import { fitSegments, RecentRate } from '../../../src/jobs/progress-text.js';
import { formatBytes, formatDuration, formatElapsed, formatRate } from '../../../src/io/units.js';
import { EventsRunStats } from '../../../src/events/stats.js';
import { eventsProgress } from '../../../src/events/progress-line.js';
import { CohortsRunStats } from '../../../src/cohorts/stats.js';
import { cohortsProgress } from '../../../src/cohorts/progress-line.js';

describe('fitSegments', () => {
	const segments = [
		{ text: 'window 2/5', rank: 1 },
		{ text: 'downloading 12.3 MB of 45.6 MB', rank: 0 },
		{ text: '123,456 events', rank: 2 },
		{ text: '12.3k/s', rank: 5 },
		{ text: '1m20s', rank: 4 },
		{ text: 'ETA 3m10s', rank: 3 },
	];
	it('keeps every segment when they fit', () => {
		expect(fitSegments(segments, 200)).toBe('window 2/5 · downloading 12.3 MB of 45.6 MB · 123,456 events · 12.3k/s · 1m20s · ETA 3m10s');
	});
	it('drops the least important first: the rate, then the elapsed time, then the ETA', () => {
		expect(fitSegments(segments, 80)).toBe('window 2/5 · downloading 12.3 MB of 45.6 MB · 123,456 events · 1m20s · ETA 3m10s');
		expect(fitSegments(segments, 75)).toBe('window 2/5 · downloading 12.3 MB of 45.6 MB · 123,456 events · ETA 3m10s');
		expect(fitSegments(segments, 62)).toBe('window 2/5 · downloading 12.3 MB of 45.6 MB · 123,456 events');
		expect(fitSegments(segments, 20)).toBe('downloading 12.3 MB…');
	});
	it('leaves out empty segments', () => {
		expect(fitSegments([{ text: 'a', rank: 0 }, { text: '', rank: 1 }, { text: 'b', rank: 2 }], 80)).toBe('a · b');
	});
});

describe('RecentRate', () => {
	it('measures over the last span, not the whole run', () => {
		const rate = new RecentRate(5000);
		expect(rate.sample(0, 0)).toBe(0);
		expect(rate.sample(1000, 1000)).toBe(1000);
		for (let t = 2000; t <= 20_000; t += 1000) rate.sample(1000 + (t - 1000) * 10, t);
		expect(rate.sample(1000 + 20_000 * 10, 21_000)).toBeCloseTo(10_000, -2);
	});
});

describe('units', () => {
	it.each([
		[0, '0 B'], [999, '999 B'], [1000, '1.00 kB'], [12_345, '12.3 kB'], [45_600_000, '45.6 MB'], [462_000_000, '462 MB'], [1.23e9, '1.23 GB'],
	])('formatBytes(%d) = %s', (n, text) => expect(formatBytes(n)).toBe(text));
	it.each([
		[350, '350 ms'], [4200, '4.2 s'], [185_000, '3m05s'], [7_440_000, '2h04m'],
	])('formatDuration(%d) = %s', (n, text) => expect(formatDuration(n)).toBe(text));
	it('formatElapsed ticks in whole seconds', () => {
		expect(formatElapsed(999)).toBe('0 s');
		expect(formatElapsed(59_999)).toBe('59 s');
		expect(formatElapsed(60_000)).toBe('1m00s');
	});
	it('formatRate', () => {
		expect(formatRate(57)).toBe('57/s');
		expect(formatRate(12_345, 'events')).toBe('12.3k events/s');
		expect(formatRate(4_500_000)).toBe('4.5M/s');
	});
});

describe('the events progress line', () => {
	it('says what the run waits for, then what it reads, with an ETA from the hours done', () => {
		let now = 0;
		const stats = new EventsRunStats();
		Object.assign(stats, { startedAt: 0 });
		const render = eventsProgress(stats, () => now);
		stats.hours.total = 48;
		stats.window = { index: 1, count: 2 };
		stats.phase = { name: 'waiting', since: 0, bytes: 0 };
		now = 65_000;
		expect(render(80)).toBe('window 1/2 · Amplitude is building the export (1m05s) · 0 events · 0/s · 1m05s');
		stats.phase = { name: 'downloading', since: 65_000, bytes: 12_300_000, total: 45_600_000 };
		expect(render(80)).toBe('window 1/2 · downloading 12.3 MB of 45.6 MB · 0 events · 0/s · 1m05s');
		stats.phase = { name: 'reading', since: 70_000, bytes: 0 };
		stats.current.hour = '2026-10-01T12';
		stats.hours.inWindow = 12;
		stats.events = 120_000;
		now = 80_000;
		expect(render(80)).toBe('window 1/2 · reading 2026-10-01T12 · 120,000 events · 8.0k/s · 1m20s · ETA 4m00s');
		expect(render(60).length).toBeLessThanOrEqual(60);
	});
});

describe('the cohorts progress line', () => {
	it('names the cohort, its poll and the next one, then the download', () => {
		const now = 30_000;
		const stats = new CohortsRunStats();
		Object.assign(stats, { startedAt: 0 });
		stats.toImport = 3;
		stats.doing('c1', 'Power users', 'polling', { poll: 4, nextPollAt: 50_000 });
		stats.doing('c2', 'Churn risk', 'requesting');
		const render = cohortsProgress(stats, () => now);
		expect(render(120)).toBe('cohort 1/3 · "Power users" · poll 4, next in 20 s (Amplitude is computing the file) · +1 in flight · 0 members · 30 s');
		stats.doing('c1', 'Power users', 'downloading', { bytes: 2_500_000 });
		expect(render(100)).toBe('cohort 1/3 · "Power users" · downloading 2.50 MB · +1 in flight · 0 members · 30 s');
		expect(render(80)).toBe('cohort 1/3 · "Power users" · downloading 2.50 MB · 0 members · 30 s');
		stats.done('c1');
		stats.doing('c2', 'Churn risk', 'writing');
		expect(render(80)).toBe('cohort 2/3 · "Churn risk" · writing members · 0 members · 30 s');
	});
});
