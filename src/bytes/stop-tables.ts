import { char } from './chars.js';

/**
Bytes that end a fast run through JSON-safe text: controls (JSON escapes them), `"` and `\`, and the lead bytes of
multi-byte UTF-8 (checked on the slow path). Shared by the JSON line scanner and the cohort CSV byte path.
*/
export const jsonTextStop = new Uint8Array(256);
for (let c = 0; c < 32; c++) jsonTextStop[c] = 1;
jsonTextStop[char.quote] = jsonTextStop[char.backslash] = 1;
for (let c = 128; c < 256; c++) jsonTextStop[c] = 1;
