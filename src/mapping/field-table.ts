import type { TransformName } from './transforms/index.js';

/** One row of a Lytics field table, as the seed document prints it, plus how amp-import computes it. */
export interface FieldRow {
	/** The seed's "Source Field" column, verbatim (an LQL expression or a plain key). */
	readonly seed: string;
	/** The source record's key that the expression reads. */
	readonly from: string;
	/** The seed's "Lytics User Field" column. */
	readonly field: string;
	/** The seed's "Type" column. */
	readonly type: string;
	readonly transform: TransformName;
	/** Marked "unique id" in the seed: an identity field Lytics merges profiles on. */
	readonly identity?: boolean;
	/** The seed's "Description" column. */
	readonly description: string;
}
