import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeAmplitude, type FakeAmplitude } from '../helpers/fake-amplitude-server.js';
import { tempDir } from '../helpers/run.js';

/*
The progress line as a person sees it: the built amp-import in a real pseudo-terminal of 80 columns (util-linux
`script`), against the fake Amplitude on 127.0.0.1, whose first export takes 1.5 s to "build".
*/

const bin = fileURLToPath(new URL('../../bin/amp-import.js', import.meta.url));
const hasScript = (() => {
	try {
		execFileSync('script', ['--version'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
})();

let fake: FakeAmplitude;
let home: ReturnType<typeof tempDir>;
beforeAll(async () => {
	fake = await startFakeAmplitude({ eventsPerHour: 200 });
	fake.onExport = async (call) => {
		if (call.index === 0) await new Promise((resolve) => setTimeout(resolve, 1500));
		return false;
	};
	home = tempDir();
});
afterAll(async () => {
	await fake.close();
	home.cleanup();
});

/** Everything the terminal was sent, as the lines a spinner drew (each redraw starts at column 0). */
function screenLines(typescript: string): string[] {
	return typescript
		.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '\r')
		.split(/[\r\n]+/)
		.map((line) => line.trim())
		.filter(Boolean);
}

(hasScript ? describe : describe.skip)('progress in a real terminal', () => {
	it('at 80 columns: window k of n, the phase with its wait, events, rate, elapsed; never wider than the terminal', async () => {
		const transcript = join(home.path, 'typescript');
		const command = [
			'stty cols 80 rows 24;',
			`exec ${process.execPath} ${bin} events --start 2026-10-01T00 --end 2026-10-02T23 -o ${join(home.path, 'events.ndjson')}`,
		].join(' ');
		await new Promise<void>((resolve, reject) => {
			execFile('script', ['-qefc', command, transcript], {
				env: {
					PATH: process.env.PATH,
					HOME: home.path,
					TERM: 'xterm-256color',
					AMPLITUDE_API_KEY: 'pty-api-key',
					AMPLITUDE_SECRET_KEY: 'pty-secret-key',
					AMPLITUDE_BASE_URL: fake.url,
				},
				timeout: 60_000,
			}, (error) => (error ? reject(error) : resolve()));
		});
		const lines = screenLines(readFileSync(transcript, "utf8"));
		if (process.env.SHOW_PTY) console.log(lines.join("\n"));
		const progress = lines.filter((l) => /window \d\/\d/.test(l));
		expect(progress.length).toBeGreaterThan(0);
		for (const line of progress) expect(line.length).toBeLessThanOrEqual(80);
		expect(progress.some((l) => /^window 1\/2 · Amplitude is building the export \([1-9]\d* s\) · 0 events · 0\/s · \d+ s$/.test(l))).toBe(true);
		expect(progress.some((l) => /^window [12]\/2 · reading 2026-10-0[12]T\d\d · [\d,]+ events · .* · ETA \d+/.test(l))).toBe(true);
		expect(progress.some((l) => l.startsWith('window 2/2 · '))).toBe(true);
		// The summary, and no timestamps: a terminal is for people.
		expect(lines).toContain('events run summary');
		expect(lines.join('\n')).not.toMatch(/\d\d:\d\d:\d\dZ /);
		expect(lines.join('\n')).not.toContain('pty-secret-key');
	}, 90_000);
});
