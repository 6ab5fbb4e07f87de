import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAccount, insertGrant, loadActor } from '../src/modules/accounts/accounts.service.ts';
import { accounts } from '../src/modules/accounts/accounts.tables.ts';
import { newTotpKey, totpCode, totpKeyToStorage, totpStep } from '../src/modules/auth/totp.ts';
import { receiveDossier } from '../src/modules/dossiers/dossiers.service.ts';
import { openNote, parseCheckpoint, parseVerifierKey } from '../src/modules/journal/checkpoint.ts';
import { offerProcedure } from '../src/modules/procedures/procedures.service.ts';
import { setConnection } from '../src/modules/registry/connection.service.ts';
import { units } from '../src/modules/units/units.tables.ts';
import { systemClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import type { Ctx } from '../src/platform/context.ts';
import { Keys } from '../src/platform/crypto.ts';
import { openPostgres, type Database } from '../src/platform/db.ts';
import { systemInTx } from '../src/system.ts';
import { isoBirthDate, startNpdSim, type NpdSimProcess } from '../test/npd-sim.ts';
import { startSmtpServer } from '../test/smtp.ts';
import { freePort } from '../test/processes.ts';

/**
 * Issue 12 (R25, R36, R43): two server processes on one PostgreSQL, started at the same moment on an empty database,
 * as a province runs them behind a load balancer. They share the data directory (the journal's signing key, files)
 * and the master key, and nothing else: every other piece of state is in the database.
 */
const ADMIN_URL = process.env.DATABASE_URL;
if (!ADMIN_URL) throw new Error('the cluster test runs on PostgreSQL: set DATABASE_URL (.ci/run starts a throwaway cluster)');

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD = 'Sông-Cầu-mùa-thu-2026';
const dbName = `motcua_cluster_${crypto.randomBytes(5).toString('hex')}`;
const databaseUrl = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
const masterKey = crypto.randomBytes(32).toString('base64');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-cluster-'));

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Server {
  url: string;
  child: ChildProcess;
  output: () => string;
}

function spawnServer(port: number, smtpUrl: string): Server {
  const url = `http://localhost:${port}`;
  let output = '';
  const child = spawn(process.execPath, ['bin/motcua.mjs', 'serve'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      MOTCUA_MASTER_KEY: masterKey,
      MOTCUA_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      MOTCUA_PUBLIC_URL: url,
      MOTCUA_SMTP_URL: smtpUrl,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { url, child, output: () => output };
}

async function untilReady(server: Server) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`a server exited with ${server.child.exitCode}:\n${server.output()}`);
    const res = await fetch(`${server.url}/api/health/ready`).catch(() => null);
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`a server was not ready within 120 s (${res ? JSON.stringify(await res.json()) : 'no answer'}):\n${server.output()}`);
    await sleep(250);
  }
}

const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0]!;

/** The full sign-in of one officer through the API: password, then the one-time code. */
async function signIn(server: Server, username: string, key: Uint8Array) {
  const json = { 'content-type': 'application/json' };
  const first = await fetch(`${server.url}/api/auth/sign-in`, { method: 'POST', headers: json, body: JSON.stringify({ username, password: PASSWORD }) });
  expect(first.status, await first.clone().text()).toBe(200);
  let cookie = cookieOf(first);
  const me = async () => ((await (await fetch(`${server.url}/api/auth/me`, { headers: { cookie } })).json()) as { csrfToken: string }).csrfToken;
  const otp = await fetch(`${server.url}/api/auth/otp`, { method: 'POST', headers: { ...json, cookie, 'x-csrf-token': await me() }, body: JSON.stringify({ code: totpCode(key, totpStep(new Date())) }) });
  expect(otp.status, await otp.clone().text()).toBe(200);
  cookie = cookieOf(otp) || cookie;
  const csrf = await me();
  return (route: string, body: unknown) =>
    fetch(`${server.url}${route}`, { method: 'POST', headers: { ...json, cookie, 'x-csrf-token': csrf }, body: JSON.stringify(body) });
}

let servers: Server[] = [];
let sim: NpdSimProcess;
let database: Database;
let owner: pg.Client;

beforeAll(async () => {
  smtp = await startSmtpServer();
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  sim = await startNpdSim({ population: 2000 });
  // at the same moment, on the empty database
  const ports = [await freePort(), await freePort()];
  servers = ports.map((port) => spawnServer(port, smtp.url));
  await Promise.all(servers.map(untilReady));
  database = await openPostgres(databaseUrl);
  owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();
});

afterAll(async () => {
  await owner?.end();
  await database?.close();
  for (const s of servers) {
    if (s.child.exitCode === null) {
      s.child.kill('SIGTERM');
      await new Promise((r) => s.child.once('exit', r));
    }
  }
  await sim?.stop();
  await smtp?.close();
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.end();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const count = async (query: string) => Number((await owner.query<{ n: string }>(query)).rows[0]!.n);

/** Until every committed journal entry is in the tree, and a checkpoint covers it. */
async function untilIntegrated() {
  for (let i = 0; i < 120; i++) {
    const waiting = await count(`SELECT count(*) AS n FROM journal j WHERE NOT EXISTS (SELECT FROM journal_index i WHERE i.seq = j.seq)`);
    const covered = (await count(`SELECT coalesce(max(size), 0) AS n FROM journal_checkpoints`)) === (await count(`SELECT count(*) AS n FROM journal_index`));
    if (waiting === 0 && covered) return;
    await sleep(250);
  }
  throw new Error('the journal was not integrated within 30 s');
}

describe('issue 12: two servers on one PostgreSQL', () => {
  it('both come up on the empty database: each migration applied once, the province imported once', async () => {
    expect(await count(`SELECT count(*) AS n FROM schema_migrations`)).toBe(fs.readdirSync(path.join(repoRoot, 'migrations')).filter((f) => f.endsWith('.sql')).length);
    expect(await count(`SELECT count(*) AS n FROM units WHERE kind = 'province'`)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM procedure_catalogue`)).toBeGreaterThan(2000);
  });

  it('R36/R43: officers look up citizens through either server', async () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    const inTx = systemInTx(database, config, new Keys(Buffer.from(masterKey, 'base64')), systemClock);
    const citizens = await sim.sample(2, '&minAge=20&maxAge=80');
    const officers = await inTx(async (ctx) => {
      const [commune] = await ctx.tx.select().from(units).where(eq(units.kind, 'commune')).orderBy(units.code).limit(1);
      const [province] = await ctx.tx.select().from(units).where(eq(units.kind, 'province'));
      const made = [];
      for (const i of [0, 1]) {
        const a = await insertAccount(ctx, { username: `cluster.${i}`, fullName: `Cán bộ ${i}`, personalId: `01918500000${i}`, position: '', email: '', phone: '', unitId: commune!.id, password: PASSWORD, mustChangePassword: false });
        await insertGrant(ctx, a.id, 'reception_officer', commune!.id);
        if (i === 0) await insertGrant(ctx, a.id, 'unit_admin', province!.id);
        const key = newTotpKey();
        await ctx.tx.update(accounts).set({ otpSecret: ctx.keys.seal(totpKeyToStorage(key), `otp:${a.id}`), otpEnabledAt: ctx.clock.now() }).where(eq(accounts.id, a.id));
        made.push({ id: a.id, username: a.username, key, commune: commune! });
      }
      await setConnection(ctx, sim.connection, made[0]!.id);
      return made;
    });
    const actor = (await inTx((ctx) => loadActor(ctx.tx, officers[0]!.id)))!;
    const asOfficer = <T>(fn: (ctx: Ctx) => Promise<T>) => inTx((ctx) => fn({ ...ctx, actor }));
    const offered = await asOfficer((ctx) =>
      offerProcedure(ctx, {
        code: '1.001193',
        level: 'commune',
        version: { processingDays: 5, documents: [], purpose: 'Đăng ký khai sinh: nhân thân và nơi cư trú.', npdFields: ['ho_ten', 'ngay_sinh', 'noi_thuong_tru'], retentionYears: null, note: 'Cluster test' },
      }),
    );
    const dossiers = [];
    for (const c of citizens) {
      const applicant = { personalId: c.SoDinhDanh, fullName: c.HoVaTen, birthDate: isoBirthDate(c.NgayThangNamSinh), phone: '', email: '', address: '' };
      dossiers.push(await asOfficer((ctx) => receiveDossier(ctx, { offeredProcedureId: offered.offered.id, unitId: officers[0]!.commune.id, channel: 'in_person', applicant, persons: [], receivedPapers: [] })));
    }
    for (const [i, server] of servers.entries()) {
      const post = await signIn(server, officers[i]!.username, officers[i]!.key);
      for (const [d, dossier] of dossiers.entries()) {
        const res = await post(`/api/dossiers/${dossier.id}/lookups`, { personalId: citizens[d]!.SoDinhDanh, service: 'verify' });
        expect(res.status, `server ${i + 1}: ${await res.clone().text()}`).toBe(200);
      }
    }
    expect(await count(`SELECT count(*) AS n FROM npd_lookups WHERE outcome = 'matched'`)).toBe(4);
  });

  it('R25: an entry that commits after later ones is integrated too, after them, and the tree still verifies', async () => {
    const late = new pg.Client({ connectionString: databaseUrl });
    await late.connect();
    try {
      await late.query('BEGIN');
      await late.query(`INSERT INTO journal (at, type, outcome, details) VALUES (now(), 'test.late', 'success', '{}')`);
      // entries written and committed meanwhile by both servers (failed sign-ins are journaled)
      for (const server of servers) {
        for (let i = 0; i < 5; i++) {
          await fetch(`${server.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `nobody.${i}`, password: 'Wrong-password-1' }) });
        }
      }
      await sleep(2500);
      // they wait behind the open transaction: no checkpoint may pass an entry that could still commit before them
      expect(await count(`SELECT count(*) AS n FROM journal_index i JOIN journal j ON j.seq = i.seq WHERE j.type = 'auth.sign_in' AND j.details->>'username' LIKE 'nobody.%'`)).toBe(0);
      await late.query('COMMIT');
    } finally {
      await late.end();
    }
    await untilIntegrated();
    const positions = await owner.query<{ type: string }>(`SELECT j.type FROM journal_index i JOIN journal j ON j.seq = i.seq WHERE j.type = 'test.late' OR (j.type = 'auth.sign_in' AND j.outcome = 'failure') ORDER BY i.idx`);
    expect(positions.rows.map((r) => r.type)).toEqual(['test.late', ...Array(10).fill('auth.sign_in')]);
  });

  it('should not let a transaction left open in another database of the cluster hold this journal back', async () => {
    const elsewhere = new pg.Client({ connectionString: ADMIN_URL });
    await elsewhere.connect();
    try {
      await elsewhere.query('BEGIN');
      await elsewhere.query('SELECT pg_current_xact_id()'); // an id older than every entry written below
      await fetch(`${servers[0]!.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nobody.elsewhere', password: 'Wrong-password-1' }) });
      await untilIntegrated();
    } finally {
      await elsewhere.query('ROLLBACK');
      await elsewhere.end();
    }
  });

  it('R25: one sequence of checkpoints, all signed by the one journal key, that `journal verify` accepts', async () => {
    await untilIntegrated();
    const verifier = parseVerifierKey(fs.readFileSync(path.join(dataDir, 'journal-verifier.txt'), 'utf8').trim());
    const checkpoints = await owner.query<{ size: string; note: string }>(`SELECT size, note FROM journal_checkpoints ORDER BY size`);
    expect(checkpoints.rows.length).toBeGreaterThan(1);
    for (const cp of checkpoints.rows) expect(parseCheckpoint(openNote(cp.note, [verifier]).text).size).toBe(Number(cp.size));
    const verify = spawnSync(process.execPath, ['bin/motcua.mjs', 'journal', 'verify'], {
      cwd: repoRoot,
      env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, MOTCUA_MASTER_KEY: masterKey, MOTCUA_DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(verify.stdout + verify.stderr).toContain('OK: every entry and every checkpoint verifies');
    expect(verify.status).toBe(0);
  });

  it('should not send a notification e-mail twice though both servers run the mail job', async () => {
    const [target] = await database.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.username, 'cluster.0'));
    await owner.query(`UPDATE accounts SET email = 'cluster.0@thainguyen.gov.vn' WHERE id = $1`, [target!.id]);
    for (let i = 0; i < 6; i++) {
      await database.db.execute(sql`INSERT INTO notifications (account_id, at, kind, target_type, target_id, text_vi, text_en)
        VALUES (${target!.id}, now(), 'case_opened', 'monitoring_case', ${crypto.randomUUID()}, ${`Thông báo thử ${i}`}, ${`Test notification ${i}`})`);
    }
    for (let i = 0; i < 120 && smtp.received.length < 6; i++) await sleep(250);
    // both servers' mail jobs run every 10 s: past another round of each, still one message per notification
    await sleep(12_000);
    const subjects = smtp.received.map((m) => /Test notification (\d)/.exec(m.data)?.[1]).sort();
    expect(subjects).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(await count(`SELECT count(*) AS n FROM notifications WHERE emailed_at IS NULL`)).toBe(0);
  });

  it('the jobs are claimed per job, not per process, and both servers stay ready', async () => {
    const jobs = await owner.query<{ name: string }>(`SELECT name FROM scheduled_jobs ORDER BY name`);
    expect(jobs.rows.map((r) => r.name)).toEqual(['dormant-lock', 'dossier-retention', 'housekeeping', 'journal-sequencer', 'mail', 'monitoring']);
    for (const server of servers) expect((await fetch(`${server.url}/api/health/ready`)).status).toBe(200);
  });
});
