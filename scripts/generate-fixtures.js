// Regenerates the committed demo fixtures deterministically: `node scripts/generate-fixtures.js`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildZip, syntheticEntries } from './synthetic-export.js';

const dir = new URL('../fixtures/demo/', import.meta.url);
mkdirSync(dir, { recursive: true });

const firstHourMs = Date.UTC(2026, 9, 1, 0);
const entries = syntheticEntries({ seed: 20261001, firstHourMs, hours: 3, eventsPerHour: 4, partitions: 2, app: 187520 });
writeFileSync(new URL('export.zip', dir), await buildZip(entries));
writeFileSync(
	new URL('manifest.json', dir),
	`${JSON.stringify({ events: { first: '2026-10-01T00', last: '2026-10-01T02', count: 12 } }, null, 2)}\n`,
);
console.log('wrote fixtures/demo/export.zip and manifest.json');
