// The benchmark's second data profile (BENCH_PROFILE=varied): events shaped unlike the default profile's, built by a
// different generator so the byte paths are measured on what they did not grow up with. Deterministic: the same seed
// gives the same bytes. What differs: non-ASCII text written as \uXXXX escapes (as an ASCII-only JSON writer emits
// it), escaped quotes, newlines, tabs and control characters in user-sent text, property objects nested three deep,
// arrays of objects and of strings in event_properties and groups, many nulls, keys with dots and spaces, numbers
// with exponents, 55 top-level keys.
import { amplitudeTime, prng } from './synthetic-export.js';

const pick = (rand, list) => list[Math.floor(rand() * list.length)];
const hex = (rand, n) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const uuid = (rand) => `${hex(rand, 8)}-${hex(rand, 4)}-4${hex(rand, 3)}-b${hex(rand, 3)}-${hex(rand, 12)}`;

const names = ['Zoë Ångström', 'Łukasz Żółć', 'Søren Ærø', '李小龍', 'Ναταλία', 'Андрей', 'José Muñoz', 'Mia'];
const cities = [['Zürich', 'ZH', 'Switzerland'], ['São Paulo', 'SP', 'Brazil'], ['Kraków', 'MA', 'Poland'], ['東京', '13', 'Japan'], [null, null, null]];
const notes = ['said "hello" twice', 'line one\nline two', 'tab\tseparated\tvalues', 'bell \u0007 and nul-ish \u0001', 'back\\slash path C:\\temp', 'emoji 🎉 party', 'plain note'];

/** ASCII-only JSON text: every non-ASCII character as \uXXXX (surrogate pairs for astral ones). */
function asciiJson(value) {
	return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One export event, as an NDJSON line (text: the exponent forms are written as such). */
export function variedEventLine(rand, hourMs, index, app = 412_009) {
	const upload = hourMs + Math.floor(rand() * 3_600_000);
	const eventTime = upload - Math.floor(rand() * 7 * 86_400_000);
	const [city, region, country] = pick(rand, cities);
	const buyer = pick(rand, names);
	const items = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ({ sku: `SKU-${hex(rand, 5)}`, qty: 1 + Math.floor(rand() * 4), 'unit price': Math.round(rand() * 9999) / 100, tags: ['gift', 'sale'].slice(0, Math.floor(rand() * 3)) }));
	const event = {
		uuid: uuid(rand),
		$insert_id: `${hex(rand, 16)}-${index}`,
		$insert_key: null,
		$schema: null,
		adid: null,
		amplitude_attribution_ids: null,
		amplitude_event_type: null,
		amplitude_id: 900_000_000_000 + Math.floor(rand() * 1_000_000_000),
		app,
		city,
		client_event_time: amplitudeTime(eventTime, Math.floor(rand() * 1000)),
		client_upload_time: amplitudeTime(upload - 900, 0),
		country,
		data: { path: '/batch', group_ids: { org: [String(Math.floor(rand() * 900))] }, user_properties_updated: rand() < 0.5 },
		data_type: 'event',
		device_brand: null,
		device_carrier: null,
		device_family: rand() < 0.5 ? 'Mac' : null,
		device_id: uuid(rand),
		device_manufacturer: null,
		device_model: null,
		device_type: null,
		dma: null,
		event_id: Math.floor(rand() * 100_000),
		event_properties: {
			'order.id': `ORD-${hex(rand, 8)}`,
			'Order Total': Math.round(rand() * 1e6) / 100,
			'conversion rate': Number((rand() * 1e-6).toPrecision(3)),
			'market cap': Number((rand() * 1e24).toPrecision(4)),
			buyer,
			note: pick(rand, notes),
			items,
			labels: ['new', 'returning', 'vip'].filter(() => rand() < 0.5),
			checkout: { step: { detail: { name: pick(rand, ['payment', 'shipping', 'review']), ms: Math.floor(rand() * 5000), coupon: rand() < 0.3 ? `SAVE${Math.floor(rand() * 50)}` : null } } },
			referrer: null,
			'utm.campaign': rand() < 0.5 ? 'winter_sale' : null,
		},
		event_time: amplitudeTime(eventTime, Math.floor(rand() * 1000)),
		event_type: pick(rand, ['Order Completed', 'Item Viewed', 'Cart Updated', 'Search — Results', 'Checkout Step']),
		global_user_properties: null,
		group_properties: { org: { [`org-${Math.floor(rand() * 9)}`]: { tier: pick(rand, ['gold', 'silver']), seats: Math.floor(rand() * 500), owners: [{ name: buyer, role: 'admin' }] } } },
		groups: { org: [`org-${Math.floor(rand() * 9)}`], teams: ['Ops Team', 'R&D'] },
		idfa: null,
		ip_address: null,
		is_attribution_event: null,
		language: pick(rand, ['Deutsch', 'Français', 'Español', null]),
		library: 'amplitude-node/1.10.2',
		location_lat: null,
		location_lng: null,
		os_name: pick(rand, ['macOS', 'Windows', 'Linux']),
		os_version: '14.5',
		partner_id: null,
		paying: null,
		plan: { branch: null, source: null, version: null },
		platform: 'Web',
		processed_time: amplitudeTime(upload + 2500, Math.floor(rand() * 1000)),
		region,
		sample_rate: null,
		server_received_time: amplitudeTime(upload - 2, 0),
		server_upload_time: amplitudeTime(upload, 0),
		session_id: eventTime - 120_000,
		source_id: null,
		start_version: null,
		user_creation_time: amplitudeTime(eventTime - 3_000_000_000, 0),
		user_id: `${buyer.split(' ')[0]}.${Math.floor(rand() * 99_999)}`,
		user_properties: { name: buyer, 'home city': city, prefs: { mail: { weekly: rand() < 0.5, digest: null } }, score: Number((rand() * 1e-3).toExponential(2)), cohorts: ['a', 'b'] },
		version_name: null,
	};
	return asciiJson(event);
}

/** The entries of one hour: `partitions` NDJSON files, Amplitude's names. */
export function variedEntries({ seed = 1, firstHourMs, eventsPerHour = 10, partitions = 4, app = 412_009 }) {
	const rand = prng(seed * 7919 + 17);
	const date = new Date(firstHourMs).toISOString().slice(0, 10);
	const hour = new Date(firstHourMs).getUTCHours();
	const entries = [];
	let index = 0;
	for (let p = 0; p < partitions; p++) {
		const count = Math.floor(eventsPerHour / partitions) + (p < eventsPerHour % partitions ? 1 : 0);
		const lines = [];
		for (let i = 0; i < count; i++) lines.push(variedEventLine(rand, firstHourMs, index++, app));
		entries.push({ name: `${app}/${app}_${date}_${hour}#${[12, 340, 2201, 9][p % 4] + Math.floor(p / 4) * 10_000}.json.gz`, ndjson: `${lines.join('\n')}\n` });
	}
	return entries;
}
