import { sql, type Logger } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadActor } from '../src/modules/accounts/accounts.service.ts';
import { detect } from '../src/modules/monitoring/detector.ts';
import { sqlHistory, type Caller } from '../src/modules/monitoring/history.ts';
import { sendPendingEmails } from '../src/modules/monitoring/mail.ts';
import { NpdGateway } from '../src/modules/registry/gateway.ts';
import { lookUp } from '../src/modules/registry/lookups.service.ts';
import type { NpdAdapter } from '../src/modules/registry/npd-client.ts';
import type { Ctx } from '../src/platform/context.ts';
import type { Db, Executor } from '../src/platform/db.ts';
import { offerBirthRegistration, receive } from './dossier-fixtures.ts';
import { Client, startTestSystem, type Officer, type TestSystem } from './harness.ts';

/**
 * The queries that run every second (the detector, the mail job) or on every request and lookup (the session check,
 * the bell, the work queues, the gateway's checks) must cost the same on the first day and after years of journal,
 * lookups, dossiers, sessions and notifications. Each test runs the real code on a recording connection, then asks
 * PostgreSQL for the plan of every statement it sent (EXPLAIN ANALYZE, rolled back) over a few hundred thousand rows:
 * no sequential scan of a big table, and no statement reading more rows of them than a window or a page holds.
 */

/** Tables that grow with the system's age (their monthly partitions included). */
const BIG = /^(npd_lookups(_y\d{4}m\d{2}|_default)?|journal(_y\d{4}m\d{2}|_default)?|journal_index|dossiers|dossier_persons|sessions|notifications)$/;
/** Rows of the big tables one statement may read: a page, a window of the busiest officer, not their history. */
const MAX_ROWS_READ = 1500;

const NOW = new Date('2026-03-02T02:00:00Z');
/**
 * Half a year of a province, a fifth of it the busy officer's: 10,000 lookups (about 55 a day), 10,000 journal entries
 * of which 2,500 sign-ins, 5,000 dossiers assigned to them, 4,000 sessions never signed out; the security officer's
 * 13,000 notifications. Enough for a plan that reads a history to read thousands of rows, small enough to load in seconds.
 */
const LOOKUPS = 50_000;
const JOURNAL = 50_000;
const DOSSIERS = 25_000;
const SESSIONS = 40_000;
const NOTIFICATIONS = 40_000;

class Recorder implements Logger {
  on = false;
  statements: { text: string; params: unknown[] }[] = [];
  logQuery(text: string, params: unknown[]) {
    if (this.on && /^\s*(select|insert|update|delete|with)\b/i.test(text)) this.statements.push({ text, params });
  }
}

let sys: TestSystem;
let recorder: Recorder;
/** The same database through a connection that records every statement the code sends. */
let recorded: Db;
let recordedApp: FastifyInstance;
let heavy: Officer;
let security: Officer;
let heavyClient: Client;
let securityClient: Client;
let offered: string;
let bigRelations: Set<string>;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Plan Rows'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

interface Finding {
  statement: string;
  seqScans: string[];
  rowsRead: number;
  scans: string[];
}

/** Walks a plan: sequential scans of big tables, and the rows read from big tables (kept and filtered out, every loop). */
function inspect(node: PlanNode, into: Omit<Finding, 'statement'>) {
  const relation = node['Relation Name'];
  if (relation && BIG.test(relation)) {
    const loops = node['Actual Loops'] ?? 1;
    const rows = node['Actual Rows'] !== undefined ? node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0) : (node['Plan Rows'] ?? 0);
    const read = Math.round(rows * loops);
    into.rowsRead += read;
    into.scans.push(`${node['Node Type']} ${relation}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}: ${read} rows (${node['Actual Rows'] ?? '?'} kept, ${node['Rows Removed by Filter'] ?? 0} filtered, × ${loops})`);
    if (node['Node Type'] === 'Seq Scan' && bigRelations.has(relation)) into.seqScans.push(relation);
  }
  for (const child of node.Plans ?? []) inspect(child, into);
}

/** A recorded statement as drizzle SQL again, its $n placeholders bound to the same values. */
function rebuild({ text, params }: { text: string; params: unknown[] }) {
  const parts = text.split(/\$(\d+)\b/);
  return sql.join(parts.map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql.param(params[Number(part) - 1]))));
}

const ROLLBACK = new Error('roll back');
const planOf = (rows: unknown[]): PlanNode => {
  const cell = Object.values(rows[0] as Record<string, unknown>)[0];
  return (typeof cell === 'string' ? JSON.parse(cell) : cell)[0].Plan;
};

/** EXPLAIN ANALYZE of each statement, each rolled back (a write that cannot run twice is only EXPLAINed). */
async function explainAll(statements: { text: string; params: unknown[] }[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  await sys.database.db
    .transaction(async (tx) => {
      for (const statement of statements) {
        let plan: PlanNode | undefined;
        // an INSERT cannot run twice (its keys are taken): its plan is only EXPLAINed
        if (!/^\s*insert\b/i.test(statement.text)) await tx
          .transaction(async (sp) => {
            const result = (await sp.execute(sql`EXPLAIN (ANALYZE, FORMAT JSON) ${rebuild(statement)}`)) as unknown as { rows: unknown[] };
            plan = planOf(result.rows);
            throw ROLLBACK;
          })
          // a write that cannot run twice (a lookup is completed once): its plan without running it
          .catch(() => {});
        if (!plan) plan = planOf(((await tx.execute(sql`EXPLAIN (FORMAT JSON) ${rebuild(statement)}`)) as unknown as { rows: unknown[] }).rows);
        const finding: Finding = { statement: statement.text.replace(/\s+/g, ' ').slice(0, 400), seqScans: [], rowsRead: 0, scans: [] };
        inspect(plan, finding);
        findings.push(finding);
      }
      throw ROLLBACK;
    })
    .catch((err: Error) => {
      if (err !== ROLLBACK) throw err;
    });
  return findings;
}

/** Runs `fn` with recording on, then checks the plan of every statement it sent. */
async function expectBounded(fn: () => Promise<unknown>, options: { atLeast?: number; maxRows?: number } = {}) {
  recorder.statements = [];
  recorder.on = true;
  try {
    await fn();
  } finally {
    recorder.on = false;
  }
  const statements = recorder.statements;
  expect(statements.length).toBeGreaterThanOrEqual(options.atLeast ?? 1);
  const findings = await explainAll(statements);
  const bad = findings.filter((f) => f.seqScans.length > 0 || f.rowsRead > (options.maxRows ?? MAX_ROWS_READ));
  expect(bad.map((f) => `${f.statement}\n    ${f.scans.join('\n    ')}`)).toEqual([]);
  return findings;
}

/** A Ctx on the recording connection, for the services and jobs called directly. */
function recordedInTx(actor: Ctx['actor'] = null) {
  return <T>(fn: (ctx: Ctx) => Promise<T>) =>
    recorded.transaction((tx) =>
      fn({ actor, tx: tx as unknown as Executor, clock: sys.clock, config: sys.config, keys: sys.keys, ip: '10.9.0.1', userAgent: 'test', requestId: 'plans', sessionId: null }),
    );
}

/** The big tables loaded in SQL as the owner: six months of a province's history, the busy officer's in it. */
async function loadHistory() {
  const communes = sys.communes.slice(0, 20).map((u) => u.id);
  const home = sys.communes[0]!.id;
  const versions = (await sys.database.db.execute(sql`SELECT id FROM procedure_versions LIMIT 1`)) as unknown as { rows: { id: string }[] };
  const versionId = versions.rows[0]!.id;
  const now = NOW.toISOString();
  await sys.database.db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL ROLE NONE`);
    await tx.execute(sql`SELECT journal_month_partition(m::date), npd_lookups_month_partition(m::date) FROM generate_series('2025-04-01'::date, '2026-04-01'::date, interval '1 month') m`);
    // 100 more officers in 20 communes, half of them without an e-mail address
    await tx.execute(sql`
      INSERT INTO accounts (username, personal_id, full_name, email, search_text, unit_id, status, status_changed_at, password_hash, password_changed_at, must_change_password, created_at)
      SELECT 'bulk.' || i, '0790' || lpad(i::text, 8, '0'), 'Trần Văn ' || i, CASE WHEN i % 2 = 0 THEN 'qp' || i || '@example.invalid' ELSE '' END, 'tran van ' || i,
             (${sql.param(communes)}::uuid[])[1 + i % 20], 'active', ${now}::timestamptz, (SELECT password_hash FROM accounts WHERE id = ${heavy.id}), ${now}::timestamptz, false, ${now}::timestamptz
      FROM generate_series(0, 99) i`);
    await tx.execute(sql`INSERT INTO role_grants (account_id, role, unit_id, granted_at) SELECT id, 'processing_officer', unit_id, ${now}::timestamptz FROM accounts WHERE username LIKE 'bulk.%'`);
    // dossiers over a year, one in four received at the busy officer's commune, one in ten assigned to them
    await tx.execute(sql`
      INSERT INTO dossiers (id, code, procedure_version_id, procedure_code, received_unit_id, processing_unit_id, assignee_id, status, channel, received_at, received_by, working_days, due_at,
                            applicant_personal_id, applicant_name, applicant_birth_date, applicant_phone, applicant_email, applicant_address, search_text, search_words, updated_at)
      SELECT gen_random_uuid(), 'QP-' || i, ${versionId}, '1.001193', u, u, CASE WHEN i % 5 = 0 THEN ${heavy.id}::uuid END,
             CASE WHEN i % 50 = 0 THEN 'processing' ELSE 'result_returned' END, 'in_person', t, ${heavy.id}, 5, t + interval '7 days',
             '0190' || lpad(i::text, 8, '0'), 'Nguyễn Văn ' || i, '1990-01-01', '', '', 'Thái Nguyên', 'qp-' || i || ' nguyen van ' || i, ARRAY['nguyen', 'van', i::text], t
      FROM generate_series(1, ${DOSSIERS}) i,
           LATERAL (SELECT ${now}::timestamptz - (${DOSSIERS} - i) * interval '20 minutes' AS t, CASE WHEN i % 4 = 0 THEN ${home}::uuid ELSE (${sql.param(communes)}::uuid[])[1 + i % 20] END AS u) x`);
    // lookups over six months for 20 procedures, two per dossier: every fifth the busy officer's, always «verify» for the same procedure
    await tx.execute(sql`
      WITH a AS (SELECT id, unit_id, (row_number() OVER (ORDER BY username) - 1)::int AS n FROM accounts WHERE username LIKE 'bulk.%'),
           d AS (SELECT id, (row_number() OVER (ORDER BY code) - 1)::int AS n FROM dossiers WHERE code LIKE 'QP-%')
      INSERT INTO npd_lookups (id, started_at, account_id, unit_id, dossier_id, procedure_version_id, procedure_code, service, subject, citizen, purpose, completed_at, outcome, fields_returned)
      SELECT gen_random_uuid(), t, CASE WHEN i % 5 = 0 THEN ${heavy.id}::uuid ELSE a.id END, CASE WHEN i % 5 = 0 THEN ${home}::uuid ELSE a.unit_id END, d.id, ${versionId}, CASE WHEN i % 5 = 0 THEN '1.001193' ELSE '1.00' || (1000 + i % 20) END,
             CASE WHEN i % 5 <> 0 AND i % 20 = 3 THEN 'find' ELSE 'verify' END, 'applicant', md5((i % 20000)::text), 'Đăng ký khai sinh', t + interval '1 second', CASE WHEN i % 7 = 0 THEN 'not_found' ELSE 'matched' END, '{ho_ten}'
      FROM generate_series(1, ${LOOKUPS}) i
      JOIN a ON a.n = i % 100
      JOIN d ON d.n = i % ${DOSSIERS},
      LATERAL (SELECT ${now}::timestamptz - interval '1 hour' - (${LOOKUPS} - i) * interval '320 seconds' AS t) x`);
    // the journal: views, sign-ins from three addresses, refusals; a fifth of it the busy officer's, the refusals
    // (lookups, other requests) an integration key's, named in the details as the application records them
    await tx.execute(sql`
      INSERT INTO journal (at, type, outcome, actor_account_id, actor_unit_id, target_type, target_id, unit_id, ip, details)
      SELECT ${now}::timestamptz - interval '1 hour' - (${JOURNAL} - i) * interval '320 seconds',
             CASE i % 20 WHEN 0 THEN 'auth.sign_in' WHEN 1 THEN 'npd.lookup.refused' WHEN 11 THEN 'request.refused' ELSE 'dossier.view' END,
             CASE i % 20 WHEN 0 THEN 'success' WHEN 1 THEN 'refused' WHEN 11 THEN 'refused' ELSE 'success' END,
             CASE WHEN i % 5 = 0 THEN ${heavy.id}::uuid END, ${home}::uuid, 'dossier', i::text, ${home}::uuid, '10.1.' || (i % 3) || '.1',
             CASE WHEN i % 10 = 1 THEN jsonb_build_object('client', ${busyKey}::text) ELSE '{}' END
      FROM generate_series(1, ${JOURNAL}) i`);
    // the detector's next batch: the completion entries of the latest 300 lookups
    await tx.execute(sql`
      INSERT INTO journal (at, type, outcome, actor_account_id, actor_unit_id, target_type, target_id, unit_id, details)
      SELECT l.started_at + interval '1 second', 'npd.lookup.complete', 'success', l.account_id, l.unit_id, 'dossier', l.dossier_id::text, l.unit_id, jsonb_build_object('lookup', l.id, 'outcome', l.outcome)
      FROM (SELECT * FROM npd_lookups ORDER BY started_at DESC LIMIT 300) l ORDER BY l.started_at`);
    await tx.execute(sql`
      INSERT INTO journal_index (idx, seq, leaf_hash)
      SELECT (SELECT coalesce(max(idx), -1) FROM journal_index) + row_number() OVER (ORDER BY seq), seq, decode('00', 'hex')
      FROM journal j WHERE NOT EXISTS (SELECT FROM journal_index i WHERE i.seq = j.seq)`);
    await tx.execute(sql`
      INSERT INTO monitoring_cursor (id, position, updated_at) VALUES (true, (SELECT max(idx) - 300 FROM journal_index), ${now}::timestamptz)
      ON CONFLICT (id) DO UPDATE SET position = excluded.position`);
    // sessions: a fifth the busy officer's, half of those never signed out (the browser closed), and some of the others'
    await tx.execute(sql`
      WITH a AS (SELECT id, (row_number() OVER (ORDER BY username) - 1)::int AS n FROM accounts WHERE username LIKE 'bulk.%')
      INSERT INTO sessions (id, secret_hash, account_id, stage, created_at, last_seen_at, expires_at, ended_at, end_reason, ip, user_agent)
      SELECT 'qp' || i, decode('00', 'hex'), CASE WHEN i % 5 = 0 THEN ${heavy.id}::uuid ELSE a.id END, 'full', t, t + interval '1 hour', t + interval '8 hours',
             CASE WHEN i % 10 = 0 OR i % 7 = 0 THEN NULL ELSE t + interval '2 hours' END, CASE WHEN i % 10 = 0 OR i % 7 = 0 THEN NULL ELSE 'sign_out' END, '10.2.0.' || (i % 200), 'Mozilla/5.0'
      FROM generate_series(1, ${SESSIONS}) i JOIN a ON a.n = i % 100,
      LATERAL (SELECT ${now}::timestamptz - interval '1 day' - (${SESSIONS} - i) * interval '6 minutes' AS t) x`);
    // notifications: a third the security officer's (read, e-mailed), a third an officer without e-mail (never sent)
    await tx.execute(sql`
      INSERT INTO notifications (account_id, at, kind, target_type, target_id, text_vi, text_en, read_at, emailed_at)
      SELECT CASE i % 3 WHEN 0 THEN ${security.id}::uuid WHEN 1 THEN (SELECT id FROM accounts WHERE username = 'bulk.1') ELSE (SELECT id FROM accounts WHERE username = 'bulk.2') END,
             t, 'alert', 'monitoring_case', gen_random_uuid(), 'Cảnh báo', 'Alert', CASE WHEN i % 3 = 1 THEN NULL ELSE t END, CASE WHEN i % 3 = 1 THEN NULL ELSE t END
      FROM generate_series(1, ${NOTIFICATIONS}) i, LATERAL (SELECT ${now}::timestamptz - interval '2 days' - (${NOTIFICATIONS} - i) * interval '6 minutes' AS t) x`);
    await tx.execute(sql`ANALYZE`);
  });
  const sizes = (await sys.database.db.execute(sql`SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND reltuples > 1000`)) as unknown as { rows: { relname: string }[] };
  bigRelations = new Set(sizes.rows.map((r) => r.relname).filter((name) => BIG.test(name)));
}

beforeAll(async () => {
  sys = await startTestSystem();
  offered = await offerBirthRegistration(sys);
  const home = sys.communes[0]!;
  heavy = await sys.officer({ username: 'qp.heavy', unit: home, roles: ['reception_officer', 'processing_officer'] });
  security = await sys.officer({ username: 'qp.security', unit: sys.province, roles: ['security_officer'] });
  await loadHistory();
  recorder = new Recorder();
  const client = (sys.database.db as unknown as { $client: never }).$client;
  recorded = (sys.database.kind === 'pglite' ? drizzlePglite(client, { logger: recorder }) : drizzlePg(client, { logger: recorder })) as unknown as Db;
  recordedApp = await buildApp({ config: sys.config, database: { ...sys.database, db: recorded }, keys: sys.keys, clock: sys.clock });
  const signedIn = async (o: Officer, ip: string) => {
    const c = await sys.signedIn(o, ip);
    const on = new Client(recordedApp, ip);
    on.cookie = c.cookie;
    on.csrf = c.csrf;
    return on;
  };
  heavyClient = await signedIn(heavy, '10.1.0.1');
  securityClient = await signedIn(security, '10.3.0.1');
}, 120_000);

afterAll(async () => {
  await recordedApp?.close();
  await sys?.close();
});

const heavyCaller = (): Caller => ({ accountId: heavy.id, clientId: null });
/** An integration key (another provincial system): it has no account, the journal names it in an entry's details. */
const busyKey = crypto.randomUUID();
const hoursAgo = (h: number) => new Date(sys.clock.now().getTime() - h * 3_600_000);

describe('Hot queries read what they need, whatever the size of the history', () => {
  it('R17, R48: the session check and the officer behind every request read their own rows, whatever the number of sessions', async () => {
    await expectBounded(async () => {
      expect((await heavyClient.get('/api/auth/me')).statusCode).toBe(200);
      expect((await heavyClient.get('/api/npd/status')).statusCode).toBe(200);
    });
  });

  it('R16: a sign-in looks for another live session among the live ones, not among every session the officer ever left open', async () => {
    await expectBounded(async () => {
      const c = new Client(recordedApp, '10.1.1.1', 'Another browser');
      const first = await c.post('/api/auth/sign-in', { username: heavy.username, password: heavy.password });
      expect(first.statusCode).toBe(200);
      await c.refresh();
      expect((await c.post('/api/auth/otp', { code: sys.nextCode(heavy.totpKey!) })).statusCode).toBe(200);
    });
  });

  it('Issue 6 item 2: the notification bell reads the latest notifications and the unread ones, not every notification the officer ever had', async () => {
    await expectBounded(async () => {
      expect((await securityClient.get('/api/notifications')).statusCode).toBe(200);
      await securityClient.refresh();
      expect((await securityClient.post('/api/notifications/read')).statusCode).toBe(204);
    });
  });

  it('Issue 6 item 2: the mail job reads the last day of unsent notifications, not every one never sent', async () => {
    await expectBounded(() => sendPendingEmails(recordedInTx(), { smtp: { url: 'smtp://127.0.0.1:9', from: 'x@example.invalid' }, publicUrl: 'http://localhost' }));
  });

  it('Issue 4: the work queues and the reception search read a page, not the unit’s whole history', async () => {
    await expectBounded(async () => {
      for (const query of ['queue=desk', 'queue=processing', 'queue=mine', 'queue=desk&status=processing', 'queue=mine&status=processing', 'queue=processing&status=processing', 'q=nguyen&queue=desk', 'q=QP-99&queue=desk']) {
        const res = await heavyClient.get(`/api/dossiers?${query}&limit=51`);
        expect(res.statusCode, query).toBe(200);
      }
    });
  });

  it('R36, R43: a lookup’s checks and records (dossier, suspensions, counters, the record itself) read only their own rows, whatever the number of lookups', async () => {
    const desk = await sys.signedIn(heavy, '10.1.0.2');
    const dossier = await receive(desk, offered, sys.communes[0]!.id);
    const [row] = ((await sys.database.db.execute(sql`SELECT applicant_personal_id AS id FROM dossiers WHERE id = ${dossier.id}`)) as unknown as { rows: { id: string }[] }).rows;
    const adapter: NpdAdapter = {
      verify: async () => ({ outcome: 'matched', record: { ho_ten: 'Nguyễn Thị Lan' } }) as never,
      find: async () => ({ outcome: 'not_found' }) as never,
      requestLog: async () => [],
      close: async () => {},
    };
    // the fail-closed check reads only what is new (its own test, in the journal module); the NPD is a stub here
    const gateway = new (class extends NpdGateway {
      override adapter = async () => adapter;
      override journalFailClosed = async () => false;
    })({ timeoutMs: 1000 });
    const actor = (await loadActor(sys.database.db, heavy.id))!;
    await expectBounded(() => lookUp(recordedInTx(actor), gateway, { kind: 'officer', actor }, { dossier: { id: dossier.id }, personalId: row!.id, service: 'verify' }));
    await expectBounded(async () => expect((await heavyClient.get(`/api/dossiers/${dossier.id}/lookups`)).statusCode).toBe(200));
  });

  it('Issue 6: a detector run reads its batch and its callers’ windows, not the journal or the lookups since the beginning', async () => {
    // 300 entries in the batch: what its callers, dossiers and citizens bring along is a few rows per entry
    const findings = await expectBounded(() => recordedInTx()(detect), { atLeast: 5, maxRows: 300 * 20 });
    expect(findings.some((f) => /journal_index/.test(f.statement))).toBe(true);
  });

  it('Issue 6: every question the detection rules ask about the past reads a window or a key, for the busiest officer too', async () => {
    const [last] = ((await sys.database.db.execute(sql`SELECT id, started_at, dossier_id, citizen FROM npd_lookups WHERE account_id = ${heavy.id} ORDER BY started_at DESC LIMIT 1`)) as unknown as {
      rows: { id: string; started_at: string; dossier_id: string; citizen: string }[];
    }).rows;
    const at = new Date(last!.started_at);
    await expectBounded(
      () =>
        recordedInTx()(async (ctx) => {
          const h = sqlHistory(ctx);
          await h.accounts([heavy.id]);
          await h.dossiers([last!.dossier_id]);
          await h.accountsOfCitizens([{ citizen: last!.citizen, dossierId: last!.dossier_id }]);
          await h.windowCounts([heavyCaller()], hoursAgo(2), at);
          await h.lookupsBy([heavyCaller()], hoursAgo(2), at);
          await h.citizensLookedUp([{ caller: heavyCaller(), from: hoursAgo(2), to: at, failedOnly: false }, { caller: heavyCaller(), from: hoursAgo(1), to: at, failedOnly: true }]);
          await h.lookupsOf([last!.citizen], hoursAgo(24), at);
          await h.citizenCallers([last!.citizen], hoursAgo(24), at);
          await h.citizensInDossiers([last!.dossier_id]);
          await h.unitActivity(sys.communes[0]!.id, ['reception_officer', 'processing_officer'], hoursAgo(1), at);
          // a first use: the officer has never used «find», nor this procedure code
          await h.priorUse([
            { accountId: heavy.id, procedureCode: '1.001193', service: 'find', before: at, lookupId: last!.id },
            { accountId: heavy.id, procedureCode: '9.999999', service: 'verify', before: at, lookupId: last!.id },
          ]);
          await h.signInAddresses([heavy.id], hoursAgo(90 * 24));
          await h.refusals([heavyCaller()], hoursAgo(1), at);
          await h.refusals([{ accountId: null, clientId: busyKey }], hoursAgo(1), at);
        }),
      { atLeast: 14 },
    );
    // the volume rule's usual level, asked only for callers above its minimum: the 14 days before today, a window of
    // time (about 750 lookups of this officer, 3,800 of the province: PostgreSQL may read either)
    await expectBounded(() => recordedInTx()((ctx) => sqlHistory(ctx).activity([heavyCaller()], hoursAgo(15 * 24), hoursAgo(24), 60)), { maxRows: 5000 });
  });
});
