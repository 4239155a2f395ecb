import { describe, expect, it } from '@jest/globals';
import { compileMapper, MappingStats } from '../../../src/mapping/compile.js';
import { cohortFieldTable } from '../../../src/mapping/cohorts-table.js';
import { asIntegrationLine, integrationRows } from '../../helpers/integration-tables.js';

const member = {
	amplitude_id: '356896327775',
	user_id: 'user-42',
	carrier: 'T-Mobile',
	city: 'Austin',
	country: 'United States',
	device: 'Apple iPhone',
	device_type: 'Mobile',
	dma: 'Austin, TX',
	language: 'English',
	library: 'amplitude-ts/2.16.1',
	os: 'iOS 17',
	platform: 'iOS app',
	region: 'Texas',
	start_version: '2.3.0',
	version: '2.4.1',
	plan: 'pro',
	cohort_id: 'acf4eeb',
	cohort_name: 'Power users',
	cohort_membership: true,
	last_computed: 1679440233,
};

const expected: Record<string, unknown> = {
	amplitude_id: '356896327775',
	amplitude_carrier: 'T-Mobile',
	city: 'Austin',
	country: 'United States',
	amplitude_device: 'Apple iPhone',
	amplitude_device_type: 'Mobile',
	amplitude_dma: 'Austin, TX',
	language: 'English',
	amplitude_library: 'amplitude-ts/2.16.1',
	amplitude_cohort_ids: { acf4eeb: true },
	amplitude_cohort_names: { 'Power users': true },
	amplitude_os: 'iOS 17',
	amplitude_platform: 'iOS app',
	region: 'Texas',
	state: 'Texas',
	amplitude_start_version: '2.3.0',
	amplitude_last_computed: '2023-03-21T23:10:33.000000Z',
	amplitude_user_id: 'user-42',
	amplitude_version: '2.4.1',
};

describe('the amplitude_cohorts default mapping against Lytics\' integration', () => {
	it('has one row per row of the integration\'s table, in order, with the same source, field, description and type', () => {
		expect(cohortFieldTable.map(asIntegrationLine)).toEqual(integrationRows('amplitude-cohorts-default.txt'));
		expect(cohortFieldTable).toHaveLength(19);
	});

	const mapped = compileMapper(cohortFieldTable)(member, new MappingStats());
	it.each(cohortFieldTable.map((row, i) => [i + 1, row.field] as const))('row %i: %s', (_n, field) => {
		expect(mapped[field]).toEqual(expected[field]);
	});

	it('maps nothing else (custom properties stay out of the mapped shape)', () => {
		expect(Object.keys(mapped)).toEqual(Object.keys(expected));
	});

	it('maps a leaver to membership false, with empty values left out', () => {
		const out = compileMapper(cohortFieldTable)({ amplitude_id: '1', cohort_id: 'c', cohort_name: 'N', cohort_membership: false, last_computed: 1679440233123, city: '' }, new MappingStats());
		expect(out).toEqual({
			amplitude_id: '1',
			amplitude_cohort_ids: { c: false },
			amplitude_cohort_names: { N: false },
			amplitude_last_computed: '2023-03-21T23:10:33.123000Z',
		});
	});

	it('renames the id and names fields (the integration\'s "Amplitude ID Field" and "Amplitude Cohort Names Field")', () => {
		const out = compileMapper(cohortFieldTable, { amplitude_id: 'amp_id', amplitude_cohort_names: 'segments' })(member, new MappingStats());
		expect(out.amp_id).toBe('356896327775');
		expect(out.segments).toEqual({ 'Power users': true });
		expect(out).not.toHaveProperty('amplitude_id');
	});
});
