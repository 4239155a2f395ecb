// Loaded with `node --import` into an amp-import process under test: makes one file system call fail or kills the
// process at it, as a crash or a full disk would. Test code only; the product has no such hook.
//   AMP_IMPORT_TEST_FAULT='{"op":"rename","match":"\\.partial$","nth":1,"action":"kill","when":"before"}'
// op: rename | sync | datasync | write | read | open | writeFile | mkdtemp; match: a regex on the path (rename: the source);
// action: kill (SIGKILL) | ENOSPC | EIO | EACCES; when: before | after (kill only). Only the main thread is touched.
// AMP_IMPORT_TEST_FSLOG=<file>: appends every open, write, sync, datasync and rename, a line each, to that file.
import { appendFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const logFile = process.env.AMP_IMPORT_TEST_FSLOG;
if (logFile && isMainThread) {
	const require = createRequire(import.meta.url);
	const fsp = require('node:fs/promises');
	const log = (op, path, extra = '') => appendFileSync(logFile, `${op}\t${path}${extra ? `\t${extra}` : ''}\n`);
	const paths = new WeakMap();
	const open = fsp.open;
	fsp.open = async function (path, ...rest) {
		const handle = await open.call(this, path, ...rest);
		paths.set(handle, String(path));
		log('open', path);
		return handle;
	};
	const rename = fsp.rename;
	fsp.rename = async function (from, to) {
		await rename.call(this, from, to);
		log('rename', from, to);
	};
	const probe = await open(new URL(import.meta.url), 'r');
	const FileHandle = Object.getPrototypeOf(probe);
	await probe.close();
	for (const method of ['write', 'writeFile', 'sync', 'datasync', 'truncate']) {
		const original = FileHandle[method];
		FileHandle[method] = async function (...args) {
			const result = await original.apply(this, args);
			log(method === 'writeFile' || method === 'truncate' ? 'write' : method, paths.get(this) ?? '?');
			return result;
		};
	}
	syncBuiltinESMExports();
}

const spec = process.env.AMP_IMPORT_TEST_FAULT && JSON.parse(process.env.AMP_IMPORT_TEST_FAULT);
if (spec && isMainThread) {
	const require = createRequire(import.meta.url);
	const fsp = require('node:fs/promises');
	const pattern = new RegExp(spec.match ?? '');
	let seen = 0;
	const hit = (path) => pattern.test(String(path)) && ++seen === (spec.nth ?? 1);
	const fail = () => {
		if (spec.action === 'kill') process.kill(process.pid, 'SIGKILL');
		throw Object.assign(new Error(`${spec.action}: injected by the test`), { code: spec.action, syscall: spec.op });
	};
	const wrap = (original, pathOf) =>
		async function (...args) {
			const path = pathOf(this, args);
			if (!hit(path)) return original.apply(this, args);
			if (spec.when === 'after') {
				const result = await original.apply(this, args);
				fail();
				return result;
			}
			fail();
		};
	const handlePaths = new WeakMap();
	const open = fsp.open;
	fsp.open = async function (path, ...rest) {
		if (spec.op === 'open' && hit(path)) fail();
		const handle = await open.call(this, path, ...rest);
		handlePaths.set(handle, String(path));
		return handle;
	};
	if (spec.op === 'rename') fsp.rename = wrap(fsp.rename, (_t, [from]) => from);
	if (spec.op === 'writeFile') fsp.writeFile = wrap(fsp.writeFile, (_t, [path]) => path);
	if (spec.op === 'mkdtemp') fsp.mkdtemp = wrap(fsp.mkdtemp, (_t, [prefix]) => prefix);
	const probe = await open(new URL(import.meta.url), 'r');
	const FileHandle = Object.getPrototypeOf(probe);
	await probe.close();
	for (const method of ['sync', 'datasync', 'write', 'read', 'writeFile']) {
		if (spec.op === method) {
			FileHandle[method] = wrap(FileHandle[method], (handle) => handlePaths.get(handle) ?? '');
		}
	}
	syncBuiltinESMExports();
}
