// Deterministic, real-shaped Amplitude export data for fixtures, tests and the benchmark: the same seed gives the same
// bytes. Shapes follow real exports (55 keys, space-separated 6-digit timestamps, arrays of objects in properties,
// property keys with dots, null-heavy device fields). Plain ESM JavaScript so scripts can run it without a build.
import { gzipSync } from 'node:zlib';
import yazl from 'yazl';

/** mulberry32: a tiny seeded PRNG. */
export function prng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const pick = (rand, list) => list[Math.floor(rand() * list.length)];
const hex = (rand, n) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const uuid = (rand) => `${hex(rand, 8)}-${hex(rand, 4)}-4${hex(rand, 3)}-a${hex(rand, 3)}-${hex(rand, 12)}`;
const pad = (n, w = 2) => String(n).padStart(w, '0');

/** `2026-10-01 05:07:09.123456` (the export's timestamp layout). */
export function amplitudeTime(ms, micros = 0) {
	const d = new Date(ms);
	return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}${pad(micros, 3)}`;
}

const eventTypes = ['view_page', 'Property Drop Purchased', 'sign_up', 'add_to_cart', 'checkout', 'search', '[Amplitude] Page Viewed'];
const platforms = ['Web', 'iOS', 'Android', null];
const countries = [['United States', 'California', 'San Francisco', 807], ['Germany', 'Berlin', 'Berlin', null], ['Brazil', 'Sao Paulo', 'Sao Paulo', null], [null, null, null, null]];

/** One export event uploaded in the hour starting at `hourMs`. */
export function syntheticEvent(rand, hourMs, index, app = 187520) {
	const upload = hourMs + Math.floor(rand() * 3_600_000);
	const eventTime = upload - Math.floor(rand() * 86_400_000);
	const [country, region, city, dma] = pick(rand, countries);
	const platform = pick(rand, platforms);
	const type = pick(rand, eventTypes);
	const userId = rand() < 0.7 ? `user-${Math.floor(rand() * 50_000)}` : null;
	return {
		$insert_id: uuid(rand),
		$insert_key: rand() < 0.5 ? `${hex(rand, 34)}#${Math.floor(rand() * 400)}` : null,
		$schema: rand() < 0.5 ? 13 : null,
		adid: null,
		amplitude_attribution_ids: null,
		amplitude_event_type: null,
		amplitude_id: 100_000_000_000 + Math.floor(rand() * 1_000_000_000),
		app,
		city,
		client_event_time: amplitudeTime(eventTime, 0),
		client_upload_time: amplitudeTime(upload - 400, 0),
		country,
		data: { group_ids: {}, group_first_event: {}, path: '/2/httpapi', user_properties_updated: rand() < 0.3 },
		data_type: 'event',
		device_brand: platform === 'iOS' ? 'Apple' : null,
		device_carrier: platform === 'Android' ? 'T-Mobile' : null,
		device_family: platform === 'iOS' ? 'iPhone' : platform === 'Android' ? 'Samsung Galaxy' : null,
		device_id: uuid(rand),
		device_manufacturer: platform === 'Android' ? 'Samsung' : null,
		device_model: platform === 'iOS' ? 'iPhone 15' : null,
		device_type: platform === 'Web' ? null : platform,
		dma: dma === null ? null : `San Francisco-Oakland-San Jose, CA`,
		event_id: Math.floor(rand() * 1_000_000_000),
		event_properties: {
			referer: `https://example.com/${hex(rand, 6)}`,
			'ad_metrics.cost': Math.round(rand() * 10_000) / 100,
			'Total Price': Math.round(rand() * 100_000) / 10,
			'Number of Shares': Math.floor(rand() * 50),
			split: index % 5 === 0 ? [{ account: `acct-${hex(rand, 4)}`, share: 0.5 }, { account: `acct-${hex(rand, 4)}`, share: 0.5 }] : [],
			tags: ['alpha', 'beta'].slice(0, Math.floor(rand() * 3)),
			campaign: { source: pick(rand, ['google', 'newsletter', 'direct']), medium: 'cpc', term: null },
			description: `Lorem ipsum dolor sit amet ${hex(rand, 24)} — ünïcödé ✓`,
		},
		event_time: amplitudeTime(eventTime, Math.floor(rand() * 1000)),
		event_type: type,
		global_user_properties: rand() < 0.5 ? {} : null,
		group_properties: index % 7 === 0 ? { company: { 'Acme Inc': { plan: 'enterprise', seats: 40 } } } : {},
		groups: index % 7 === 0 ? { company: ['Acme Inc'] } : {},
		idfa: null,
		ip_address: `198.51.100.${Math.floor(rand() * 255)}`,
		is_attribution_event: rand() < 0.1 ? true : rand() < 0.5 ? false : null,
		language: pick(rand, ['English', 'German', 'Portuguese', null]),
		library: pick(rand, ['amplitude-ts/2.16.1', 'http/2.0', 'segment']),
		location_lat: rand() < 0.3 ? Math.round(rand() * 180_000) / 1000 - 90 : null,
		location_lng: rand() < 0.3 ? Math.round(rand() * 360_000) / 1000 - 180 : null,
		os_name: platform === 'iOS' ? 'ios' : platform === 'Android' ? 'android' : 'Chrome',
		os_version: platform === 'Web' ? '126' : '17.5',
		partner_id: null,
		paying: pick(rand, [null, true, 'True', '(none)']),
		plan: {},
		platform,
		processed_time: amplitudeTime(upload + 4000, Math.floor(rand() * 1000)),
		region,
		sample_rate: null,
		server_received_time: amplitudeTime(upload - 4, 0),
		server_upload_time: amplitudeTime(upload, 0),
		session_id: rand() < 0.2 ? -1 : eventTime - 60_000,
		source_id: null,
		start_version: rand() < 0.5 ? '2.3.0' : null,
		user_creation_time: userId ? amplitudeTime(eventTime - 1_000_000_000, 0) : null,
		user_id: userId,
		user_properties: {
			plan: pick(rand, ['free', 'pro', 'team']),
			'[Segment] Group': 'beta-testers',
			visits: Math.floor(rand() * 100),
			address: { city, zip: String(10_000 + Math.floor(rand() * 80_000)) },
			interests: ['sports', 'music'],
		},
		uuid: uuid(rand),
		version_name: rand() < 0.5 ? '2.4.1' : null,
	};
}

/**
The entries of an export zip: for each hour, `partitions` gzipped NDJSON files named like Amplitude's
(`<app>/<app>_<YYYY-MM-DD>_<H>#<n>.json.gz`, H not zero-padded, partition numbers not contiguous).
*/
export function syntheticEntries({ seed = 1, firstHourMs, hours = 1, eventsPerHour = 10, partitions = 2, app = 187520 }) {
	const rand = prng(seed);
	const entries = [];
	let index = 0;
	for (let h = 0; h < hours; h++) {
		const hourMs = firstHourMs + h * 3_600_000;
		const date = new Date(hourMs).toISOString().slice(0, 10);
		const hour = new Date(hourMs).getUTCHours();
		const partitionIds = Array.from({ length: partitions }, (_, p) => [70, 627, 1003, 4][p % 4] + Math.floor(p / 4) * 10_000);
		for (let p = 0; p < partitions; p++) {
			const count = Math.floor(eventsPerHour / partitions) + (p < eventsPerHour % partitions ? 1 : 0);
			const lines = [];
			for (let i = 0; i < count; i++) lines.push(JSON.stringify(syntheticEvent(rand, hourMs, index++, app)));
			entries.push({ name: `${app}/${app}_${date}_${hour}#${partitionIds[p]}.json.gz`, ndjson: `${lines.join('\n')}\n` });
		}
	}
	return entries;
}

/**
Builds a zip (a Buffer) from entries `{ name, ndjson | gz | raw }`. Entries are gzipped NDJSON inside a *stored*
zip, as Amplitude's appear to be; `deflate: true` deflates them a second time (the other case readers must handle).
Fixed dates keep the bytes identical from run to run.
*/
export function buildZip(entries, { deflate = false, reverse = false } = {}) {
	return new Promise((resolve, reject) => {
		const zip = new yazl.ZipFile();
		const mtime = new Date(Date.UTC(2026, 0, 1));
		const ordered = reverse ? [...entries].reverse() : entries;
		for (const entry of ordered) {
			const data = entry.raw ?? entry.gz ?? gzipSync(Buffer.from(entry.ndjson), { level: 6 });
			zip.addBuffer(data, entry.name, { mtime, compress: deflate });
		}
		zip.end();
		const chunks = [];
		zip.outputStream.on('data', (c) => chunks.push(c));
		zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
		zip.outputStream.on('error', reject);
	});
}

const csvField = (value) => `"${String(value).replaceAll('"', '""')}"`;

/** The header of a props=1 cohort file: the two ids, then built-in and custom user properties. */
export const cohortColumns = ['amplitude_id', 'user_id', 'carrier', 'city', 'country', 'device', 'device_type', 'dma', 'language', 'library', 'os', 'platform', 'region', 'start_version', 'version', 'plan', 'email'];

/**
A cohort download as Amplitude writes it: RFC 4180, every field quoted (empty as ""), a header row. Member ids come
from `firstId` upwards with gaps, so two calls with overlapping ranges model members joining and leaving.
*/
export function* syntheticCohortLines({ seed = 7, members = 10, firstId = 356_000_000_000, props = true }) {
	const rand = prng(seed);
	const columns = props ? cohortColumns : cohortColumns.slice(0, 2);
	yield `${columns.map(csvField).join(',')}\n`;
	for (let i = 0; i < members; i++) {
		const [country, region, city] = pick(rand, countries);
		const platform = pick(rand, ['iOS', 'Android', 'Web']);
		const row = {
			amplitude_id: firstId + i * 3,
			user_id: rand() < 0.6 ? `user-${firstId + i * 3}` : '',
			carrier: platform === 'Android' ? 'T-Mobile' : '',
			city: city ?? '',
			country: country ?? '',
			device: platform === 'iOS' ? 'Apple iPhone' : platform === 'Android' ? 'Samsung Galaxy S24' : '',
			device_type: platform === 'Web' ? '' : platform,
			dma: '',
			language: pick(rand, ['English', 'German', '']),
			library: pick(rand, ['amplitude-ts/2.16.1', 'http/2.0']),
			os: platform === 'Web' ? 'Chrome 126' : `${platform} 17`,
			platform,
			region: region ?? '',
			start_version: rand() < 0.5 ? '2.3.0' : '',
			version: '2.4.1',
			plan: pick(rand, ['free', 'pro', 'team "gold"']),
			email: rand() < 0.3 ? `member${i}@example.com` : '',
		};
		yield `${columns.map((c) => csvField(row[c])).join(',')}\n`;
	}
}

export function syntheticCohortCsv(options) {
	return [...syntheticCohortLines(options)].join('');
}
