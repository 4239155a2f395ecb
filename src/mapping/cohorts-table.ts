import type { FieldRow } from './field-table.js';

/**
The integration document's default mapping of the `amplitude_cohorts` stream, one row per row of that table and in its order. The
source record is a member row of the cohort file (CSV columns as strings) plus what amp-import knows of the cohort:
`cohort_id`, `cohort_name`, `cohort_membership` (true for a member, false for one who left) and `last_computed`.
*/
export const cohortFieldTable = [
	{ integration: 'amplitude_id', from: 'amplitude_id', field: 'amplitude_id', type: 'string', transform: 'string', identity: true, description: 'Amplitude ID' },
	{ integration: 'carrier', from: 'carrier', field: 'amplitude_carrier', type: 'string', transform: 'string', description: 'Amplitude Carrier' },
	{ integration: 'city', from: 'city', field: 'city', type: 'string', transform: 'string', description: 'City' },
	{ integration: 'country', from: 'country', field: 'country', type: 'string', transform: 'string', description: 'Country' },
	{ integration: 'device', from: 'device', field: 'amplitude_device', type: 'string', transform: 'string', description: 'Amplitude Device' },
	{ integration: 'device_type', from: 'device_type', field: 'amplitude_device_type', type: 'string', transform: 'string', description: 'Amplitude Device Type' },
	{ integration: 'dma', from: 'dma', field: 'amplitude_dma', type: 'string', transform: 'string', description: 'Amplitude DMA' },
	{ integration: 'language', from: 'language', field: 'language', type: 'string', transform: 'string', description: 'Language' },
	{ integration: 'library', from: 'library', field: 'amplitude_library', type: 'string', transform: 'string', description: 'Amplitude Library' },
	{ integration: 'map(cohort_id, cohort_membership)', from: 'cohort_id', field: 'amplitude_cohort_ids', type: 'map[string]bool', transform: 'membership', description: 'Amplitude Cohort IDs' },
	{ integration: 'map(cohort_name, cohort_membership)', from: 'cohort_name', field: 'amplitude_cohort_names', type: 'map[string]bool', transform: 'membership', description: 'Amplitude Cohort Names' },
	{ integration: 'os', from: 'os', field: 'amplitude_os', type: 'string', transform: 'string', description: 'Amplitude OS' },
	{ integration: 'platform', from: 'platform', field: 'amplitude_platform', type: 'string', transform: 'string', description: 'Amplitude Platform' },
	{ integration: 'region', from: 'region', field: 'region', type: 'string', transform: 'string', description: 'State/Province' },
	{ integration: 'region', from: 'region', field: 'state', type: 'string', transform: 'string', description: 'State' },
	{ integration: 'start_version', from: 'start_version', field: 'amplitude_start_version', type: 'string', transform: 'string', description: 'Amplitude Start Version' },
	{ integration: 'todate(last_computed)', from: 'last_computed', field: 'amplitude_last_computed', type: 'date', transform: 'epochDate', description: 'Amplitude Cohort Last Computed time' },
	{ integration: 'user_id', from: 'user_id', field: 'amplitude_user_id', type: 'string', transform: 'string', identity: true, description: 'Amplitude User ID' },
	{ integration: 'version', from: 'version', field: 'amplitude_version', type: 'string', transform: 'string', description: 'Amplitude Version' },
] as const satisfies readonly FieldRow[];
