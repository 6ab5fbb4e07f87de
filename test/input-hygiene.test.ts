import { desc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/authz/roles.ts';
import { journal } from '../src/modules/journal/journal.tables.ts';
import { findControlCharacters, withoutControlCharacters } from '../src/platform/control-characters.ts';
import { Client, startTestSystem, type TestSystem } from './harness.ts';

/**
 * Issue 13, finding 6: a NUL (or another control character, or half a UTF-16 pair) anywhere in a request's text
 * reached PostgreSQL, which refuses U+0000, and came back as a 500 with kilobytes of error log, on twenty routes
 * including the anonymous sign-in. It is refused for every route in one place, before the route's own validation.
 */
let sys: TestSystem;
let everything: Client;
beforeAll(async () => {
  sys = await startTestSystem();
  const roles: Role[] = ['system_admin', 'unit_admin', 'leader', 'reception_officer', 'processing_officer', 'inspector', 'security_officer'];
  everything = await sys.signedIn(await sys.officer({ username: 'hygiene.all', unit: sys.province, roles }), '10.61.0.1');
});
afterAll(() => sys.close());

const REFUSED = /ký tự điều khiển/;

function expectRefused(res: { statusCode: number; body: string; json(): any }, path: string) {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.json().error).toMatchObject({ code: 'invalid_input', message: 'Dữ liệu gửi lên không hợp lệ.', messageEn: 'Invalid input.' });
  expect(res.json().error.details).toEqual([{ path, message: expect.stringMatching(REFUSED) }]);
}

describe('control characters in requests (issue 13, finding 6)', () => {
  it('should not answer 500 to a NUL in the anonymous sign-in form: 400 naming the field', async () => {
    const anonymous = sys.client('10.61.0.2');
    expectRefused(await anonymous.post('/api/auth/sign-in', { username: 'demo.quantri\u0000', password: 'Bất-kỳ-2026' }), '/username');
    expectRefused(await anonymous.post('/api/auth/sign-in', { username: 'demo.quantri', password: 'nửa cặp \ud800' }), '/password');
    expectRefused(await anonymous.post('/api/auth/sign-in', { username: 'demo.quantri', password: 'lạc\udc00' }), '/password');
    expect((await sys.journalOf('auth.sign_in')).some((e) => JSON.stringify(e).includes('\\u0000'))).toBe(false);
  });

  it('should not answer 500 to a NUL in a query string, a path parameter, a nested field or a key', async () => {
    expectRefused(await everything.get('/api/accounts?q=019185%00'), '/q');
    expectRefused(await everything.get('/api/calendar/deadline?receivedAt=2026-02-13T10:00:00%2B07:00%00&workingDays=1'), '/receivedAt');
    expectRefused(await everything.delete('/api/calendar/days/2026-12-01%00'), '/date');
    expectRefused(await everything.post('/api/calendar/days', { date: '2026-12-01', kind: 'holiday', name: 'Nghỉ\u001b[31m' }), '/name');
    expectRefused(await everything.post('/api/calendar/days', { date: '2026-12-01', kind: 'holiday', name: ['a', { b: 'c\u0007' }] }), '/name/1/b');
    expectRefused(await everything.post('/api/calendar/days', { date: '2026-12-01', kind: 'holiday', name: 'x', ['k\u0000']: 1 }), '/');
  });

  it('should still take tabs, line breaks and whole surrogate pairs as text', async () => {
    expect(findControlCharacters({ reason: 'dòng 1\r\n\tdòng 2 😀', list: ['a\nb'] })).toBeNull();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.constantFrom('\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u001f', '\u007f', '\u0085', '\ud800', '\udfff'), fc.nat(), (text, bad, at) => {
        const clean = withoutControlCharacters(text);
        expect(findControlCharacters({ a: [clean] })).toBeNull();
        const i = at % (clean.length + 1);
        expect(findControlCharacters({ a: [`${clean.slice(0, i)}${bad}${clean.slice(i)}`] })).toBe('/a/0');
      }),
    );
  });

  it('should not overflow the stack on a deeply nested body', async () => {
    const nested = `${'['.repeat(20_000)}"\\u0000"${']'.repeat(20_000)}`;
    const res = await everything.request('POST', '/api/calendar/days', nested, { 'content-type': 'application/json' });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('invalid_input');
  });

  it('should not store the control characters of a User-Agent in the journal', async () => {
    const forged = new Client(sys.app, '10.61.0.3', 'Mozilla/5.0\u0000\u001b[2K\u0085 (giả mạo)');
    expect((await forged.post('/api/auth/sign-in', { username: 'no.such.officer', password: 'Sai-mật-khẩu-2026' })).statusCode).toBe(401);
    const [entry] = await sys.database.db.select().from(journal).where(eq(journal.ip, '10.61.0.3')).orderBy(desc(journal.seq)).limit(1);
    expect(entry!.userAgent).toBe('Mozilla/5.0[2K (giả mạo)');
  });

  it('should not answer 500 on any documented route to a NUL in any of its path parameters, query parameters or body fields', async () => {
    type Operation = { parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } };
    const spec = (await sys.client().get('/api/docs/json')).json() as { paths: Record<string, Record<string, Operation>> };
    const probes: { label: string; method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; body?: unknown; path: string }[] = [];
    for (const [template, operations] of Object.entries(spec.paths)) {
      for (const [m, op] of Object.entries(operations)) {
        const method = m.toUpperCase() as (typeof probes)[number]['method'];
        const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        const fill = (bad?: string) => template.replace(/\{(\w+)\}/g, (_, name: string) => (name === bad ? 'a%00b' : '00000000-0000-4000-8000-000000000000'));
        for (const name of pathParams) probes.push({ label: `${method} ${template} path ${name}`, method, url: fill(name), path: `/${name}` });
        for (const p of (op.parameters ?? []).filter((q) => q.in === 'query')) {
          probes.push({ label: `${method} ${template} query ${p.name}`, method, url: `${fill()}?${p.name}=a%00b`, path: `/${p.name}` });
        }
        const properties = op.requestBody?.content?.['application/json']?.schema?.properties ?? {};
        for (const name of Object.keys(properties)) probes.push({ label: `${method} ${template} body ${name}`, method, url: fill(), body: { [name]: 'a\u0000b' }, path: `/${name}` });
      }
    }
    expect(probes.length).toBeGreaterThan(100);
    const reached: string[] = [];
    for (const probe of probes) {
      const res = await everything.request(probe.method, probe.url, probe.body);
      expect(res.statusCode, `${probe.label}: ${res.body}`).toBeLessThan(500);
      // refused by the caller's rights (integration keys, a pending sign-in step) before any input is read, or else by the check
      if (res.statusCode === 401 || res.statusCode === 403) continue;
      expectRefused(res, probe.path);
      reached.push(probe.label);
    }
    expect(reached.length).toBeGreaterThan(probes.length * 0.8);
    expect(reached).toEqual(expect.arrayContaining(['POST /api/auth/sign-in body username', 'GET /api/calendar/deadline query receivedAt']));
  });
});
