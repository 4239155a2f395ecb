#!/bin/sh
':' //; exec node --max-semi-space-size=1 --expose-gc "$0" "$@"
// The line above is for sh, and a no-op statement and a comment for node: the kernel runs this file with sh, which
// replaces itself (exec: no second process) with node and V8 flags, the same `node` that `#!/usr/bin/env node`
// would find. Why not `#!/usr/bin/env -S node …`: BusyBox `env` (Alpine) has no -S.
// Why the flags: see src/runtime/node-flags.ts (the same list; a test holds them equal). Worker threads set their own
// young generation. `node bin/amp-import.js` works too, with V8's defaults (and more peak memory).
//
// The installed entry point: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
import { main } from '../dist/cli/main.js';

await main();
