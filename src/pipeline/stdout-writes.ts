import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** The reader of stdout went away (`| head`): a normal early stop, not a failure. */
export class OutputClosedError extends Error {
	constructor() {
		super('output closed by the reader');
	}
}

/** Writes to stdout, waiting for drain; a reader that went away (EPIPE, a closed stream) becomes OutputClosedError. */
export async function writeOrClosed(stream: Writable, chunk: Buffer): Promise<void> {
	if (stream.destroyed || stream.writableEnded) throw new OutputClosedError();
	let onError: (error: NodeJS.ErrnoException) => void = () => undefined;
	const failed = new Promise<never>((_, reject) => {
		onError = (error) => reject(isClosedError(error) ? new OutputClosedError() : error);
		stream.once('error', onError);
	});
	failed.catch(() => undefined);
	try {
		if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), failed]);
	} catch (error) {
		throw isClosedError(error) ? new OutputClosedError() : error;
	} finally {
		stream.removeListener('error', onError);
	}
}

function isClosedError(error: unknown): boolean {
	const code = (error as NodeJS.ErrnoException)?.code;
	return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
}
