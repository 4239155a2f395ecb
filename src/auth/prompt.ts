import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Io } from '../io/io.js';
import { AmpImportError, ExitCode } from '../errors.js';

/**
Reads one line at a prompt on stderr. With `hidden`, what is typed is not echoed (for the secret key), so it lands
neither on screen nor in a terminal's scrollback.
*/
export function promptLine(io: Io, question: string, hidden: boolean): Promise<string> {
	let muted = false;
	const output = new Writable({
		write(chunk, _encoding, callback) {
			if (!muted) io.stderr.write(chunk);
			callback();
		},
	});
	const rl = createInterface({ input: io.stdin, output, terminal: true });
	return new Promise((resolve, reject) => {
		rl.question(question, (answer) => {
			if (hidden) io.stderr.write('\n');
			rl.close();
			resolve(answer.trim());
		});
		muted = hidden;
		// Ctrl-C at the prompt: the readline owns the terminal, so the process gets no SIGINT; end the prompt's line
		// so the error stands on a line of its own, and exit as an interrupt would (130).
		rl.on('SIGINT', () => {
			io.stderr.write('\n');
			rl.close();
			reject(new AmpImportError('interrupted', 'cancelled at the prompt; nothing was saved', { exitCode: ExitCode.sigint }));
		});
	});
}

/** Reads all of a non-interactive stdin and returns its non-empty lines. */
export async function readStdinLines(io: Io): Promise<string[]> {
	const chunks: Buffer[] = [];
	for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
	return Buffer.concat(chunks)
		.toString('utf8')
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter(Boolean);
}
