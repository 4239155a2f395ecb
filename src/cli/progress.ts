import type { Ora } from 'ora';
import type { Io } from '../io/io.js';
import type { Logger } from '../io/logger.js';
import type { ProgressLine } from '../jobs/context.js';

/**
A spinner on stderr while a run works, only on a real TTY (ora spins forever on a TTY that reports 0 columns), never
with --quiet or JSON logs. `render` is polled, so the hot path only bumps counters.
*/
export class Progress implements ProgressLine {
	#spinner?: Ora;
	#timer?: NodeJS.Timeout;

	constructor(
		private readonly ctx: { io: Io; logger: Logger },
		private readonly describe: (columns: number) => string,
	) {}

	/** The spinner's frame and a space take two columns; one more keeps the cursor off the last one (no wrap). */
	private render(): string {
		return this.describe(Math.max(20, (this.ctx.io.stderr.columns ?? 80) - 3));
	}

	/** Loads the spinner only when it will show (cron and pipes never pay for it). */
	async start(): Promise<void> {
		const stderr = this.ctx.io.stderr;
		const interactive = Boolean(stderr.isTTY) && (stderr.columns ?? 0) > 0;
		if (!interactive || !this.ctx.logger.enabled('info') || this.ctx.logger.options.format === 'json') return;
		const { default: ora } = await import('ora');
		this.#spinner = ora({ stream: stderr as NodeJS.WritableStream, isEnabled: true, discardStdin: false, color: 'cyan' }).start(this.render());
		this.#timer = setInterval(() => {
			if (this.#spinner) this.#spinner.text = this.render();
		}, 250);
		this.#timer.unref();
	}

	/** True when a spinner owns the line (per-window log lines would fight it). */
	get active(): boolean {
		return this.#spinner !== undefined;
	}

	stop(): void {
		clearInterval(this.#timer);
		this.#spinner?.stop();
		this.#spinner = undefined;
	}
}
