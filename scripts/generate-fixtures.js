// Regenerates the committed demo fixtures deterministically: `node scripts/generate-fixtures.js`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildZip, syntheticCohortCsv, syntheticEntries } from './synthetic-export.js';

const dir = new URL('../fixtures/demo/', import.meta.url);
mkdirSync(dir, { recursive: true });

const firstHourMs = Date.UTC(2026, 9, 1, 0);
const entries = syntheticEntries({ seed: 20261001, firstHourMs, hours: 3, eventsPerHour: 4, partitions: 2, app: 187520 });
writeFileSync(new URL('export.zip', dir), await buildZip(entries));

const cohorts = [
	{ id: 'demo1ab', name: 'Power users', description: 'Active 5+ days of the last 7', size: 6, lastComputed: 1_790_000_000, archived: false, published: true, appId: 187520 },
	{ id: 'demo2cd', name: 'Churn risk "Q4"', description: null, size: 4, lastComputed: 1_790_003_600, archived: false, published: false, appId: 187520 },
	{ id: 'demo3ef', name: 'Old experiment', description: null, size: 2, lastComputed: 1_700_000_000, archived: true, published: false, appId: 187520 },
];
writeFileSync(new URL('cohorts.json', dir), `${JSON.stringify({ cohorts }, null, 2)}\n`);
writeFileSync(new URL('cohort-demo1ab.csv', dir), syntheticCohortCsv({ seed: 11, members: 6, firstId: 356_896_327_775 }));
writeFileSync(new URL('cohort-demo2cd.csv', dir), syntheticCohortCsv({ seed: 12, members: 4, firstId: 356_893_815_359 }));
writeFileSync(new URL('cohort-demo3ef.csv', dir), syntheticCohortCsv({ seed: 13, members: 2, firstId: 356_800_000_000 }));
writeFileSync(
	new URL('manifest.json', dir),
	`${JSON.stringify({ events: { first: '2026-10-01T00', last: '2026-10-01T02', count: 12 } }, null, 2)}\n`,
);
console.log('wrote fixtures/demo/');
