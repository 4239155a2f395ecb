#!/usr/bin/env node
// The installed entry point: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
import { main } from '../dist/cli/main.js';

await main();
