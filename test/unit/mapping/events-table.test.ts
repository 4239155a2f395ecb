import { describe, expect, it } from '@jest/globals';
import { compileMapper, MappingStats, selectRows } from '../../../src/mapping/compile.js';
import { additionalEventFieldTable, eventFieldTable } from '../../../src/mapping/events-table.js';
import { asIntegrationLine, integrationRows } from '../../helpers/integration-tables.js';

/** A real-shaped 2023 export event (the shape of Amplitude's own samples), with every mapped field filled. */
const event = {
	$insert_id: 'c969a556-e61b-4293-8a10-38ae67aa21fb',
	$insert_key: '019354d3c43a450d4a20bbdf9b2c1ca199#232',
	$schema: 13,
	adid: 'ad-123',
	amplitude_attribution_ids: 'attr-1',
	amplitude_event_type: 'legacy',
	amplitude_id: 538001826014,
	app: 409857,
	city: 'Austin',
	client_event_time: '2023-01-01 19:02:52.749000',
	client_upload_time: '2023-01-01 19:02:54.262000',
	country: 'United States',
	data: { group_ids: {}, group_first_event: {} },
	data_type: 'event',
	device_brand: 'Apple',
	device_carrier: 'Verizon',
	device_family: 'iPhone',
	device_id: '25241593-7196-5c00-b70c-170eb85bb4a6',
	device_manufacturer: 'Apple Inc.',
	device_model: 'iPhone 15',
	device_type: 'iPhone16,1',
	dma: 'Austin, TX',
	event_id: 744142725,
	event_properties: { referer: 'http://52.2.56.64:80/', 'ad_metrics.cost': 1.5, split: [{ account: 'a' }], nested: { deep: { x: true } }, gone: null },
	event_time: '2023-01-01 19:02:52.751000',
	event_type: 'view_page',
	global_user_properties: {},
	group_properties: { company: { Acme: { plan: 'pro' } } },
	groups: { company: ['Acme'] },
	idfa: 'idfa-1',
	ip_address: '198.51.100.7',
	is_attribution_event: false,
	language: 'English',
	library: 'segment',
	location_lat: 30.27,
	location_lng: -97.74,
	os_name: 'ios',
	os_version: '17.5',
	partner_id: null,
	paying: 'True',
	plan: {},
	platform: 'iOS',
	processed_time: '2023-01-01 19:02:56.944373',
	region: 'Texas',
	sample_rate: 1,
	server_received_time: '2023-01-01 19:02:54.263000',
	server_upload_time: '2023-01-01 19:02:54.266000',
	session_id: 1672599772749,
	source_id: null,
	start_version: '1.0.0',
	user_creation_time: '2022-12-30 08:15:00.000000',
	user_id: '06cdb68f-885b-4b6e-be54-69b38b5b0d95',
	user_properties: { plan: 'free', '[Segment] Group': 'beta', interests: ['a', 'b'] },
	uuid: 'e6fe6a70-8a06-11ed-9ac0-ab8bd3fc3d15',
	version_name: '2.4.1',
};

/** What each row of the integration's table must produce from `event`: one entry per row, in its order. */
const expected: Record<string, unknown> = {
	amplitude_insert_id: 'c969a556-e61b-4293-8a10-38ae67aa21fb',
	amplitude_schema: 13,
	amplitude_adid: 'ad-123',
	amplitude_attribution_ids: 'attr-1',
	amplitude_event_type: 'legacy',
	amplitude_id: '538001826014',
	amplitude_app: 409857,
	city: 'Austin',
	country: 'United States',
	amplitude_data: '{"group_ids":{},"group_first_event":{}}',
	amplitude_device_brand: 'Apple',
	amplitude_device_carrier: 'Verizon',
	amplitude_device_family: 'iPhone',
	amplitude_device_id: '25241593-7196-5c00-b70c-170eb85bb4a6',
	amplitude_device_manufacturer: 'Apple Inc.',
	amplitude_device_model: 'iPhone 15',
	amplitude_device_type: 'iPhone16,1',
	amplitude_dma: 'Austin, TX',
	amplitude_event_id: 744142725,
	amplitude_idfa: 'idfa-1',
	amplitude_is_attribution_event: false,
	language: 'English',
	amplitude_library: 'segment',
	amplitude_location_lat: 30.27,
	amplitude_location_lng: -97.74,
	amplitude_event_properties: { referer: 'http://52.2.56.64:80/', 'ad_metrics.cost': '1.5', split: '[{"account":"a"}]', 'nested.deep.x': 'true' },
	amplitude_group_properties: { 'company.Acme.plan': 'pro' },
	amplitude_user_properties: { plan: 'free', '[Segment] Group': 'beta', interests: '["a","b"]' },
	amplitude_os_name: 'ios',
	amplitude_os_version: '17.5',
	amplitude_paying: true,
	amplitude_platform: 'iOS',
	region: 'Texas',
	state: 'Texas',
	amplitude_sample_rate: '1',
	amplitude_session_id: '1672599772749',
	amplitude_client_event_time: '2023-01-01T19:02:52.749000Z',
	amplitude_client_upload_time: '2023-01-01T19:02:54.262000Z',
	amplitude_event_time: '2023-01-01T19:02:52.751000Z',
	amplitude_server_upload_time: '2023-01-01T19:02:54.266000Z',
	amplitude_user_creation_time: '2022-12-30T08:15:00.000000Z',
	amplitude_user_id: '06cdb68f-885b-4b6e-be54-69b38b5b0d95',
	amplitude_events: { view_page: 1 },
};

describe('the amplitude_events default mapping against Lytics\' integration', () => {
	const document = integrationRows('amplitude-events-default.txt');

	it('has one row per row of the integration\'s table, in its order, with the same source, field, description and type', () => {
		expect(eventFieldTable.map(asIntegrationLine)).toEqual(document);
		expect(document).toHaveLength(43);
	});

	it('has the integration\'s additional fields as opt-in rows', () => {
		expect(additionalEventFieldTable.map(asIntegrationLine)).toEqual(integrationRows('amplitude-events-additional.txt'));
	});

	const mapped = compileMapper(eventFieldTable)(structuredClone(event), new MappingStats());
	it.each(eventFieldTable.map((row, i) => [i + 1, row.field, row] as const))('row %i: %s', (_n, field, row) => {
		expect(mapped[field]).toEqual(expected[field]);
		const value = mapped[field];
		const type = row.type;
		if (type === 'string') expect(typeof value).toBe('string');
		if (type === 'int') expect(Number.isInteger(value)).toBe(true);
		if (type === 'number') expect(typeof value).toBe('number');
		if (type === 'bool') expect(typeof value).toBe('boolean');
		if (type === 'date') expect(value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
		if (type === 'map[string]string') expect(Object.values(value as object).every((v) => typeof v === 'string')).toBe(true);
	});

	it('is fed distinct values, so a row reading the wrong source shows', () => {
		const sources = eventFieldTable.map((row) => JSON.stringify(event[row.from as keyof typeof event]));
		const bySource = new Map<string, string>();
		for (const [i, row] of eventFieldTable.entries()) {
			const seen = bySource.get(sources[i]!);
			if (seen !== undefined && seen !== row.from) throw new Error(`${row.from} and ${seen} have the same test value`);
			bySource.set(sources[i]!, row.from);
		}
	});

	it('maps exactly the expected fields and nothing else (no nulls in the output)', () => {
		expect(Object.keys(mapped)).toEqual(Object.keys(expected));
	});

	it('leaves out null, missing and empty-string values, and counts unparsable ones', () => {
		const stats = new MappingStats();
		const out = compileMapper(eventFieldTable)({ event_type: 'x', city: '', country: null, event_time: 'yesterday', app: 'abc', paying: '(none)', event_properties: {} }, stats);
		expect(out).toEqual({ amplitude_events: { x: 1 } });
		expect(stats.badValues).toBe(2);
		expect(stats.toJSON()).toEqual({ amplitude_app: 1, amplitude_event_time: 1 });
	});

	it('switches on additional fields and drops excluded defaults', () => {
		const rows = selectRows(eventFieldTable, additionalEventFieldTable, ['amplitude_uuid', 'amplitude_processed_time'], ['amplitude_data', 'state']);
		const out = compileMapper(rows)(structuredClone(event), new MappingStats());
		expect(out.amplitude_uuid).toBe('e6fe6a70-8a06-11ed-9ac0-ab8bd3fc3d15');
		expect(out.amplitude_processed_time).toBe('2023-01-01T19:02:56.944373Z');
		expect(out).not.toHaveProperty('amplitude_data');
		expect(out).not.toHaveProperty('state');
		expect(out).not.toHaveProperty('amplitude_ip_address');
	});
});
