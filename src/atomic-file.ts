import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
Replaces a small file atomically: write a temp file in the same folder, fsync it, rename it over the target, fsync
the folder. A reader (or a crash) sees the old content or the new, never half of either.
*/
export async function writeFileAtomic(path: string, content: string, mode = 0o600): Promise<void> {
	const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
	try {
		await writeDurably(temp, content, 'wx', mode);
		await rename(temp, path);
	} catch (error) {
		await rm(temp, { force: true });
		throw error;
	}
	await syncDir(dirname(path));
}

/** Writes a whole file and fsyncs it: every block it needs is allocated by the time this returns, or it throws. */
export async function writeDurably(path: string, content: string, flags = 'w', mode = 0o600): Promise<void> {
	const handle = await open(path, flags, mode);
	try {
		await handle.writeFile(content);
		await handle.sync();
	} finally {
		await handle.close();
	}
}

export async function syncDir(dir: string): Promise<void> {
	try {
		const handle = await open(dir, 'r');
		try {
			await handle.sync();
		} finally {
			await handle.close();
		}
	} catch {
		// Some file systems cannot fsync a directory; the rename is still atomic there.
	}
}
