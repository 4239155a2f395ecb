import type { FieldRow } from './field-table.js';

/**
The integration document's default mapping of the `amplitude_events` stream, one row per row of that table and in its order, so it can be
read against the original document line by line. `todate(...)`, `match(...)` and `valuect(...)` are the LQL the
the integration's names; the `transform` column is how amp-import computes the same value before Lytics sees it.
*/
export const eventFieldTable = [
	{ integration: '$insert_id', from: '$insert_id', field: 'amplitude_insert_id', type: 'string', transform: 'string', description: 'Amplitude Insert Id' },
	{ integration: '$schema', from: '$schema', field: 'amplitude_schema', type: 'int', transform: 'integer', description: 'Amplitude Schema' },
	{ integration: 'adid', from: 'adid', field: 'amplitude_adid', type: 'string', transform: 'string', description: 'Amplitude Adid' },
	{ integration: 'amplitude_attribution_ids', from: 'amplitude_attribution_ids', field: 'amplitude_attribution_ids', type: 'string', transform: 'string', description: 'Amplitude Amplitude Attribution IDs' },
	{ integration: 'amplitude_event_type', from: 'amplitude_event_type', field: 'amplitude_event_type', type: 'string', transform: 'string', description: 'Amplitude Amplitude Event Type' },
	{ integration: 'amplitude_id', from: 'amplitude_id', field: 'amplitude_id', type: 'string', transform: 'string', identity: true, description: 'Amplitude ID' },
	{ integration: 'app', from: 'app', field: 'amplitude_app', type: 'int', transform: 'integer', description: 'Amplitude App' },
	{ integration: 'city', from: 'city', field: 'city', type: 'string', transform: 'string', description: 'City' },
	{ integration: 'country', from: 'country', field: 'country', type: 'string', transform: 'string', description: 'Country' },
	{ integration: 'data', from: 'data', field: 'amplitude_data', type: 'string', transform: 'json', description: 'Amplitude Data' },
	{ integration: 'device_brand', from: 'device_brand', field: 'amplitude_device_brand', type: 'string', transform: 'string', description: 'Amplitude Device Brand' },
	{ integration: 'device_carrier', from: 'device_carrier', field: 'amplitude_device_carrier', type: 'string', transform: 'string', description: 'Amplitude Device Carrier' },
	{ integration: 'device_family', from: 'device_family', field: 'amplitude_device_family', type: 'string', transform: 'string', description: 'Amplitude Device Family' },
	{ integration: 'device_id', from: 'device_id', field: 'amplitude_device_id', type: 'string', transform: 'string', description: 'Amplitude Device ID' },
	{ integration: 'device_manufacturer', from: 'device_manufacturer', field: 'amplitude_device_manufacturer', type: 'string', transform: 'string', description: 'Amplitude Device Manufacturer' },
	{ integration: 'device_model', from: 'device_model', field: 'amplitude_device_model', type: 'string', transform: 'string', description: 'Amplitude Device Model' },
	{ integration: 'device_type', from: 'device_type', field: 'amplitude_device_type', type: 'string', transform: 'string', description: 'Amplitude Device Type' },
	{ integration: 'dma', from: 'dma', field: 'amplitude_dma', type: 'string', transform: 'string', description: 'Amplitude Dma' },
	{ integration: 'event_id', from: 'event_id', field: 'amplitude_event_id', type: 'int', transform: 'integer', description: 'Amplitude Event ID' },
	{ integration: 'idfa', from: 'idfa', field: 'amplitude_idfa', type: 'string', transform: 'string', description: 'Amplitude Idfa' },
	{ integration: 'is_attribution_event', from: 'is_attribution_event', field: 'amplitude_is_attribution_event', type: 'bool', transform: 'boolean', description: 'Amplitude Is Attribution Event' },
	{ integration: 'language', from: 'language', field: 'language', type: 'string', transform: 'string', description: 'Language' },
	{ integration: 'library', from: 'library', field: 'amplitude_library', type: 'string', transform: 'string', description: 'Amplitude Library' },
	{ integration: 'location_lat', from: 'location_lat', field: 'amplitude_location_lat', type: 'number', transform: 'number', description: 'Amplitude Location lat' },
	{ integration: 'location_lng', from: 'location_lng', field: 'amplitude_location_lng', type: 'number', transform: 'number', description: 'Amplitude Location lng' },
	{ integration: 'match("event_properties.")', from: 'event_properties', field: 'amplitude_event_properties', type: 'map[string]string', transform: 'properties', description: 'Amplitude Event Properties' },
	{ integration: 'match("group_properties.")', from: 'group_properties', field: 'amplitude_group_properties', type: 'map[string]string', transform: 'properties', description: 'Amplitude Group Properties' },
	{ integration: 'match("user_properties.")', from: 'user_properties', field: 'amplitude_user_properties', type: 'map[string]string', transform: 'properties', description: 'Amplitude User Properties' },
	{ integration: 'os_name', from: 'os_name', field: 'amplitude_os_name', type: 'string', transform: 'string', description: 'Amplitude OS Name' },
	{ integration: 'os_version', from: 'os_version', field: 'amplitude_os_version', type: 'string', transform: 'string', description: 'Amplitude Os Version' },
	{ integration: 'paying', from: 'paying', field: 'amplitude_paying', type: 'bool', transform: 'boolean', description: 'Amplitude Paying' },
	{ integration: 'platform', from: 'platform', field: 'amplitude_platform', type: 'string', transform: 'string', description: 'Amplitude Platform' },
	{ integration: 'region', from: 'region', field: 'region', type: 'string', transform: 'string', description: 'State/Province' },
	{ integration: 'region', from: 'region', field: 'state', type: 'string', transform: 'string', description: 'State' },
	{ integration: 'sample_rate', from: 'sample_rate', field: 'amplitude_sample_rate', type: 'string', transform: 'string', description: 'Amplitude Sample Rate' },
	{ integration: 'session_id', from: 'session_id', field: 'amplitude_session_id', type: 'string', transform: 'string', description: 'Amplitude Session ID' },
	{ integration: 'todate("2006-01-02 15:04:05.000000", client_event_time)', from: 'client_event_time', field: 'amplitude_client_event_time', type: 'date', transform: 'date', description: 'Amplitude Client Event Time' },
	{ integration: 'todate("2006-01-02 15:04:05.000000", client_upload_time)', from: 'client_upload_time', field: 'amplitude_client_upload_time', type: 'date', transform: 'date', description: 'Amplitude Client Upload Time' },
	{ integration: 'todate("2006-01-02 15:04:05.000000", event_time)', from: 'event_time', field: 'amplitude_event_time', type: 'date', transform: 'date', description: 'Amplitude Event Time' },
	{ integration: 'todate("2006-01-02 15:04:05.000000", server_upload_time)', from: 'server_upload_time', field: 'amplitude_server_upload_time', type: 'date', transform: 'date', description: 'Amplitude Server Upload Time' },
	{ integration: 'todate("2006-01-02 15:04:05.000000", user_creation_time)', from: 'user_creation_time', field: 'amplitude_user_creation_time', type: 'date', transform: 'date', description: 'Amplitude User Creation Time' },
	{ integration: 'user_id', from: 'user_id', field: 'amplitude_user_id', type: 'string', transform: 'string', identity: true, description: 'Amplitude User ID' },
	{ integration: 'valuect(event_type)', from: 'event_type', field: 'amplitude_events', type: 'map[string]intsum', transform: 'valueCount', description: 'Amplitude Event Count' },
] as const satisfies readonly FieldRow[];

/** The integration document's "Additional fields": not mapped unless config `events.fields.include` names them. */
export const additionalEventFieldTable = [
	{ integration: 'server_received_time', from: 'server_received_time', field: 'amplitude_server_received_time', type: 'date', transform: 'date', description: 'Amplitude Server Received Time' },
	{ integration: 'processed_time', from: 'processed_time', field: 'amplitude_processed_time', type: 'date', transform: 'date', description: 'Amplitude Processed Time' },
	{ integration: 'version_name', from: 'version_name', field: 'amplitude_version_name', type: 'string', transform: 'string', description: 'Amplitude Version Name' },
	{ integration: 'start_version', from: 'start_version', field: 'amplitude_start_version', type: 'string', transform: 'string', description: 'Amplitude Start Version' },
	{ integration: 'uuid', from: 'uuid', field: 'amplitude_uuid', type: 'string', transform: 'string', description: 'Amplitude UUID' },
	{ integration: 'ip_address', from: 'ip_address', field: 'amplitude_ip_address', type: 'string', transform: 'string', description: 'Amplitude IP Address' },
] as const satisfies readonly FieldRow[];

type FieldNames<T extends readonly FieldRow[]> = { [K in keyof T]: T[K]['field'] };
const names = <T extends readonly FieldRow[]>(table: T) => table.map((row) => row.field) as unknown as FieldNames<T>;

export const defaultEventFields = names(eventFieldTable);
export const additionalEventFields = names(additionalEventFieldTable);

/** Keys of the raw export event that hold timestamps (normalised in the raw shape). */
export const eventTimestampKeys = [
	'client_event_time', 'client_upload_time', 'event_time', 'server_upload_time', 'user_creation_time',
	'server_received_time', 'processed_time',
] as const;
