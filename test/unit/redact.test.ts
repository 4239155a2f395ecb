import { describe, expect, it } from '@jest/globals';
import { Redactor } from '../../src/redact.js';

describe('Redactor', () => {
	it('masks registered secrets wherever they appear, and ignores values too short to be secrets', () => {
		const r = new Redactor();
		r.add('s3cr3t-value');
		r.add('abc');
		expect(r.scrub('a s3cr3t-value and s3cr3t-value, abc')).toBe('a *** and ***, abc');
	});

	it('masks credentials it was never told of: Authorization headers, Basic tokens, URL user:password', () => {
		const r = new Redactor();
		expect(r.scrub('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig')).toBe('Authorization: Bearer ***');
		expect(r.scrub('{"authorization":"Basic a2V5LTAxMjM0NTY3ODk6c2VjcmV0"}')).toBe('{"authorization":"Basic ***"}');
		expect(r.scrub('sent Basic a2V5LTAxMjM0NTY3ODk6c2VjcmV0 to the proxy')).toBe('sent Basic *** to the proxy');
		expect(r.scrub('via https://alice:hunter2@proxy.example.com/x and ftp://bob:pw@h/')).toBe('via https://***:***@proxy.example.com/x and ftp://***:***@h/');
	});

	it('leaves ordinary text alone', () => {
		const r = new Redactor();
		for (const text of ['basic plan for 3 users', 'https://example.com/path?x=1', 'authorization failed (401)']) expect(r.scrub(text)).toBe(text);
	});
});
