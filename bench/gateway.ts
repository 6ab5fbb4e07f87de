/**
 * NPD gateway figures (issue 5): audited lookups end to end through the HTTP API with real sessions, against npd-sim
 * (its own process, mutual TLS) on PostgreSQL. Prints the sustained rate with many officers at once, the latency at a
 * steady 500 lookups/s, and beside them the rate of calling npd-sim directly (the ceiling): the gateway's cost as a ratio.
 * Each lookup is a session check, a write-ahead record and its journal entry committed before the call, the mTLS
 * call, and the completion and its journal entry.
 * Run: source .ci/run; PG_PORT=56300; pg_start; DATABASE_URL=$DATABASE_URL npx tsx bench/gateway.ts; pg_stop
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { Agent, Pool, request } from 'undici';
import { insertAccount, insertGrant, loadActor } from '../src/modules/accounts/accounts.service.ts';
import { accounts } from '../src/modules/accounts/accounts.tables.ts';
import { newTotpKey, totpCode, totpKeyToStorage, totpStep } from '../src/modules/auth/totp.ts';
import { seedCalendar } from '../src/modules/calendar/calendar.service.ts';
import { receiveDossier } from '../src/modules/dossiers/dossiers.service.ts';
import { ensureJournalPartitions } from '../src/modules/journal/retention.ts';
import { importCatalogue } from '../src/modules/procedures/catalogue.service.ts';
import { offerProcedure } from '../src/modules/procedures/procedures.service.ts';
import { setConnection } from '../src/modules/registry/connection.service.ts';
import { ensureLookupPartitions } from '../src/modules/registry/lookups.service.ts';
import { spawnSimulator } from '../src/modules/registry/simulator.ts';
import { importProvince } from '../src/modules/units/units.service.ts';
import { units } from '../src/modules/units/units.tables.ts';
import { systemClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import type { Ctx } from '../src/platform/context.ts';
import { Keys } from '../src/platform/crypto.ts';
import { migrate, openPostgres } from '../src/platform/db.ts';
import { systemInTx } from '../src/system.ts';

if (!process.env.DATABASE_URL) {
  console.error('bench/gateway.ts measures on PostgreSQL: set DATABASE_URL (see the header for a throwaway cluster)');
  process.exit(1);
}
const OFFICERS = 32;
const DOSSIERS = 400;
const SECONDS = Number(process.env.SECONDS ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const PASSWORD = 'Sông-Cầu-mùa-thu-2026';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

// ——— a fresh database, npd-sim, and what the officers need ———
const dbName = `motcua_bench_gw_${crypto.randomBytes(4).toString('hex')}`;
{
  const admin = await openPostgres(process.env.DATABASE_URL);
  await admin.db.execute(sql.raw(`CREATE DATABASE ${dbName}`));
  await admin.close();
}
const url = new URL(process.env.DATABASE_URL);
url.pathname = `/${dbName}`;
const databaseUrl = url.toString();
const database = await openPostgres(databaseUrl);
await migrate(database);
const masterKey = crypto.randomBytes(32).toString('base64');
const keys = new Keys(Buffer.from(masterKey, 'base64'));
const config = loadConfig({ NODE_ENV: 'test' });
const inTx = systemInTx(database, config, keys, systemClock);
const simDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-npd-sim-'));
const sim = await spawnSimulator({ dir: simDir, population: 20_000, quiet: true });
const sample = (await (
  await fetch(`http://127.0.0.1:${sim.controlPort}/sample?count=${DOSSIERS}&minAge=20&maxAge=80`, { headers: { authorization: `Bearer ${sim.controlToken}` } })
).json()) as { Items: { SoDinhDanh: string; HoVaTen: string; NgayThangNamSinh: string }[] };

const { officers, commune } = await inTx(async (ctx) => {
  await ensureJournalPartitions(ctx.tx, systemClock.now());
  await ensureLookupPartitions(ctx.tx, systemClock.now());
  const province = await importProvince(ctx.tx, config.provinceCode, systemClock.now());
  await importCatalogue(ctx);
  await seedCalendar(ctx);
  const [commune] = await ctx.tx.select().from(units).where(sql`${units.kind} = 'commune'`).orderBy(units.code).limit(1);
  const made = [];
  for (let i = 0; i < OFFICERS; i++) {
    const a = await insertAccount(ctx, { username: `bench.gw.${i}`, fullName: `Cán bộ ${i}`, personalId: `0191850${String(10000 + i).padStart(5, '0')}`, position: '', email: '', phone: '', unitId: commune!.id, password: PASSWORD, mustChangePassword: false });
    await insertGrant(ctx, a.id, 'reception_officer', commune!.id);
    if (i === 0) await insertGrant(ctx, a.id, 'unit_admin', province.id);
    const key = newTotpKey();
    await ctx.tx.update(accounts).set({ otpSecret: keys.seal(totpKeyToStorage(key), `otp:${a.id}`), otpEnabledAt: systemClock.now() }).where(eq(accounts.id, a.id));
    made.push({ id: a.id, username: a.username, key });
  }
  await setConnection(ctx, sim.connection, made[0]!.id);
  return { officers: made, commune: commune! };
});
const first = (await inTx((ctx) => loadActor(ctx.tx, officers[0]!.id)))!;
const asFirst = <T>(fn: (ctx: Ctx) => Promise<T>) => inTx((ctx) => fn({ ...ctx, actor: first }));
const offered = await asFirst((ctx) =>
  offerProcedure(ctx, {
    code: '1.001193',
    level: 'commune',
    version: { processingDays: 5, documents: [], purpose: 'Đăng ký khai sinh: nhân thân và nơi cư trú.', npdFields: ['ho_ten', 'ngay_sinh', 'noi_thuong_tru', 'cha', 'me'], retentionYears: null, note: 'Benchmark' },
  }),
);
const dossiers: { id: string; personalId: string }[] = [];
for (const c of sample.Items) {
  const birthDate = `${c.NgayThangNamSinh.slice(6, 10)}-${c.NgayThangNamSinh.slice(3, 5)}-${c.NgayThangNamSinh.slice(0, 2)}`;
  const d = await asFirst((ctx) =>
    receiveDossier(ctx, {
      offeredProcedureId: offered.offered.id,
      unitId: commune.id,
      channel: 'in_person',
      applicant: { personalId: c.SoDinhDanh, fullName: c.HoVaTen, birthDate, phone: '', email: '', address: '' },
      persons: [],
      receivedPapers: [],
    }),
  );
  dossiers.push({ id: d.id, personalId: c.SoDinhDanh });
}
await database.close();

// ——— the servers: stateless processes over one PostgreSQL (SERVERS=N runs N of them, as a province scales out) ———
const SERVERS = Number(process.env.SERVERS ?? 1);
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
// PROFILE_DIR=… writes each server's CPU profile there (node --cpu-prof), to see where a lookup's time goes
const profile = process.env.PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR}`] : [];
async function startServer() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...profile, 'bin/motcua.mjs', 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      MOTCUA_MASTER_KEY: masterKey,
      MOTCUA_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gw-data-')),
      PORT: String(port),
      MOTCUA_PUBLIC_URL: base,
      LOG_LEVEL: 'warn',
      MOTCUA_NPD_ACCOUNT_PER_MINUTE: '1000000',
      MOTCUA_NPD_ACCOUNT_PER_DAY: '1000000',
      MOTCUA_NPD_UNIT_PER_MINUTE: '1000000',
      MOTCUA_NPD_UNIT_PER_DAY: '10000000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; ; i++) {
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
    if (i > 600) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, pool: new Pool(base, { connections: 128, pipelining: 1 }) };
}
const servers = [];
for (let i = 0; i < SERVERS; i++) servers.push(await startServer());

type Server = (typeof servers)[number];
async function call(server: Server, method: 'GET' | 'POST', route: string, cookie: string, csrf: string, body?: unknown) {
  const res = await server.pool.request({ method, path: route, headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}
const cookieOf = (headers: Record<string, string | string[] | undefined>) => String(headers['set-cookie'] ?? '').split(';')[0]!;

/** The full sign-in of one officer through the API: password, then the one-time code; the session then stays on that server (sticky, as behind a load balancer). */
async function signIn(o: (typeof officers)[number], server: Server) {
  const first = await call(server, 'POST', '/api/auth/sign-in', '', '', { username: o.username, password: PASSWORD });
  let cookie = cookieOf(first.headers);
  let csrf = JSON.parse((await call(server, 'GET', '/api/auth/me', cookie, '')).text).csrfToken as string;
  const otp = await call(server, 'POST', '/api/auth/otp', cookie, csrf, { code: totpCode(o.key, totpStep(new Date())) });
  if (otp.status !== 200) throw new Error(`sign-in of ${o.username}: ${otp.text}`);
  cookie = cookieOf(otp.headers) || cookie;
  csrf = JSON.parse((await call(server, 'GET', '/api/auth/me', cookie, '')).text).csrfToken as string;
  return { server, cookie, csrf };
}
const sessions: { server: Server; cookie: string; csrf: string }[] = [];
for (const [i, o] of officers.entries()) sessions.push(await signIn(o, servers[i % servers.length]!));

let n = 0;
async function oneLookup(): Promise<number> {
  const i = n++;
  const s = sessions[i % sessions.length]!;
  const d = dossiers[i % dossiers.length]!;
  const started = performance.now();
  const res = await call(s.server, 'POST', `/api/dossiers/${d.id}/lookups`, s.cookie, s.csrf, { personalId: d.personalId, service: 'verify' });
  if (res.status !== 200) throw new Error(`lookup: ${res.status} ${res.text}`);
  return performance.now() - started;
}

/** As many lookups as `concurrency` officers can make back to back, for `seconds`. */
async function closedLoop(fn: () => Promise<number>, concurrency: number, seconds: number) {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) latencies.push(await fn());
    }),
  );
  return { rate: latencies.length / ((performance.now() - started) / 1000), p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

/** Lookups started at a steady `rate` per second whatever the answers do (open loop), for `seconds`. */
async function openLoop(fn: () => Promise<number>, rate: number, seconds: number) {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let k = 0; k < rate * seconds; k++) {
    const due = t0 + (k * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(fn().then((ms) => void latencies.push(ms)));
  }
  await Promise.all(pending);
  return { rate: latencies.length / ((performance.now() - t0) / 1000), p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

// ——— the ceiling: npd-sim called directly with the same client settings ———
const direct = new Agent({ connect: { cert: sim.connection.certificate, key: sim.connection.privateKey, ca: sim.connection.caCertificate }, connections: 64 });
const authorization = `Basic ${Buffer.from(`${sim.connection.account}:${sim.connection.password}`).toString('base64')}`;
const byId = new Map(sample.Items.map((c) => [c.SoDinhDanh, c]));
async function directCall(): Promise<number> {
  const d = dossiers[n++ % dossiers.length]!;
  const c = byId.get(d.personalId)!;
  const started = performance.now();
  const res = await request(`${sim.connection.endpoint}/api/v1/cong-dan/tra-cuu`, {
    method: 'POST',
    dispatcher: direct,
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ MaYeuCau: crypto.randomUUID(), MaDVC: '1.001193', MaTichHop: 'bench', MaDonVi: commune.code, MaCanBo: 'bench', SoDinhDanh: c.SoDinhDanh, HoVaTen: c.HoVaTen, NgayThangNamSinh: c.NgayThangNamSinh }),
  });
  await res.body.text();
  return performance.now() - started;
}

await closedLoop(oneLookup, 16, 2); // warm-up: connections, JIT, caches
const rows = { direct: [] as number[], sustained: [] as number[], sustainedP99: [] as number[], steadyP50: [] as number[], steadyP99: [] as number[], steadyRate: [] as number[], halfP50: [] as number[], halfP99: [] as number[], half: [] as number[] };
for (let r = 0; r < ROUNDS; r++) {
  rows.direct.push((await closedLoop(directCall, 32, SECONDS / 2)).rate);
  const sustained = await closedLoop(oneLookup, 64, SECONDS);
  rows.sustained.push(sustained.rate);
  rows.sustainedP99.push(sustained.p99);
  const steady = await openLoop(oneLookup, 500, SECONDS);
  rows.steadyRate.push(steady.rate);
  rows.steadyP50.push(steady.p50);
  rows.steadyP99.push(steady.p99);
  // and the latency at half of what this machine sustains: what an officer feels on a busy but not saturated day
  const half = await openLoop(oneLookup, Math.max(10, Math.round(sustained.rate / 2)), SECONDS);
  rows.half.push(half.rate);
  rows.halfP50.push(half.p50);
  rows.halfP99.push(half.p99);
  console.log(
    `round ${r + 1}: direct ${rows.direct.at(-1)!.toFixed(0)}/s; gateway ${sustained.rate.toFixed(0)}/s (p99 ${sustained.p99.toFixed(1)} ms at 64 concurrent); at 500/s: p50 ${steady.p50.toFixed(1)} ms, p99 ${steady.p99.toFixed(1)} ms; at ${half.rate.toFixed(0)}/s: p50 ${half.p50.toFixed(1)} ms, p99 ${half.p99.toFixed(1)} ms`,
  );
}

const check = await openPostgres(databaseUrl);
const counts = (await check.db.execute(sql`SELECT count(*)::int AS lookups, count(*) FILTER (WHERE completed_at IS NULL)::int AS unfinished, (SELECT count(*)::int FROM journal WHERE type LIKE 'npd.lookup.%') AS entries FROM npd_lookups`)) as unknown as {
  rows: { lookups: number; unfinished: number; entries: number }[];
};
await check.close();
const c = counts.rows[0]!;
console.log(`\nmachine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? ''}); ${SERVERS} server process(es), PostgreSQL, npd-sim and this load generator share them`);
console.log(`npd-sim directly (mTLS, 32 concurrent):   ${median(rows.direct).toFixed(0)} lookups/s  (the ceiling)`);
console.log(`through the gateway (HTTP, sessions, write-ahead + journal, 64 concurrent): ${median(rows.sustained).toFixed(0)} lookups/s = ${(median(rows.sustained) / median(rows.direct)).toFixed(2)} × the ceiling; p99 ${median(rows.sustainedP99).toFixed(1)} ms  (target ≥ 1,000/s)`);
console.log(`at a steady 500 lookups/s: achieved ${median(rows.steadyRate).toFixed(0)}/s, p50 ${median(rows.steadyP50).toFixed(1)} ms, p99 ${median(rows.steadyP99).toFixed(1)} ms  (target p99 < 50 ms)`);
console.log(`at half the sustained rate (${median(rows.half).toFixed(0)}/s): p50 ${median(rows.halfP50).toFixed(1)} ms, p99 ${median(rows.halfP99).toFixed(1)} ms`);
console.log(`records: ${c.lookups} lookups, ${c.unfinished} unfinished, ${c.entries} journal entries (2 per lookup)`);

await direct.close();
for (const { child, pool } of servers) {
  await pool.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}
await sim.stop();
fs.rmSync(simDir, { recursive: true, force: true });
const admin = await openPostgres(process.env.DATABASE_URL);
await admin.db.execute(sql.raw(`DROP DATABASE ${dbName}`));
await admin.close();
