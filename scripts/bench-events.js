// Benchmark: `amp-import events` over a realistic export served from 127.0.0.1, against the floor of just
// decompressing the same zip (`unzip -p X.zip | gzip -dc > /dev/null`, timed before and after each run). Prints
// events/s, MB/s of JSON, the ratio to the floor (the mean of the two around the run) and peak RSS, for the mapped
// and raw shapes and two export sizes (1x and 4x). A script that prints figures, not a test: `npm run bench` (builds
// first). Knobs: BENCH_SIZES=1,4 BENCH_SHAPES=mapped,raw BENCH_EVENTS_PER_HOUR (10000) BENCH_HOURS (24 for 1x)
// BENCH_NODE_ARGS (extra node flags for the amp-import process, e.g. --cpu-prof) BENCH_CONFIG (a config file for the
// runs, e.g. to set events.workers) BENCH_PROFILE (default | varied: the second data profile, scripts/synthetic-varied.js)
// BENCH_OUTPUTS=file,pipe (to a file, or `-o -` into a pipe this script drains) BENCH_REPEAT (runs of each cell, 1; the
// table then gives medians of seconds, ratio and CPU, each run with its own floors, and the largest peak RSS).
// Generated zips are cached in $TMPDIR/amp-import-bench (same parameters, same bytes).
import { spawn, execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { binCommand } from './bin-command.js';
import { syntheticEntries } from './synthetic-export.js';
import { variedEntries } from './synthetic-varied.js';

const gzip = promisify(gzipCallback);
const sizes = (process.env.BENCH_SIZES ?? '1,4').split(',').map(Number);
const shapes = (process.env.BENCH_SHAPES ?? 'mapped,raw').split(',');
const eventsPerHour = Number(process.env.BENCH_EVENTS_PER_HOUR ?? 10_000);
const baseHours = Number(process.env.BENCH_HOURS ?? 24);
const profile = process.env.BENCH_PROFILE ?? 'default';
const outputs = (process.env.BENCH_OUTPUTS ?? 'file').split(',');
const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 1));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const entriesOf = profile === 'varied' ? variedEntries : syntheticEntries;
const firstHour = Date.UTC(2026, 9, 1);
const bin = new URL('../bin/amp-import.js', import.meta.url).pathname;
const cacheDir = join(tmpdir(), 'amp-import-bench');
const work = mkdtempSync(join(tmpdir(), 'amp-bench-events-'));

/** Writes (or reuses) a stored zip of `hours` hours, 4 gzipped NDJSON partitions an hour, Amplitude's names. */
async function exportZip(hours) {
	const name = `events-${profile === 'default' ? '' : `${profile}-`}${hours}h-${eventsPerHour}.zip`;
	const zipPath = join(cacheDir, name);
	const manifestPath = `${zipPath}.json`;
	if (existsSync(manifestPath)) return { zipPath, ...JSON.parse(readFileSync(manifestPath, 'utf8')) };
	const staging = mkdtempSync(join(tmpdir(), 'amp-bench-gen-'));
	let jsonBytes = 0;
	let events = 0;
	const fixed = new Date(Date.UTC(2026, 0, 1));
	process.stdout.write(`generating ${hours} h x ${eventsPerHour.toLocaleString('en-US')} events…`);
	for (let h = 0; h < hours; h++) {
		const hourMs = firstHour + h * 3_600_000;
		const entries = entriesOf({ seed: 1000 + h, firstHourMs: hourMs, hours: 1, eventsPerHour, partitions: 4 });
		await Promise.all(
			entries.map(async (entry) => {
				const data = Buffer.from(entry.ndjson);
				jsonBytes += data.length;
				events += entry.ndjson.split('\n').length - 1;
				const path = join(staging, entry.name);
				mkdirSync(join(path, '..'), { recursive: true });
				writeFileSync(path, await gzip(data, { level: 6 }));
				utimesSync(path, fixed, fixed);
			}),
		);
		if (h % 8 === 7) process.stdout.write('.');
	}
	mkdirSync(cacheDir, { recursive: true });
	rmSync(zipPath, { force: true });
	// Stored (-0), no extra attributes (-X), entries sorted: Amplitude's zips store the already-gzipped files.
	const names = execFileSync('find', ['.', '-type', 'f'], { cwd: staging, encoding: 'utf8' }).split('\n').filter(Boolean).sort();
	execFileSync('zip', ['-0', '-X', '-q', zipPath, '-@'], { cwd: staging, input: names.join('\n') });
	rmSync(staging, { recursive: true, force: true });
	const manifest = { hours, events, jsonBytes, zipBytes: statSync(zipPath).size };
	writeFileSync(manifestPath, JSON.stringify(manifest));
	process.stdout.write(' done\n');
	return { zipPath, ...manifest };
}

/** Runs a command under /usr/bin/time; returns wall seconds, CPU seconds (user + system), peak RSS (MB) and stderr. */
async function timed(argv, env, { pipe = false } = {}) {
	const started = process.hrtime.bigint();
	const child = spawn('/usr/bin/time', ['-f', '%M %U %S', ...argv], { env, stdio: ['ignore', pipe ? 'pipe' : 'ignore', 'pipe'] });
	let stderr = '';
	child.stderr.on('data', (c) => (stderr += c));
	// A reader at the other end of a pipe, as `amp-import events -o - | loader` has.
	if (pipe) child.stdout.on('data', () => undefined);
	const [code] = await once(child, 'exit');
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	const lines = stderr.trim().split('\n');
	if (code !== 0) throw new Error(`${argv.join(' ')} failed (${code}):\n${stderr}`);
	const [rssKb, user, system] = lines.pop().split(' ').map(Number);
	return { seconds, cpu: user + system, rssMb: rssKb / 1024, stderr: lines.join('\n') };
}

let current;
const server = createServer((req, res) => {
	if (!req.url.startsWith('/api/2/export')) return res.writeHead(404).end();
	res.writeHead(200, { 'content-type': 'application/zip', 'content-length': statSync(current).size });
	createReadStream(current).pipe(res);
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const base = `http://127.0.0.1:${server.address().port}`;
const hourArg = (ms) => new Date(ms).toISOString().slice(0, 13);

console.log(`amp-import events benchmark: ${cpus().length} cores, Node ${process.version}, ${eventsPerHour.toLocaleString('en-US')} events/hour, profile ${profile}`);
const rows = [];
for (const size of sizes) {
	const hours = baseHours * size;
	const data = await exportZip(hours);
	current = data.zipPath;
	const mb = data.jsonBytes / 1e6;
	const floorCommand = ['sh', '-c', `unzip -p '${data.zipPath}' | gzip -dc > /dev/null`];
	const printFloor = (floor) => console.log(`  floor (unzip -p | gzip -dc)  ${floor.seconds.toFixed(2).padStart(7)} s  ${(mb / floor.seconds).toFixed(0).padStart(4)} MB/s  CPU ${floor.cpu.toFixed(1)} s`);
	console.log(`\n${size}x: ${data.events.toLocaleString('en-US')} events, ${mb.toFixed(0)} MB of JSON (${(data.jsonBytes / data.events / 1000).toFixed(2)} KB/event), zip ${(data.zipBytes / 1e6).toFixed(0)} MB`);
	// The floor is timed before and after each run and the run compared with their mean: this box's speed drifts by
	// 10-40% over tens of seconds, and a floor timed once per size made the later ratios a lottery.
	let before = await timed(floorCommand, process.env);
	printFloor(before);
	for (const shape of shapes) for (const output of outputs) {
		const runs = [];
		for (let r = 0; r < repeat; r++) {
			const out = output === 'pipe' ? '-' : join(work, `out-${size}-${shape}.ndjson`);
			const env = { ...process.env, AMPLITUDE_API_KEY: 'bench', AMPLITUDE_SECRET_KEY: 'bench-secret', AMPLITUDE_BASE_URL: base, AMP_IMPORT_STATE_DIR: join(work, 'state') };
			const args = ['--log-format', 'json', ...(process.env.BENCH_CONFIG ? ['--config', process.env.BENCH_CONFIG] : []), 'events', '--start', hourArg(firstHour), '--end', hourArg(firstHour + (hours - 1) * 3_600_000), '--window-hours', String(hours), '-o', out];
			if (shape === 'raw') args.push('--raw');
			const run = await timed([...binCommand(bin), ...args], env, { pipe: output === 'pipe' });
			const summary = run.stderr.split('\n').map((l) => { try { return JSON.parse(l); } catch { return {}; } }).find((l) => l.summary)?.summary;
			if (summary?.events !== data.events) throw new Error(`${shape} ${size}x: expected ${data.events} events, the run reported ${summary?.events}`);
			if (out !== '-') rmSync(out, { force: true });
			const after = await timed(floorCommand, process.env);
			const floor = (before.seconds + after.seconds) / 2;
			const row = { size: `${size}x`, shape: `${shape} ${output}`, events: data.events, seconds: run.seconds, cpu: run.cpu, eventsPerSecond: data.events / run.seconds, mbPerSecond: mb / run.seconds, ratio: run.seconds / floor, rssMb: run.rssMb, floor };
			runs.push(row);
			console.log(`  amp-import ${row.shape.padEnd(11)}       ${run.seconds.toFixed(2).padStart(7)} s  ${row.mbPerSecond.toFixed(0).padStart(4)} MB/s  ${Math.round(row.eventsPerSecond).toLocaleString('en-US').padStart(8)} events/s  ${row.ratio.toFixed(2)}x floor  CPU ${run.cpu.toFixed(1)} s  peak RSS ${row.rssMb.toFixed(0)} MB`);
			printFloor(after);
			before = after;
		}
		const seconds = median(runs.map((r) => r.seconds));
		rows.push({
			...runs[0],
			seconds,
			eventsPerSecond: data.events / seconds,
			mbPerSecond: mb / seconds,
			ratio: median(runs.map((r) => r.ratio)),
			cpu: median(runs.map((r) => r.cpu)),
			floor: median(runs.map((r) => r.floor)),
			rssMb: Math.max(...runs.map((r) => r.rssMb)),
			ratios: runs.map((r) => r.ratio),
		});
	}
}
server.close();
rmSync(work, { recursive: true, force: true });

const of = repeat > 1 ? ` (medians of ${repeat} runs; peak RSS: the largest)` : '';
console.log(`\nprofile ${profile}${of}\n| export | shape, output | events | seconds | events/s | MB/s of JSON | floor s | × floor | CPU s | peak RSS |${repeat > 1 ? ' ratios |' : ''}`);
console.log(`| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |${repeat > 1 ? ' --- |' : ''}`);
for (const r of rows) {
	const each = repeat > 1 ? ` ${r.ratios.map((x) => x.toFixed(2)).join(' ')} |` : '';
	console.log(`| ${r.size} | ${r.shape} | ${r.events.toLocaleString('en-US')} | ${r.seconds.toFixed(1)} | ${Math.round(r.eventsPerSecond).toLocaleString('en-US')} | ${r.mbPerSecond.toFixed(0)} | ${r.floor.toFixed(2)} | ${r.ratio.toFixed(2)} | ${r.cpu.toFixed(1)} | ${r.rssMb.toFixed(0)} MB |${each}`);
}
