import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type AppDeps } from '../src/app.ts';
import { accounts } from '../src/modules/accounts/accounts.tables.ts';
import type { Database } from '../src/platform/db.ts';
import { Client, startTestSystem, type TestSystem } from './harness.ts';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(() => sys.close());

const deps = (): AppDeps => ({ config: sys.config, database: sys.database, keys: sys.keys, clock: sys.clock });

/** A second app on the test database, closed after `use` whatever happens. */
async function withApp(use: (app: FastifyInstance) => Promise<void>, database: Database = sys.database) {
  const app = await buildApp({ ...deps(), database });
  try {
    await use(app);
  } finally {
    await app.close().catch(() => {});
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('Invariant 4: deny by default', () => {
  it('an /api route that declares no access rule stops the app at start-up', async () => {
    await withApp(async (app) => {
      const start = async () => {
        app.get('/api/forgotten', async () => ({ leaked: true }));
        await app.ready();
      };
      await expect(start()).rejects.toThrow(/GET \/api\/forgotten declares no access rule/);
    });
  });

  it('so does one declared inside a plugin, or one naming a permission that does not exist', async () => {
    await withApp(async (app) => {
      const start = async () => {
        await app.register(async (plugin) => {
          plugin.post('/api/plugin/forgotten', async () => ({}));
        });
        await app.ready();
      };
      await expect(start()).rejects.toThrow(/POST \/api\/plugin\/forgotten declares no access rule/);
    });
    await withApp(async (app) => {
      const start = async () => {
        app.get('/api/everything', { config: { access: 'everything' as never } }, async () => ({}));
        await app.ready();
      };
      await expect(start()).rejects.toThrow(/declares no access rule/);
    });
  });

  it('a route that declares its permission is served only to those who hold it', async () => {
    await withApp(async (app) => {
      app.get('/api/declared', { config: { access: 'journal.read' } }, async () => ({ ok: true }));
      await app.ready();
      const inspector = await sys.officer({ username: 'tt.doc.nhat.ky', unit: sys.province, roles: ['inspector'] });
      const officer = await sys.officer({ username: 'cb.khong.quyen', unit: sys.communes[0]!, roles: ['reception_officer'] });
      expect((await new Client(app, '10.40.0.1').get('/api/declared')).statusCode).toBe(401);
      // Sessions live in the database: a session of the test system's app works on this one too.
      const withRight = await sys.signedIn(inspector, '10.40.0.2');
      const without = await sys.signedIn(officer, '10.40.0.3');
      const call = (c: Client) => app.inject({ method: 'GET', url: '/api/declared', remoteAddress: c.ip, headers: { cookie: `motcua_session=${c.cookie}` } });
      expect((await call(withRight)).json()).toEqual({ ok: true });
      expect((await call(without)).statusCode).toBe(403);
    });
  });

  it('an anonymous caller is refused (401) by every documented route except health, sign-in and setup, before its input is read', async () => {
    const spec = (await sys.client().get('/api/docs/json')).json() as { paths: Record<string, Record<string, unknown>> };
    const open = [
      '/api/health',
      '/api/health/live',
      '/api/health/ready',
      '/api/auth/sign-in',
      '/api/setup',
      '/api/setup/status',
      // electronic results are verified by citizens and other agencies without an account here (results.routes.ts, keys.routes.ts)
      '/api/results/{code}/verify',
      '/api/units/{id}/result-key',
    ];
    const refusedWith: string[] = [];
    for (const [path, methods] of Object.entries(spec.paths)) {
      if (open.includes(path)) continue;
      const url = path.replace(/\{[^}]+\}/g, crypto.randomUUID());
      for (const method of Object.keys(methods)) {
        const res = await sys.client('10.40.1.1').request(method.toUpperCase() as 'GET', url);
        if (res.statusCode !== 401) refusedWith.push(`${method.toUpperCase()} ${path}: ${res.statusCode} ${res.json().error?.code}`);
      }
    }
    expect(refusedWith).toEqual([]);
  });

  it('/api/health is public; an unknown /api path answers 404 in the error shape', async () => {
    const health = await sys.client().get('/api/health');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', province: { code: '19', name: 'Tỉnh Thái Nguyên' } });
    const missing = await sys.client().get('/api/no/such/thing');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('HTTP hardening', () => {
  it('R15: every answer carries the security headers: CSP with script-src self, no framing, nosniff', async () => {
    const answers = [await sys.client().get('/api/health'), await sys.client().get('/api/auth/me'), await sys.client().get('/api/nothing')];
    for (const res of answers) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toMatch(/(^|;)\s*script-src 'self'(;|$)/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('Invariant 5: a 5xx answer shows no internals, only the code `internal` and the request id', async () => {
    const internals = 'connect ECONNREFUSED 10.9.8.7:5432 (user motcua_owner, password hunter2)';
    const failing: Database = {
      ...sys.database,
      db: new Proxy(sys.database.db, {
        get: (target, prop, receiver) => (prop === 'transaction' ? () => Promise.reject(new Error(internals)) : Reflect.get(target, prop, receiver)),
      }),
    };
    await withApp(async (app) => {
      const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'cb.bat.ky', password: 'Bat-ky-2026' } });
      expect(res.statusCode).toBe(500);
      const body = res.json();
      expect(Object.keys(body)).toEqual(['error']);
      expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'messageEn']);
      expect(body.error.code).toBe('internal');
      expect(body.error.messageEn).toMatch(UUID);
      expect(res.body).not.toMatch(/ECONNREFUSED|10\.9\.8\.7|hunter2|motcua_owner|stack|\.ts:\d+/);
    }, failing);
  });

  it('Invariant 5: with the database gone, answers are 500 `internal` without the driver’s message', async () => {
    const t = await startTestSystem();
    try {
      await t.database.close();
      const res = await t.client().post('/api/auth/sign-in', { username: 'cb.bat.ky', password: 'Bat-ky-2026' });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: { code: 'internal', message: expect.stringMatching(UUID), messageEn: expect.stringMatching(UUID) } });
      expect(res.body).not.toMatch(/PGlite|closed|postgres/i);
    } finally {
      await t.app.close();
    }
  });
});

describe('CSRF', () => {
  it('a state-changing request with a session but without the CSRF token is refused (403 csrf) and changes nothing', async () => {
    const admin = await sys.officer({ username: 'qt.csrf', unit: sys.communes[0]!, roles: ['unit_admin'] });
    const victim = await sys.officer({ username: 'cb.csrf', unit: sys.communes[0]! });
    const browser = await sys.signedIn(admin, '10.40.2.1');
    // The cookie goes along as a browser would send it; the token a cross-site page cannot read does not.
    const forged = new Client(sys.app, browser.ip);
    forged.cookie = browser.cookie;
    const res = await forged.post(`/api/accounts/${victim.id}/lock`, { reason: 'Khóa giả mạo' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf');
    // Nor does the token of another session help.
    const other = await sys.signedIn(await sys.officer({ username: 'cb.csrf.khac', unit: sys.communes[0]! }), '10.40.2.2');
    const mixed = await forged.post(`/api/accounts/${victim.id}/lock`, { reason: 'Khóa giả mạo' }, { 'x-csrf-token': other.csrf! });
    expect(mixed.json().error.code).toBe('csrf');
    const [row] = await sys.database.db.select().from(accounts).where(eq(accounts.id, victim.id));
    expect(row!.status).toBe('active');
    // The real page, with its token, may.
    expect((await browser.post(`/api/accounts/${victim.id}/lock`, { reason: 'Khóa thật' })).statusCode).toBe(200);
  });

  it('a request from a foreign Origin is refused (403 csrf) even with the token; sign-in too (login CSRF)', async () => {
    const officer = await sys.officer({ username: 'cb.origin', unit: sys.communes[0]! });
    const browser = await sys.signedIn(officer, '10.40.3.1');
    const foreign = { origin: 'https://evil.example' };
    const refused = await browser.post('/api/auth/keepalive', undefined, foreign);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('csrf');
    const signIn = await sys.client('10.40.3.2').post('/api/auth/sign-in', { username: officer.username, password: officer.password }, foreign);
    expect(signIn.statusCode).toBe(403);
    expect(signIn.json().error.code).toBe('csrf');
    expect((await browser.post('/api/auth/keepalive', undefined, { origin: new URL(sys.config.publicUrl).origin })).statusCode).toBe(200);
  });
});

describe('OpenAPI', () => {
  it('the OpenAPI document at /api/docs/json is public and lists the routes', async () => {
    const res = await sys.client().get('/api/docs/json');
    expect(res.statusCode).toBe(200);
    const spec = res.json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/sign-in',
        '/api/auth/otp',
        '/api/auth/me',
        '/api/units',
        '/api/units/{id}',
        '/api/accounts',
        '/api/accounts/{id}',
        '/api/accounts/{id}/transfer',
        '/api/accounts/{id}/roles',
        '/api/accounts/require-password-change',
      ]),
    );
    expect(spec.paths['/api/accounts/{id}/lock'].post.requestBody).toEqual({
      required: true,
      content: {
        'application/json': {
          schema: { type: 'object', properties: { reason: { type: 'string', minLength: 3, maxLength: 500 } }, required: ['reason'], additionalProperties: false },
        },
      },
    });
  });
});
