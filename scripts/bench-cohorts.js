// Benchmark: a 2,000,000-member props=1 cohort through request → poll → download → CSV parse → map → membership
// diff → NDJSON file, twice (the second import diffs against the first). Prints seconds, members/s, CPU seconds
// (user + system: steadier than wall time on a shared box) and peak RSS of the amp-import process. A script that
// prints figures, not a test: `npm run bench:cohorts` (after `npm run build`). Knobs: BENCH_MEMBERS (2000000),
// BENCH_CONFIG (a config file, e.g. to set cohorts.workers or cohorts.shape), BENCH_NODE_ARGS (extra node flags,
// e.g. --cpu-prof), BENCH_VERBOSE (-v instead of -q, and print the runs' logs).
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { syntheticCohortLines } from './synthetic-export.js';
import { binCommand } from './bin-command.js';

const members = Number(process.env.BENCH_MEMBERS ?? 2_000_000);
const dir = mkdtempSync(join(tmpdir(), 'amp-bench-cohorts-'));
const bin = new URL('../bin/amp-import.js', import.meta.url).pathname;

async function writeCsv(path, firstId, seed) {
	const out = createWriteStream(path);
	let buffer = '';
	for (const line of syntheticCohortLines({ seed, members, firstId })) {
		buffer += line;
		if (buffer.length > 1 << 20) {
			if (!out.write(buffer)) await once(out, 'drain');
			buffer = '';
		}
	}
	out.end(buffer);
	await once(out, 'finish');
}

const files = [join(dir, 'v1.csv'), join(dir, 'v2.csv')];
console.log(`generating two ${members.toLocaleString('en-US')}-member cohort files…`);
await writeCsv(files[0], 100_000_000_000, 1);
await writeCsv(files[1], 100_000_000_000 + 3 * Math.floor(members / 100), 2); // 1% left, 1% joined
let version = 0;
const server = createServer((req, res) => {
	const url = new URL(req.url, 'http://x');
	if (url.pathname === '/api/3/cohorts') {
		res.setHeader('content-type', 'application/json');
		return res.end(JSON.stringify({ cohorts: [{ id: 'big', name: 'Big cohort', size: members, lastComputed: 1_790_000_000 + version }] }));
	}
	if (url.pathname === '/api/5/cohorts/request/big') return res.writeHead(202).end(JSON.stringify({ request_id: `r${version}` }));
	if (url.pathname.startsWith('/api/5/cohorts/request-status/')) return res.writeHead(200).end('{"async_status":"JOB COMPLETED"}');
	if (url.pathname.endsWith('/file')) {
		res.writeHead(200, { 'content-type': 'text/csv', 'content-length': statSync(files[version]).size });
		return createReadStream(files[version]).pipe(res);
	}
	res.writeHead(404).end();
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const base = `http://127.0.0.1:${server.address().port}`;

async function run(label) {
	const env = { ...process.env, AMPLITUDE_API_KEY: 'bench', AMPLITUDE_SECRET_KEY: 'bench-secret', AMPLITUDE_BASE_URL: base, AMP_IMPORT_STATE_DIR: join(dir, 'state') };
	const started = process.hrtime.bigint();
	const child = spawn('/usr/bin/time', ['-f', '%M %U %S', ...binCommand(bin), ...(process.env.BENCH_VERBOSE ? ['-v'] : ['-q']), ...(process.env.BENCH_CONFIG ? ['--config', process.env.BENCH_CONFIG] : []), 'cohorts', '--force', '-o', join(dir, `out-${label}.ndjson`)], { env, stdio: ['ignore', 'inherit', 'pipe'] });
	let stderr = '';
	child.stderr.on('data', (c) => (stderr += c));
	const [code] = await once(child, 'exit');
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	if (process.env.BENCH_VERBOSE) console.log(stderr.trim().split('\n').slice(0, -1).join('\n'));
	const [rssKb, user, system] = stderr.trim().split('\n').pop().split(' ').map(Number);
	const rssMb = rssKb / 1024;
	if (code !== 0) throw new Error(`${label} failed (${code}): ${stderr}`);
	console.log(`${label.padEnd(16)} ${seconds.toFixed(1).padStart(6)} s  ${Math.round(members / seconds).toLocaleString('en-US').padStart(9)} members/s  CPU ${(user + system).toFixed(1)} s  peak RSS ${rssMb.toFixed(0)} MB`);
}

console.log(`amp-import cohorts, ${members.toLocaleString('en-US')} members, props=1, ${cpus().length} cores, Node ${process.version}`);
await run('first import');
version = 1;
await run('second (diff)');
server.close();
rmSync(dir, { recursive: true, force: true });
