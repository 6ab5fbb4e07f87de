import crypto from 'node:crypto';
import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { Role } from '../src/authz/roles.ts';
import { insertAccount, insertGrant } from '../src/modules/accounts/accounts.service.ts';
import { accounts } from '../src/modules/accounts/accounts.tables.ts';
import { newTotpKey, totpCode, totpKeyToStorage, totpStep } from '../src/modules/auth/totp.ts';
import { journal } from '../src/modules/journal/journal.tables.ts';
import { ensureJournalPartitions } from '../src/modules/journal/retention.ts';
import { ensureLookupPartitions } from '../src/modules/registry/lookups.service.ts';
import { importProvince, insertOrgUnit } from '../src/modules/units/units.service.ts';
import { units, type UnitRow } from '../src/modules/units/units.tables.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { loadConfig, type Config } from '../src/platform/config.ts';
import { Keys } from '../src/platform/crypto.ts';
import { APP_ROLE, assumeAppRole, openPglite, openPostgres, type Database } from '../src/platform/db.ts';
import { systemInTx } from '../src/system.ts';
import { withDatabase } from './global-setup.ts';

export const GOOD_PASSWORD = 'Sông-Cầu-mùa-thu-2026';

/** A fresh database for one test file: the migrated PGlite dump, or a copy of the PostgreSQL template. */
export async function openTestDatabase(): Promise<Database> {
  const template = inject('postgresTemplate');
  if (!template) {
    const database = await openPglite({ loadDataDir: new Blob([fs.readFileSync(inject('pgliteSnapshot'))]) });
    await assumeAppRole(database);
    return database;
  }
  const url = process.env.DATABASE_URL!;
  const name = `motcua_t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  const database = await openPostgres(withDatabase(url, name), { role: APP_ROLE });
  return {
    ...database,
    async close() {
      await database.close();
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    },
  };
}

export interface Officer {
  id: string;
  username: string;
  password: string;
  totpKey: Uint8Array | null;
}

export type TestSystem = Awaited<ReturnType<typeof startTestSystem>>;

/** The real app on a real database with a manual clock (Monday 2 March 2026, 09:00 in Vietnam); `env` overrides the configuration (e.g. the province). */
export async function startTestSystem(env: Record<string, string> = {}) {
  const clock = new ManualClock('2026-03-02T02:00:00Z');
  const database = await openTestDatabase();
  const config: Config = loadConfig({ NODE_ENV: 'test', MOTCUA_PROVINCE_CODE: '19', ...env });
  const keys = Keys.random();
  const inTx = systemInTx(database, config, keys, clock);
  const province = await inTx(async (ctx) => {
    await ensureJournalPartitions(ctx.tx, clock.now());
    await ensureLookupPartitions(ctx.tx, clock.now());
    return importProvince(ctx.tx, config.provinceCode, clock.now());
  });
  const communes = await database.db.select().from(units).where(eq(units.parentId, province.id)).orderBy(units.code);
  const app: FastifyInstance = await buildApp({ config, database, keys, clock });

  async function orgUnit(parent: UnitRow, code: string, kind: 'department' | 'desk' | 'office' = 'department') {
    return inTx((ctx) => insertOrgUnit(ctx.tx, parent, { code, name: `Đơn vị ${code}`, kind }, clock.now()));
  }

  let personalSeq = 0;
  /** An officer created directly (no sign-in steps pending unless asked), with roles granted at `unit`. */
  async function officer(opts: { username: string; unit: UnitRow; roles?: Role[]; otp?: boolean; mustChangePassword?: boolean; fullName?: string; personalId?: string }): Promise<Officer> {
    personalSeq += 1;
    const personalId = opts.personalId ?? `019${'1'}85${String(100000 + personalSeq + Math.floor(Math.random() * 800000)).slice(-6)}`;
    const roles = opts.roles ?? [];
    const withOtp = opts.otp ?? roles.some((r) => r !== 'contractor');
    const totpKey = withOtp ? newTotpKey() : null;
    const id = await inTx(async (ctx) => {
      const account = await insertAccount(ctx, {
        username: opts.username,
        fullName: opts.fullName ?? `Cán bộ ${opts.username}`,
        personalId,
        position: 'Chuyên viên',
        email: `${opts.username}@example.invalid`,
        phone: '',
        unitId: opts.unit.id,
        password: GOOD_PASSWORD,
        mustChangePassword: opts.mustChangePassword ?? false,
      });
      for (const role of roles) await insertGrant(ctx, account.id, role, opts.unit.id);
      if (totpKey) {
        await ctx.tx
          .update(accounts)
          .set({ otpSecret: keys.seal(totpKeyToStorage(totpKey), `otp:${account.id}`), otpEnabledAt: clock.now() })
          .where(eq(accounts.id, account.id));
      }
      return account.id;
    });
    return { id, username: opts.username, password: GOOD_PASSWORD, totpKey };
  }

  /** The code of the next 30-second step: time moves on so that a code is never a replay of the last one. */
  function nextCode(key: Uint8Array): string {
    clock.advance(30_000);
    return totpCode(key, totpStep(clock.now()));
  }

  async function journalOf(type: string) {
    return database.db.select().from(journal).where(eq(journal.type, type));
  }

  return {
    app,
    database,
    clock,
    config,
    keys,
    province,
    communes,
    inTx,
    orgUnit,
    officer,
    nextCode,
    journalOf,
    client: (ip?: string) => new Client(app, ip),
    /** A client signed in all the way (password, then code). */
    async signedIn(o: Officer, ip = '10.0.0.1'): Promise<Client> {
      const c = new Client(app, ip);
      const first = await c.post('/api/auth/sign-in', { username: o.username, password: o.password });
      if (first.statusCode !== 200) throw new Error(`sign-in failed: ${first.body}`);
      if (first.json().stage === 'otp') {
        await c.refresh();
        const second = await c.post('/api/auth/otp', { code: nextCode(o.totpKey!) });
        if (second.statusCode !== 200) throw new Error(`otp failed: ${second.body}`);
      }
      await c.refresh();
      return c;
    },
    /** Moves the clock forward to a Vietnam time and signs the officers in again: a jump of days outlives any session. */
    async at(vietnamTime: string, officers: Officer[], ipPrefix: string): Promise<Client[]> {
      clock.set(new Date(`${vietnamTime}+07:00`));
      const clients: Client[] = [];
      for (const [i, o] of officers.entries()) clients.push(await this.signedIn(o, `${ipPrefix}.${i + 1}`));
      return clients;
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** A browser-like client: keeps the session cookie and sends the CSRF token on unsafe requests. */
export class Client {
  cookie: string | null = null;
  csrf: string | null = null;
  constructor(
    private readonly app: FastifyInstance,
    readonly ip = '10.0.0.1',
    readonly userAgent = 'Mozilla/5.0 test',
  ) {}

  async request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method,
      url,
      remoteAddress: this.ip,
      headers: {
        'user-agent': this.userAgent,
        ...(this.cookie ? { cookie: `motcua_session=${this.cookie}` } : {}),
        ...(method !== 'GET' && this.csrf ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const setCookie = res.cookies.find((c) => c.name === 'motcua_session');
    if (setCookie) this.cookie = setCookie.value || null;
    return res;
  }

  get = (url: string, headers?: Record<string, string>) => this.request('GET', url, undefined, headers);
  post = (url: string, body?: unknown, headers?: Record<string, string>) => this.request('POST', url, body, headers);
  put = (url: string, body?: unknown) => this.request('PUT', url, body);
  patch = (url: string, body?: unknown) => this.request('PATCH', url, body);
  delete = (url: string) => this.request('DELETE', url);

  /** Reads the CSRF token of the current session (it changes with every sign-in step). */
  async refresh(): Promise<LightMyRequestResponse> {
    const me = await this.get('/api/auth/me');
    if (me.statusCode === 200) this.csrf = me.json().csrfToken;
    return me;
  }
}
