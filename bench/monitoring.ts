/**
 * Issue 6 performance: "at 1,000 lookups/s, an alert within 5 seconds of the misuse, with the rules' cost printed
 * per lookup". Lookup records and their journal entries (start and completion) are written with the app's own tables
 * and journal function at a steady RATE (default 1,000/s) for SECONDS (default 30), spread over ~200 officers of ten
 * communes and the public-service portal (an integration key), thousands of dossiers and citizens — bypassing the
 * HTTP gateway and the NPD call (the gateway alone does ~220/s on this machine: bench/gateway.ts). Meanwhile the
 * sequencer (integrate) and the detector (detect) run every second in their own processes, as the server's jobs do.
 * Self lookups are injected at known times; the time from their commit to the alert row being visible is measured.
 * Then the detector runs flat out on a backlog: the events per second it sustains and its cost per lookup, beside the
 * ceiling (the plain INSERT rate of the lookup records alone, same connections).
 *
 * Run: (source .ci/run; set +e; PG_PORT=56400; MOTCUA_CI_PG_PORT=56400; pg_start; DATABASE_URL=$DATABASE_URL npx tsx bench/monitoring.ts; pg_stop)
 *      npx tsx bench/monitoring.ts --pglite   (one embedded connection, everything in this process: a rough figure only)
 * Environment: RATE (lookups/s), SECONDS, PER_TX (lookups per transaction, default 4), BACKLOG (lookups for the flat-out run),
 * DOSSIERS (per commune, default 2,500: at 1,000 lookups/s most citizens are looked up once or twice, as in a province).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Actor } from '../src/authz/actor.ts';
import type { Role } from '../src/authz/roles.ts';
import { insertAccount, insertGrant, loadActor } from '../src/modules/accounts/accounts.service.ts';
import { seedCalendar } from '../src/modules/calendar/calendar.service.ts';
import { receiveDossier } from '../src/modules/dossiers/dossiers.service.ts';
import { dossierPersons, dossiers as dossierTable } from '../src/modules/dossiers/dossiers.tables.ts';
import { record } from '../src/modules/journal/record.ts';
import { ensureJournalPartitions } from '../src/modules/journal/retention.ts';
import { integrate, journalSigner } from '../src/modules/journal/sequencer.ts';
import { detect, detectorLag, lookupEvent } from '../src/modules/monitoring/detector.ts';
import type { MonitoredEvent } from '../src/modules/monitoring/detection.ts';
import { sqlHistory, type History } from '../src/modules/monitoring/history.ts';
import { monitoringAlerts } from '../src/modules/monitoring/monitoring.tables.ts';
import { DEFAULT_RULES, evaluate } from '../src/modules/monitoring/rules/index.ts';
import { importCatalogue } from '../src/modules/procedures/catalogue.service.ts';
import { offerProcedure } from '../src/modules/procedures/procedures.service.ts';
import { SUGGESTED_VERSIONS } from '../src/modules/procedures/suggested-versions.ts';
import { ensureLookupPartitions } from '../src/modules/registry/lookups.service.ts';
import { integrationClients, npdLookups } from '../src/modules/registry/registry.tables.ts';
import { importProvince } from '../src/modules/units/units.service.ts';
import { units } from '../src/modules/units/units.tables.ts';
import type { Clock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import type { Ctx } from '../src/platform/context.ts';
import { Keys } from '../src/platform/crypto.ts';
import { APP_ROLE, assumeAppRole, migrate, openPglite, openPostgres, type Database } from '../src/platform/db.ts';
import { systemInTx } from '../src/system.ts';
import { RULE_NAMES, type RuleName } from '../common/detection-rules.ts';

const RATE = Number(process.env.RATE ?? 1000);
const SECONDS = Number(process.env.SECONDS ?? 30);
/**
 * Lookups per transaction. The gateway commits each lookup on its own; on these 2 cores one writer process cannot do
 * 1,000 such commits a second while PostgreSQL, the sequencer and the detector run beside it, so by default four
 * lookups share a commit (as four gateways committing together). Rows and journal entries are the same.
 */
const PER_TX = Number(process.env.PER_TX ?? 4);
const BACKLOG = Number(process.env.BACKLOG ?? 20_000);
const COMMUNES = 10;
const OFFICERS_PER_COMMUNE = 20;
const DOSSIERS_PER_COMMUNE = Number(process.env.DOSSIERS ?? 2500);
const INJECTIONS = 6;
const config = loadConfig({ NODE_ENV: 'test', MOTCUA_PROVINCE_CODE: '19' });
const median = (xs: number[]) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Real time moved to a Tuesday morning in Vietnam (working hours), so that the time-of-day rules see normal work. */
function offsetClock(offsetMs: number): Clock {
  return { now: () => new Date(Date.now() + offsetMs) };
}

// ——— a child process: the sequencer or the detector, every second, as the server's jobs ———
const role = process.argv.includes('--sequencer') ? 'sequencer' : process.argv.includes('--detector') ? 'detector' : 'main';
if (role !== 'main') {
  const database = await openPostgres(process.env.BENCH_DATABASE_URL!, { role: APP_ROLE });
  const clock = offsetClock(Number(process.env.BENCH_CLOCK_OFFSET));
  const keys = new Keys(Buffer.from(process.env.BENCH_MASTER_KEY!, 'base64'));
  const inTx = systemInTx(database, config, keys, clock);
  const signer = journalSigner('motcua/19/journal', crypto.generateKeyPairSync('ed25519').privateKey);
  let stopping = false;
  process.on('message', (m) => {
    if (m === 'stop') stopping = true;
  });
  const run = role === 'sequencer' ? () => integrate(database, signer, clock) : () => inTx(detect);
  // the server's schedule (src/platform/jobs.ts): a tick every second, overlapping ticks find the advisory lock taken
  const ticks = new Set<Promise<void>>();
  const tick = () => {
    const t0 = performance.now();
    const cpu = process.cpuUsage();
    const done: Promise<void> = run().then(
      (n) => {
        const used = process.cpuUsage(cpu);
        process.send!({ role, at: Date.now(), n, ms: performance.now() - t0, cpuUs: used.user + used.system });
      },
      (err: Error) => {
        process.send!({ role, error: err.stack ?? String(err) });
      },
    );
    ticks.add(done);
    void done.finally(() => ticks.delete(done));
  };
  tick();
  const timer = setInterval(tick, 1000);
  while (!stopping) await sleep(50);
  clearInterval(timer);
  await Promise.all(ticks);
  await database.close();
  process.exit(0);
}

// ——— the database ———
const pglite = process.argv.includes('--pglite');
if (!process.env.DATABASE_URL && !pglite) {
  console.error(
    'bench/monitoring.ts measures on PostgreSQL: set DATABASE_URL, e.g.\n' +
      '  (source .ci/run; set +e; PG_PORT=56400; MOTCUA_CI_PG_PORT=56400; pg_start; DATABASE_URL=$DATABASE_URL npx tsx bench/monitoring.ts; pg_stop)\n' +
      'or pass --pglite for a rough single-connection figure.',
  );
  process.exit(1);
}
const target = Date.parse('2026-03-03T09:30:00+07:00');
const clockOffset = target - Date.now();
const clock = offsetClock(clockOffset);
const masterKey = crypto.randomBytes(32).toString('base64');
const keys = new Keys(Buffer.from(masterKey, 'base64'));
let databaseUrl = '';
let dropDatabase = async () => {};
let database: Database;
if (pglite) {
  database = await openPglite();
  await migrate(database);
  await assumeAppRole(database);
} else {
  const name = `motcua_bench_mon_${crypto.randomBytes(4).toString('hex')}`;
  const admin = await openPostgres(process.env.DATABASE_URL!);
  await admin.db.execute(sql.raw(`CREATE DATABASE ${name}`));
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/${name}`;
  databaseUrl = u.toString();
  const owner = await openPostgres(databaseUrl);
  await migrate(owner);
  await owner.close();
  database = await openPostgres(databaseUrl, { role: APP_ROLE });
  dropDatabase = async () => {
    await admin.db.execute(sql.raw(`DROP DATABASE ${name} WITH (FORCE)`));
    await admin.close();
  };
}
const inTx = systemInTx(database, config, keys, clock);
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

// ——— a province: ten communes of twenty officers, three procedures, dossiers naming ~5,000 citizens ———
let serial = 0;
function person() {
  serial += 1;
  const year = 1950 + (serial % 55);
  const id = `019${year >= 2000 ? 2 : 0}${String(year % 100).padStart(2, '0')}${String(100_000 + serial).padStart(6, '0')}`;
  const family = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ'][serial % 10]!;
  const given = ['Văn An', 'Thị Bình', 'Minh Châu', 'Đức Dũng', 'Thu Hà', 'Quang Huy', 'Thị Lan', 'Hữu Nam', 'Ngọc Phương', 'Thanh Tùng', 'Thị Yến'][serial % 11]!;
  return { personalId: id, fullName: `${family} ${given}`, birthDate: `${year}-0${1 + (serial % 9)}-1${serial % 10}` };
}
const PROCEDURES = ['1.001193', '1.004194', '1.004222'];
const KINDS: Role[] = ['reception_officer', 'processing_officer', 'leader'];
interface Officer {
  actor: Actor;
  commune: number;
  self: { personalId: string; fullName: string; birthDate: string };
}
const { communes, adminId, portalId, province } = await inTx(async (ctx) => {
  await ensureJournalPartitions(ctx.tx, clock.now());
  await ensureLookupPartitions(ctx.tx, clock.now());
  const province = await importProvince(ctx.tx, config.provinceCode, clock.now());
  await importCatalogue(ctx);
  await seedCalendar(ctx);
  const communes = await ctx.tx.select().from(units).where(sql`${units.parentId} = ${province.id} AND ${units.kind} = 'commune'`).orderBy(units.code).limit(COMMUNES);
  const p = person();
  const admin = await insertAccount(ctx, { username: 'bench.admin', fullName: p.fullName, personalId: p.personalId, position: '', email: '', phone: '', unitId: province.id, password: 'Sông-Cầu-mùa-thu-2026', mustChangePassword: false });
  await insertGrant(ctx, admin.id, 'system_admin', province.id);
  await insertGrant(ctx, admin.id, 'unit_admin', province.id);
  await insertGrant(ctx, admin.id, 'reception_officer', province.id);
  await insertGrant(ctx, admin.id, 'security_officer', province.id);
  const portalId = crypto.randomUUID();
  await ctx.tx.insert(integrationClients).values({ id: portalId, name: 'Cổng dịch vụ công tỉnh', unitId: province.id, keyHash: crypto.randomBytes(32), procedures: PROCEDURES, fields: ['ho_ten'], createdBy: admin.id, createdAt: clock.now() });
  return { communes, adminId: admin.id, portalId, province };
});
const adminActor = (await inTx((ctx) => loadActor(ctx.tx, adminId)))!;
const asAdmin = <T>(fn: (ctx: Ctx) => Promise<T>) => inTx((ctx) => fn({ ...ctx, actor: adminActor }));
const offered = new Map<string, string>();
for (const code of PROCEDURES) {
  const o = await asAdmin((ctx) => offerProcedure(ctx, { code, level: 'commune', version: { ...SUGGESTED_VERSIONS[code]!, note: 'Benchmark' } }));
  offered.set(code, o.offered.id);
}
// officers: argon2 hashes one by one (as the accounts service does), ~200 of them
const officers: Officer[] = [];
for (const [c, commune] of communes.entries()) {
  const made = await inTx(async (ctx) => {
    const list: Officer[] = [];
    for (let k = 0; k < OFFICERS_PER_COMMUNE; k++) {
      const self = person();
      const username = `m.${c}.${k}`;
      const a = await insertAccount(ctx, { username, fullName: self.fullName, personalId: self.personalId, position: '', email: '', phone: '', unitId: commune.id, password: 'Sông-Cầu-mùa-thu-2026', mustChangePassword: false });
      await insertGrant(ctx, a.id, KINDS[k < 8 ? 0 : k < 16 ? 1 : 2]!, commune.id);
      list.push({ actor: (await loadActor(ctx.tx, a.id))!, commune: c, self });
    }
    return list;
  });
  officers.push(...made);
}
console.log(`[${elapsed()}] ${officers.length} officers in ${communes.length} communes`);
interface Dossier {
  id: string;
  code: string;
  versionId: string;
  procedure: string;
  unitId: string;
  subjects: { personalId: string; relation: string }[];
}
const dossiersOf: Dossier[][] = communes.map(() => []);
async function makeDossier(c: number, applicant: ReturnType<typeof person>, persons: (ReturnType<typeof person> & { relation: string })[]) {
  const procedure = PROCEDURES[dossiersOf[c]!.length % PROCEDURES.length]!;
  const d = await asAdmin((ctx) =>
    receiveDossier(ctx, { offeredProcedureId: offered.get(procedure)!, unitId: communes[c]!.id, channel: 'in_person', applicant: { ...applicant, phone: '', email: '', address: '' }, persons, receivedPapers: [] }),
  );
  const [row] = await database.db.select({ versionId: dossierTable.procedureVersionId }).from(dossierTable).where(eq(dossierTable.id, d.id));
  const dossier = { id: d.id, code: d.code, versionId: row!.versionId, procedure, unitId: communes[c]!.id, subjects: [{ personalId: applicant.personalId, relation: 'applicant' }, ...persons.map((p) => ({ personalId: p.personalId, relation: p.relation }))] };
  dossiersOf[c]!.push(dossier);
  return dossier;
}
// a dossier of each procedure per commune through the service, then the rest cloned from them in bulk (same columns,
// a new applicant each, a mother named in a third of them): receiving 25,000 dossiers one by one would take minutes
for (const [c] of communes.entries()) for (let k = 0; k < PROCEDURES.length; k++) await makeDossier(c, person(), []);
{
  const templates = await database.db.select().from(dossierTable);
  for (const [c] of communes.entries()) {
    const mine = templates.filter((t) => t.receivedUnitId === communes[c]!.id);
    for (let from = mine.length; from < DOSSIERS_PER_COMMUNE; from += 500) {
      const rows = [];
      const persons = [];
      for (let i = from; i < Math.min(from + 500, DOSSIERS_PER_COMMUNE); i++) {
        const t = mine[i % mine.length]!;
        const a = person();
        const id = crypto.randomUUID();
        rows.push({ ...t, id, code: `${t.code}-${i}`, applicantPersonalId: a.personalId, applicantName: a.fullName, applicantBirthDate: a.birthDate, searchText: a.fullName.toLowerCase(), searchWords: [] });
        const subjects = [{ personalId: a.personalId, relation: 'applicant' }];
        if (i % 3 === 0) {
          const m = person();
          persons.push({ dossierId: id, relation: 'mẹ', personalId: m.personalId, fullName: m.fullName, birthDate: m.birthDate });
          subjects.push({ personalId: m.personalId, relation: 'mẹ' });
        }
        dossiersOf[c]!.push({ id, code: `${t.code}-${i}`, versionId: t.procedureVersionId, procedure: t.procedureCode, unitId: communes[c]!.id, subjects });
      }
      await database.db.insert(dossierTable).values(rows);
      if (persons.length > 0) await database.db.insert(dossierPersons).values(persons);
    }
  }
}
// the officers who will look themselves up: a dossier at their commune names them
const snoops = officers.filter((o) => o.actor.grants.some((g) => g.role === 'reception_officer')).filter((_, i) => i % 10 === 3).slice(0, INJECTIONS);
const covers = new Map<Officer, Dossier>();
for (const o of snoops) covers.set(o, await makeDossier(o.commune, o.self, []));
const citizens = new Set(dossiersOf.flat().flatMap((d) => d.subjects.map((s) => s.personalId))).size;
console.log(`[${elapsed()}] ${dossiersOf.flat().length} dossiers naming ${citizens} citizens; ${snoops.length} officers have a dossier naming themselves`);

// ——— writing lookups as the gateway does: the record, its start and completion journaled ———
// Officers' activity is skewed (a few desks do most of it): weight 1/rank^0.7, the ranks shuffled over the communes;
// the portal does 15% of all lookups.
const ranked = [...officers];
for (let i = ranked.length - 1; i > 0; i--) {
  const j = (i * 7919 + 13) % (i + 1);
  [ranked[i], ranked[j]] = [ranked[j]!, ranked[i]!];
}
const weights = ranked.map((_, i) => 1 / Math.pow(i + 1, 0.7));
const cumulative: number[] = [];
weights.reduce((sum, w, i) => (cumulative[i] = sum + w), 0);
const pickOfficer = () => {
  const r = Math.random() * cumulative.at(-1)!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < r) lo = mid + 1;
    else hi = mid;
  }
  return ranked[lo]!;
};
const portalActor: Actor | null = null;
interface Lookup {
  caller: Officer | 'portal';
  dossier: Dossier;
  personalId: string;
  outcome: string;
}
function normalLookup(): Lookup {
  if (Math.random() < 0.15) {
    const d = dossiersOf[Math.floor(Math.random() * communes.length)]![Math.floor(Math.random() * DOSSIERS_PER_COMMUNE)]!;
    return { caller: 'portal', dossier: d, personalId: d.subjects[0]!.personalId, outcome: 'matched' };
  }
  const o = pickOfficer();
  const list = dossiersOf[o.commune]!;
  const d = list[Math.floor(Math.random() * DOSSIERS_PER_COMMUNE)]!;
  const s = d.subjects[Math.floor(Math.random() * d.subjects.length)]!;
  const r = Math.random();
  return { caller: o, dossier: d, personalId: s.personalId, outcome: r < 0.97 ? 'matched' : r < 0.99 ? 'mismatch' : 'not_found' };
}
const journaled = { entries: 0 };
async function write(batch: Lookup[], withJournal = true): Promise<void> {
  await database.db.transaction(async (tx) => {
    for (const l of batch) {
      const actor = l.caller === 'portal' ? portalActor : l.caller.actor;
      const ctx: Ctx = { actor, tx, clock, config, keys, ip: '10.9.0.1', userAgent: 'bench', requestId: crypto.randomUUID(), sessionId: null };
      const id = crypto.randomUUID();
      const now = clock.now();
      const subject = l.dossier.subjects.find((s) => s.personalId === l.personalId)!;
      await tx.insert(npdLookups).values({
        id,
        startedAt: now,
        accountId: l.caller === 'portal' ? null : l.caller.actor.accountId,
        clientId: l.caller === 'portal' ? portalId : null,
        unitId: l.caller === 'portal' ? province.id : l.caller.actor.unitId,
        dossierId: l.dossier.id,
        procedureVersionId: l.dossier.versionId,
        procedureCode: l.dossier.procedure,
        service: 'verify',
        subject: subject.relation,
        citizen: keys.citizenDigest(l.personalId),
        purpose: 'Benchmark',
        ...(withJournal ? {} : { completedAt: now, outcome: l.outcome, fieldsReturned: [] }),
      });
      if (!withJournal) continue;
      const client = l.caller === 'portal' ? { client: portalId } : {};
      await record(ctx, { type: 'npd.lookup.start', target: { type: 'dossier', id: l.dossier.id }, unitId: l.dossier.unitId, details: { lookup: id, service: 'verify', subject: subject.relation, procedure: l.dossier.procedure, fields: ['ho_ten'], ...client }, citizens: [l.personalId] });
      await tx.update(npdLookups).set({ completedAt: now, outcome: l.outcome, fieldsReturned: l.outcome === 'matched' ? ['ho_ten'] : [] }).where(eq(npdLookups.id, id));
      await record(ctx, { type: 'npd.lookup.complete', outcome: 'success', target: { type: 'dossier', id: l.dossier.id }, unitId: l.dossier.unitId, details: { lookup: id, outcome: l.outcome, fieldsReturned: [] }, citizens: [l.personalId] });
      journaled.entries += 2;
    }
  });
}

/** Lookups written at a steady rate (open loop, PER_TX to a transaction, up to 10 transactions in flight). */
async function steady(rate: number, seconds: number, make: () => Lookup, onTick?: (t: number) => Promise<void> | void) {
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  const inFlight = new Set<Promise<void>>();
  let written = 0;
  let behindMax = 0;
  for (let k = 0; k < total; k += PER_TX) {
    const due = t0 + (k * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    behindMax = Math.max(behindMax, -wait);
    while (inFlight.size >= 10) await Promise.race(inFlight);
    await onTick?.(performance.now() - t0);
    const batch = Array.from({ length: Math.min(PER_TX, total - k) }, make);
    const p = write(batch).then(() => void (written += batch.length));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  await Promise.all(inFlight);
  return { rate: written / ((performance.now() - t0) / 1000), behindMs: behindMax };
}

// ——— the ceiling: plain INSERTs of the lookup records alone, flat out with the same connections ———
async function flatOut(seconds: number, withJournal: boolean) {
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  let n = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (performance.now() < end) {
        const batch = Array.from({ length: PER_TX }, normalLookup);
        await write(batch, withJournal);
        n += batch.length;
      }
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}
// the setup's journal entries published and read before the measured run
{
  const signer = journalSigner('motcua/19/journal', crypto.generateKeyPairSync('ed25519').privateKey);
  while ((await integrate(database, signer, clock)) > 0);
  while ((await inTx(detect)) > 0);
}
const measuredFrom = clock.now();

// ——— the jobs: sequencer and detector every second, each in its own process (PGlite: in this one) ———
interface RunStat {
  role: 'sequencer' | 'detector';
  at: number;
  n: number;
  ms: number;
  cpuUs: number;
}
const runs: RunStat[] = [];
const children: ChildProcess[] = [];
let stopJobs: () => Promise<void>;
if (pglite) {
  const signer = journalSigner('motcua/19/journal', crypto.generateKeyPairSync('ed25519').privateKey);
  const timers = (['sequencer', 'detector'] as const).map((r) =>
    setInterval(async () => {
      const t0 = performance.now();
      const cpu = process.cpuUsage();
      const n = r === 'sequencer' ? await integrate(database, signer, clock) : await inTx(detect);
      const used = process.cpuUsage(cpu);
      runs.push({ role: r, at: Date.now(), n, ms: performance.now() - t0, cpuUs: used.user + used.system });
    }, 1000),
  );
  stopJobs = async () => timers.forEach(clearInterval);
} else {
  for (const r of ['--sequencer', '--detector']) {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), r], {
      env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, BENCH_CLOCK_OFFSET: String(clockOffset), BENCH_MASTER_KEY: masterKey },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (m: RunStat & { error?: string }) => {
      if (m.error) console.error(`${m.role}: ${m.error}`);
      else runs.push(m);
    });
    children.push(child);
  }
  stopJobs = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.send('stop');
          }),
      ),
    );
  };
}
await sleep(1500);

// ——— the measured run: RATE lookups/s for SECONDS, self lookups injected at known times ———
const injectAt = Array.from({ length: snoops.length }, (_, i) => ((i + 1) * SECONDS) / (snoops.length + 1));
const injected: { officer: Officer; committedAt: number; seenAt: number | null; raisedAt: Date | null; committedClock: number }[] = [];
let nextInjection = 0;
const observer = pglite ? database : await openPostgres(databaseUrl, { role: APP_ROLE });
let watching = true;
const watcher = (async () => {
  while (watching) {
    const waiting = injected.filter((i) => i.seenAt === null);
    if (waiting.length > 0) {
      const rows = await observer.db
        .select({ accountId: monitoringAlerts.accountId, raisedAt: monitoringAlerts.raisedAt })
        .from(monitoringAlerts)
        .where(sql`${monitoringAlerts.rule} = 'self_lookup' AND ${inArray(monitoringAlerts.accountId, waiting.map((i) => i.officer.actor.accountId))}`);
      const t = performance.now();
      for (const r of rows) {
        const i = waiting.find((w) => w.officer.actor.accountId === r.accountId);
        if (i) {
          i.seenAt = t;
          i.raisedAt = r.raisedAt;
        }
      }
    }
    await sleep(20);
  }
})();
const lagSamples: number[] = [];
const lagTimer = setInterval(async () => {
  const lag = await inTx((ctx) => detectorLag(ctx));
  lagSamples.push(lag.behind);
}, 2000);
console.log(`[${elapsed()}] writing ${RATE} lookups/s for ${SECONDS} s (${PER_TX} per transaction); sequencer and detector every second${pglite ? ' (PGlite: all in this process)' : ', each in its own process'}`);
const measured = await steady(RATE, SECONDS, normalLookup, async (t) => {
  if (nextInjection < snoops.length && t >= injectAt[nextInjection]! * 1000) {
    const officer = snoops[nextInjection++]!;
    const d = covers.get(officer)!;
    // written on its own, outside the steady stream's transactions, and timed from its commit
    void write([{ caller: officer, dossier: d, personalId: officer.self.personalId, outcome: 'matched' }]).then(() => {
      injected.push({ officer, committedAt: performance.now(), seenAt: null, raisedAt: null, committedClock: clock.now().getTime() });
    });
  }
});
const endOfWrites = performance.now();
// the detector catches up: how long after the last write is everything read?
let drainedAfter = NaN;
for (;;) {
  const lag = await inTx((ctx) => detectorLag(ctx));
  if (lag.behind === 0 && injected.every((i) => i.seenAt !== null)) {
    drainedAfter = performance.now() - endOfWrites;
    break;
  }
  if (performance.now() - endOfWrites > 120_000) break;
  await sleep(100);
}
clearInterval(lagTimer);
watching = false;
await watcher;
await stopJobs();
const seq = runs.filter((r) => r.role === 'sequencer' && r.n > 0);
const det = runs.filter((r) => r.role === 'detector' && r.n > 0);
const alertsRaised = (
  await database.db
    .select({ rule: monitoringAlerts.rule, n: sql<number>`count(*)`.mapWith(Number) })
    .from(monitoringAlerts)
    .where(sql`${monitoringAlerts.raisedAt} >= ${measuredFrom.toISOString()}::timestamptz`)
    .groupBy(monitoringAlerts.rule)
).map((r) => `${r.rule} ${r.n}`);

// ——— flat out on a backlog: the detector alone, as fast as it goes ———
console.log(`[${elapsed()}] backlog: ${BACKLOG.toLocaleString('en')} lookups written, published, then read by the detector flat out`);
const signer = journalSigner('motcua/19/journal', crypto.generateKeyPairSync('ed25519').privateKey);
{
  let left = BACKLOG;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (left > 0) {
        const n = Math.min(20, left);
        left -= n;
        await write(Array.from({ length: n }, normalLookup));
      }
    }),
  );
  while ((await integrate(database, signer, clock)) > 0);
}
const flat: { n: number; ms: number; cpuUs: number }[] = [];
{
  for (;;) {
    const t0 = performance.now();
    const cpu = process.cpuUsage();
    const n = await inTx(detect);
    const used = process.cpuUsage(cpu);
    if (n === 0) break;
    flat.push({ n, ms: performance.now() - t0, cpuUs: used.user + used.system });
  }
}

// ——— where the detector's time goes: the last batch of the backlog replayed through evaluate(), rule by rule ———
const replay = await database.db.select().from(npdLookups).orderBy(sql`${npdLookups.startedAt} DESC`).limit(2500);
const events: MonitoredEvent[] = replay.reverse().map((l, i) => lookupEvent(l, i));
const perRule: { rule: RuleName | 'all'; ms: number; drafts: number; queries: string }[] = [];
for (const rule of [...RULE_NAMES, 'all' as const]) {
  const only = Object.fromEntries(RULE_NAMES.map((r) => [r, { ...DEFAULT_RULES[r], enabled: rule === 'all' || r === rule }])) as typeof DEFAULT_RULES;
  const asked = new Map<string, { n: number; ms: number }>();
  const t0 = performance.now();
  const drafts = await inTx(async (ctx) => {
    const history = sqlHistory(ctx);
    // each question of the rules' history timed
    const timed = Object.fromEntries(
      Object.entries(history).map(([name, fn]) => [
        name,
        async (...args: unknown[]) => {
          const q0 = performance.now();
          try {
            return await (fn as (...a: unknown[]) => Promise<unknown>).apply(timed, args);
          } finally {
            const seen = asked.get(name) ?? { n: 0, ms: 0 };
            asked.set(name, { n: seen.n + 1, ms: seen.ms + performance.now() - q0 });
          }
        },
      ]),
    ) as unknown as History;
    return evaluate(timed, events, only);
  });
  const ms = performance.now() - t0;
  const top = [...asked].sort((x, y) => y[1].ms - x[1].ms).slice(0, 3).map(([name, q]) => `${name} ${q.n}× ${q.ms.toFixed(0)} ms`);
  perRule.push({ rule, ms, drafts: drafts.length, queries: top.join(', ') });
}

// ——— the ceiling: plain INSERTs of the lookup records alone, flat out with the same connections (at the end: their rows
// would otherwise weigh on the rules' windows) ———
const insertCeiling = await flatOut(5, false);
const journaledCeiling = await flatOut(5, true);

// ——— the figures ———
const seen = injected.filter((i) => i.seenAt !== null);
const latencies = seen.map((i) => i.seenAt! - i.committedAt);
const stamped = seen.map((i) => i.raisedAt!.getTime() - i.committedClock);
const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);
// two journal entries per lookup; the detector reads both (and any others), the rules judge one event per lookup
const detEntries = sum(det, (r) => r.n);
const detMs = sum(det, (r) => r.ms);
const detCpu = sum(det, (r) => r.cpuUs);
const flatEntries = sum(flat, (r) => r.n);
const flatMs = sum(flat, (r) => r.ms);
const flatCpu = sum(flat, (r) => r.cpuUs);
const flatLookups = flatEntries / 2;
const flatRate = flatLookups / (flatMs / 1000);
console.log(`\nmachine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? ''}), ${database.kind}; the writers, PostgreSQL, the sequencer and the detector share them`);
console.log(`the HTTP gateway is bypassed here (it does ~220 lookups/s on this machine, bench/gateway.ts): records and journal entries are written directly, start and completion in one transaction per lookup${PER_TX > 1 ? ` (${PER_TX} lookups per transaction)` : ''}`);
console.log(`ceiling: ${insertCeiling.toFixed(0)} plain lookup INSERTs/s; ${journaledCeiling.toFixed(0)} lookups/s with their two journal entries`);
console.log(`steady run: ${measured.rate.toFixed(0)} lookups/s achieved of ${RATE} asked (${(measured.rate / insertCeiling).toFixed(2)} × the plain INSERT ceiling) for ${SECONDS} s; the writer fell behind its schedule by up to ${measured.behindMs.toFixed(0)} ms`);
console.log(
  `  sequencer: ${seq.length} runs, median ${median(seq.map((r) => r.ms)).toFixed(0)} ms, max ${Math.max(...seq.map((r) => r.ms)).toFixed(0)} ms, ${median(seq.map((r) => r.n)).toFixed(0)} entries per run`,
);
console.log(
  `  detector: ${det.length} runs, median ${median(det.map((r) => r.ms)).toFixed(0)} ms, max ${Math.max(...det.map((r) => r.ms)).toFixed(0)} ms, ${median(det.map((r) => r.n)).toFixed(0)} entries per run; ` +
    `detector lag sampled every 2 s: median ${median(lagSamples).toFixed(0)}, max ${Math.max(...lagSamples, 0)} entries; all read ${(drainedAfter / 1000).toFixed(1)} s after the last write`,
);
console.log(
  `  rules' cost per lookup (detector wall / CPU of its process, per lookup event = 2 journal entries): ${((2 * detMs) / detEntries).toFixed(3)} ms wall, ${((2 * detCpu) / detEntries).toFixed(0)} µs CPU; the detector was busy ${((100 * detMs) / (SECONDS * 1000 + drainedAfter)).toFixed(0)}% of the time`,
);
console.log(`  alerts raised: ${alertsRaised.join(', ')}`);
console.log(
  `  (a stress, not a day's work: every officer here looks up several times a minute, so volume_spike fires for all above 60 an hour (no usual level yet), and the ${(COMMUNES * DOSSIERS_PER_COMMUNE).toLocaleString('en')} dossiers come round again within seconds, so citizen_many_accounts fires for the citizens four accounts happen to meet)`,
);
console.log(
  `alert latency, self lookup committed → alert row visible (polled every 20 ms), ${seen.length}/${injected.length} injected: p50 ${median(latencies).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (raised_at − commit: p50 ${median(stamped).toFixed(0)} ms)  (target < 5,000 ms)`,
);
console.log(
  `flat out on a backlog of ${BACKLOG.toLocaleString('en')} lookups: ${flatRate.toFixed(0)} lookup events/s (${flat.length} runs of up to 5,000 entries, median ${median(flat.map((r) => r.ms)).toFixed(0)} ms) = ${(flatRate / insertCeiling).toFixed(2)} × the plain INSERT ceiling, ${(flatRate / RATE).toFixed(1)} × the ${RATE}/s target; ` +
    `${((2 * flatMs) / flatEntries).toFixed(3)} ms wall, ${((2 * flatCpu) / flatEntries).toFixed(0)} µs CPU of this process per lookup`,
);
const together = perRule.find((r) => r.rule === 'all')!;
console.log(`\nrules' cost, the last ${events.length.toLocaleString('en')} lookups replayed through evaluate() one rule at a time (wall ms for the batch, per lookup, the costliest history questions):`);
for (const r of perRule.filter((x) => x.rule !== 'all').sort((x, y) => y.ms - x.ms)) {
  console.log(`  ${r.rule.padEnd(26)} ${r.ms.toFixed(0).padStart(6)} ms  ${((1000 * r.ms) / events.length).toFixed(0).padStart(5)} µs/lookup  ${String(r.drafts).padStart(4)} drafts  ${r.queries}`);
}
console.log(
  `  ${'all rules, one evaluate()'.padEnd(26)} ${together.ms.toFixed(0).padStart(6)} ms  ${((1000 * together.ms) / events.length).toFixed(0).padStart(5)} µs/lookup  ${String(together.drafts).padStart(4)} drafts  ${together.queries}` +
    `\n  (detect() as a whole, with reading the journal and storing the alerts, flat out above: ${((2 * flatMs) / flatEntries).toFixed(3)} ms per lookup)`,
);
if (!pglite) await observer.close();
await database.close();
await dropDatabase();
