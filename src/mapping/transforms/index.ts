import { boolean } from './boolean.js';
import { date } from './date.js';
import { epochDate } from './epoch-date.js';
import { integer } from './integer.js';
import { json } from './json.js';
import { membership } from './membership.js';
import { number } from './number.js';
import { properties } from './properties.js';
import { string } from './string.js';
import type { Transform } from './transform.js';
import { valueCount } from './value-count.js';

export { absent, invalid, type Converted } from './transform.js';

/**
The registry a table row names in its `transform` column: one entry per transform, each in a file of its own with
its fast forms beside it (see transform.ts). Adding a transform is a file and a line here.
*/
export const transforms = {
	string,
	integer,
	number,
	boolean,
	date,
	json,
	properties,
	valueCount,
	membership,
	epochDate,
} as const satisfies Record<string, Transform>;

export type TransformName = keyof typeof transforms;
