/**
A clock for loops: time stands still while the command works and jumps forward when it sleeps, so a day of
scheduled runs takes milliseconds. `onSleep` lets a test act at a given time (abort, as SIGTERM would).
*/
export class FakeClock {
	readonly sleeps: number[] = [];
	onSleep?: (at: number) => void;

	constructor(public time: number) {}

	now = (): Date => new Date(this.time);

	sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
		if (signal?.aborted) throw signal.reason;
		this.sleeps.push(ms);
		this.time += ms;
		this.onSleep?.(this.time);
		if (signal?.aborted) throw signal.reason;
	};
}

export const iso = (ms: number) => new Date(ms).toISOString();
