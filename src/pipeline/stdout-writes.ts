import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** The reader of stdout went away (`| head`): a normal early stop, not a failure. */
export class OutputClosedError extends Error {
	constructor() {
		super('output closed by the reader');
	}
}

/**
Writes to stdout and resolves once the stream is done with `chunk` (its write callback: for a stream on a file
descriptor the bytes are then the kernel's, so the buffer may be reused; see ownsWrittenChunks). A reader that
went away (EPIPE, a closed stream) becomes OutputClosedError.
*/
export async function writeOrClosed(stream: Writable, chunk: Buffer): Promise<void> {
	if (stream.destroyed || stream.writableEnded) throw new OutputClosedError();
	let onError: (error: NodeJS.ErrnoException) => void = () => undefined;
	const failed = new Promise<never>((_, reject) => {
		onError = (error) => reject(error);
		stream.once('error', onError);
	});
	failed.catch(() => undefined);
	try {
		const written = new Promise<void>((resolve, reject) => stream.write(chunk, (error) => (error ? reject(error) : resolve())));
		await Promise.race([written, failed]);
	} catch (error) {
		throw isClosedError(error) ? new OutputClosedError() : error;
	} finally {
		stream.removeListener('error', onError);
	}
}

/**
Whether a written chunk is no longer referenced once writeOrClosed resolves: true for streams on a file descriptor
(process.stdout as a pipe, terminal or file; an opened fs.WriteStream), which copy it to the kernel. Any other
Writable (a PassThrough, a test's collector) may keep the very Buffer it was given.
*/
export function ownsWrittenChunks(stream: Writable): boolean {
	return typeof (stream as { fd?: unknown }).fd === 'number';
}

function isClosedError(error: unknown): boolean {
	const code = (error as NodeJS.ErrnoException)?.code;
	return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
}
