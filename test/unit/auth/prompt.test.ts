import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { promptLine } from '../../../src/auth/prompt.js';
import { AmpImportError } from '../../../src/errors.js';
import type { Io } from '../../../src/io/io.js';

/** A terminal as readline sees one: a TTY stdin in raw mode, keystrokes written to it. */
function terminal() {
	const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
	const stderr = new PassThrough();
	let shown = '';
	stderr.on('data', (c: Buffer) => (shown += c.toString('utf8')));
	const io = { stdin, stderr, stdout: new PassThrough(), env: {}, cwd: '/', now: () => new Date(), sleep: async () => undefined } as unknown as Io;
	return { io, type: (keys: string) => stdin.write(keys), shown: () => shown };
}

describe('promptLine', () => {
	it('reads a line; a hidden one is never echoed', async () => {
		const t = terminal();
		const answer = promptLine(t.io, 'Amplitude secret key (not shown): ', true);
		t.type('s3cr3t-value\r');
		expect(await answer).toBe('s3cr3t-value');
		expect(t.shown()).toContain('Amplitude secret key (not shown): ');
		expect(t.shown()).not.toContain('s3cr3t');
	});

	it('Ctrl-C: an interrupt (exit 130) and the prompt\'s line ended, so the error stands on its own line', async () => {
		const t = terminal();
		const answer = promptLine(t.io, 'Amplitude API key: ', false);
		t.type('abc\x03');
		const error = await answer.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AmpImportError);
		expect((error as AmpImportError).exitCode).toBe(130);
		expect((error as AmpImportError).message).toBe('cancelled at the prompt; nothing was saved');
		expect(t.shown().endsWith('\n')).toBe(true);
	});
});
