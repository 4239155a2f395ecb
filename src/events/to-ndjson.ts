import type { Checkpoint } from '../pipeline/output-sink.js';
import type { Mapper } from '../mapping/compile.js';
import { rawEvent } from '../mapping/raw-event.js';
import type { EventsRunStats } from './stats.js';
import { RecentSet } from './recent-set.js';

export type EventBatch = { batch: Record<string, unknown>[] };

/**
The mapping stage: batches of parsed events in, NDJSON text out (one string per batch, so the sink sees few large
writes). Checkpoints pass through in order. An event whose uuid this run already emitted is dropped and counted.
*/
export function eventsToNdjson<M>(options: { mapper: Mapper; raw: boolean; dedupeWindow: number; stats: EventsRunStats }) {
	const { mapper, raw, stats } = options;
	const recent = new RecentSet(options.dedupeWindow);
	return async function* (source: AsyncIterable<EventBatch | Checkpoint<M>>): AsyncGenerator<string | Checkpoint<M>> {
		for await (const item of source) {
			if ('checkpoint' in item) {
				yield item;
				continue;
			}
			let text = '';
			for (const event of item.batch) {
				const uuid = event.uuid;
				if (typeof uuid === 'string' && recent.seen(uuid)) {
					stats.duplicatesDropped++;
					continue;
				}
				text += `${JSON.stringify(raw ? rawEvent(event, stats.mapping) : mapper(event, stats.mapping))}\n`;
				stats.events++;
			}
			if (text) yield text;
		}
	};
}
