import type { TransformName } from './transforms/index.js';

/** One row of a Lytics field table, as Lytics' integration document prints it, plus how amp-import computes it. */
export interface FieldRow {
	/** The integration document's "Source Field" column, verbatim (an LQL expression or a plain key). */
	readonly integration: string;
	/** The source record's key that the expression reads. */
	readonly from: string;
	/** The integration document's "Lytics User Field" column. */
	readonly field: string;
	/** The integration document's "Type" column. */
	readonly type: string;
	readonly transform: TransformName;
	/** Marked "unique id" in the integration document: an identity field Lytics merges profiles on. */
	readonly identity?: boolean;
	/** The integration document's "Description" column. */
	readonly description: string;
}
