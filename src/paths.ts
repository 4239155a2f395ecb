import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where amp-import keeps credentials: AMP_IMPORT_HOME, else $XDG_CONFIG_HOME/amp-import, else ~/.config/amp-import. */
export function configHome(env: NodeJS.ProcessEnv): string {
	if (env.AMP_IMPORT_HOME) return env.AMP_IMPORT_HOME;
	return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'amp-import');
}

/** The state dir a run uses: config `stateDir` (relative to `cwd`), else the default below. */
export function stateDirOf(stateDir: string | undefined, cwd: string, env: NodeJS.ProcessEnv): string {
	return resolve(cwd, stateDir ?? defaultStateDir(env));
}

/** Default state dir: $XDG_STATE_HOME/amp-import, else ~/.local/state/amp-import (config `stateDir` overrides). */
export function defaultStateDir(env: NodeJS.ProcessEnv): string {
	return join(env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state'), 'amp-import');
}
