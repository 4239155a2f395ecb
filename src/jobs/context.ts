import type { AmplitudeClient } from '../amplitude/client.js';
import type { CollectClient } from '../lytics/collect-client.js';
import type { RetryPolicy } from '../runtime/retry.js';
import type { ResolvedAuth } from '../auth/resolve.js';
import type { Io } from '../io/io.js';
import type { Logger } from '../io/logger.js';

/** A status line a job keeps up to date while it runs; the shell decides whether and how it shows. */
export interface ProgressLine {
	start(): Promise<void>;
	stop(): void;
	/** True when the line is on screen (per-unit log lines would fight it). */
	readonly active: boolean;
}

/**
What a job (events, cohorts) needs from whoever runs it: the outside world, a logger, the run's signal, the
credentials and a client for them, and a progress line. The CLI's Context provides it; the jobs know nothing else
of the shell.
*/
export interface JobContext {
	readonly io: Io;
	readonly logger: Logger;
	readonly signal: AbortSignal;
	/** Test knobs (fast retries). */
	readonly hooks: { retry?: Partial<RetryPolicy> };
	auth(): Promise<ResolvedAuth>;
	client(auth?: ResolvedAuth): Promise<AmplitudeClient>;
	/** A client of Lytics' collect API with the run's Lytics token (`-o lytics:`). */
	lytics(): Promise<CollectClient>;
	/** A progress line redrawn from `describe`, given the columns it may fill (polled: the hot path only bumps counters). */
	progress(describe: (columns: number) => string): ProgressLine;
}
