/**
 * Journal scale figures (issue 12): the sequencer runs every second and the fail-closed check up to once a second per
 * process, so their queries must cost the same at 100k, 1M and 10M entries, and a sequencer that has fallen behind must
 * read a batch a run, not its backlog. For each size the journal is grown to N entries (bulk loaded, with their tree
 * positions and a checkpoint of size N), then, median of RUNS runs, each beside the ceiling (a plain indexed read of
 * one entry by seq) with the ratio:
 *   - integrate() of 100 new entries appended with record(), and integrate() with nothing new (the idle second);
 *   - journalPublication() without a witness, and with a witness that is behind;
 *   - each query builder alone (pendingEntries and oldestWaiting under INDEX_ORDER, as the sequencer runs them;
 *     entryAtPosition, latestCheckpointRow).
 * Then, at each size, two scenarios the steady state never shows:
 *   - backlog: BACKLOG entries wait after the cursor (appended by a few large transactions), first with the statistics
 *     of before the backlog (not analyzed), then after ANALYZE: integrate()'s first BACKLOG_RUNS runs (each must take
 *     4096), pendingEntries and oldestWaiting alone, and how many rows and buffers their plans read (EXPLAIN (ANALYZE,
 *     BUFFERS) under INDEX_ORDER: about 4096 journal rows, not the backlog); then the backlog is drained and timed;
 *   - PostgreSQL only: a transaction left open in another database of the cluster (the admin database of
 *     DATABASE_URL), which makes the writers' horizon subquery (pg_locks ⋈ pg_stat_activity) run, alone and with
 *     IDLE_CONNECTIONS more idle connections to the bench database (the pools of several servers).
 * Last, a table of every median by size, and the plans at the largest size with 100 entries waiting.
 *
 * Run: npx tsx bench/journal-scale.ts   (PGlite in a temporary directory; SIZES default 100000,1000000)
 *      DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres npx tsx bench/journal-scale.ts
 *        (PostgreSQL: a login that may create databases; the benchmark works in its own database, motcua_bench_scale,
 *        dropped at the start and at the end; SIZES default 100000,1000000,10000000)
 * Settings: SIZES (comma-separated, grown in that order on one database), RUNS (default 21, at least 15), BACKLOG
 * (default 200000; 0 skips the backlog scenario).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PGlite } from '@electric-sql/pglite';
import { sql, type SQLWrapper } from 'drizzle-orm';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { formatCheckpoint, signNote } from '../src/modules/journal/checkpoint.ts';
import { record } from '../src/modules/journal/record.ts';
import { journalCheckpoints, journalWitnessed } from '../src/modules/journal/journal.tables.ts';
import {
  entryAtPosition,
  INDEX_ORDER,
  integrate,
  journalPublication,
  journalSigner,
  latestCheckpointRow,
  oldestWaiting,
  pendingEntries,
} from '../src/modules/journal/sequencer.ts';
import { systemClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { Keys } from '../src/platform/crypto.ts';
import { migrate, openPglite, openPostgres, type Database, type Executor } from '../src/platform/db.ts';
import { systemInTx } from '../src/system.ts';

const ON_POSTGRES = Boolean(process.env.DATABASE_URL);
const SIZES = (process.env.SIZES ?? (ON_POSTGRES ? '100000,1000000,10000000' : '100000,1000000'))
  .split(',')
  .map((s) => Number(s.trim()))
  .sort((a, b) => a - b);
const RUNS = Math.max(15, Number(process.env.RUNS ?? 21));
if (SIZES.some((n) => !Number.isSafeInteger(n) || n < 10_000)) throw new Error(`SIZES must be integers of at least 10000: ${process.env.SIZES}`);
const BACKLOG = Number(process.env.BACKLOG ?? 200_000);
// integrate() must find a whole batch at each of its counted runs: at least 11 × 4096, or 0.
if (!Number.isSafeInteger(BACKLOG) || (BACKLOG !== 0 && BACKLOG < 11 * 4096)) throw new Error(`BACKLOG must be 0 or at least 45056: ${process.env.BACKLOG}`);

/** Table, its eight indexes (GIN on citizens included), tree position, node and WAL: measured about 0.8 KB; rounded up. */
const BYTES_PER_ENTRY = 1024;
/** Left free beyond the estimate, so the benchmark never fills the disk the database (and the machine) runs on. */
const DISK_RESERVE = 2 * 1024 ** 3;
/** Rows per COPY: each chunk is its own transaction, so loaded entries carry a spread of real transaction ids. */
const CHUNK = 100_000;
/** The retention (12 months, the default) plus the current month: every size spreads over the same partitions, so only N varies. */
const MONTHS = 13;
const APPENDED = 100;
const WARMUP = 3;
const BENCH_DB = 'motcua_bench_scale';
const WITNESS = 'https://witness.bench.invalid';
/** How far behind the witness is: it holds a checkpoint this many entries older than the latest. */
const WITNESS_LAG = 1000;
/** sequencer.ts's BATCH (not exported): what one integrate() takes when entries wait, and the limit pendingEntries is called with. */
const BATCH = 4096;
/** Rows per transaction of the backlog: a bulk import or a burst, each its own transaction (so their txids differ). */
const BACKLOG_CHUNK = 10_000;
/** integrate() changes what waits at every run: its first runs into the backlog are the ones counted. */
const BACKLOG_RUNS = 10;
/** Idle connections to the bench database beside the open transaction: the pools of several servers (10 each). */
const IDLE_CONNECTIONS = 50;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => n.toLocaleString('en');
const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GB`;
const started = performance.now();

// ——— The database: PGlite on disk in a temporary directory, or a database of our own on the PostgreSQL server ———

let database: Database;
let cleanup: () => Promise<void>;
/** Where the data lives, for the disk check: a directory on this machine, or undefined when the server is elsewhere. */
let dataDir: string | undefined;
/** PostgreSQL only: the database of DATABASE_URL, and the bench database on the same server. */
const adminUrl = process.env.DATABASE_URL ?? '';
let benchUrl = '';
if (ON_POSTGRES) {
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await client.query(statement);
    } finally {
      await client.end();
    }
  };
  // Dropped first too, so that a run cut short does not leave the next one a half-loaded journal.
  await admin(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${BENCH_DB}`);
  const url = new URL(adminUrl);
  url.pathname = `/${BENCH_DB}`;
  benchUrl = url.toString();
  database = await openPostgres(benchUrl);
  cleanup = async () => {
    await database.close();
    await admin(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
  };
  // Only a superuser (or pg_read_all_settings) sees it; from another host the path means nothing here.
  const setting = await admin(`SELECT current_setting('data_directory', true) AS dir`).catch(() => undefined);
  const dir = (setting?.rows[0] as { dir?: string | null } | undefined)?.dir ?? undefined;
  const local = ['localhost', '127.0.0.1', '::1', '[::1]'].includes(url.hostname) || url.hostname === '';
  dataDir = dir && local ? dir : undefined;
} else {
  // On disk, not in memory: a million entries would otherwise sit in this process's heap, and the disk check would mean nothing.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-bench-scale-'));
  database = await openPglite({ dataDir: dir });
  cleanup = async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  dataDir = dir;
}

/** Free bytes where the data goes; a directory we may not enter (a cluster's, mode 0700) is measured at its parent. */
function freeBytes(dir: string): { bytes: number; at: string } {
  for (let at = dir; ; at = path.dirname(at)) {
    try {
      const s = fs.statfsSync(at);
      return { bytes: s.bavail * s.bsize, at };
    } catch (err) {
      if (path.dirname(at) === at) throw err;
    }
  }
}

const rowsOf = async <T>(query: SQLWrapper) => ((await database.db.execute(query.getSQL())) as unknown as { rows: T[] }).rows;
const one = async <T>(query: SQLWrapper) => (await rowsOf<T>(query))[0]!;

try {
  await migrate(database);
  const config = loadConfig({ NODE_ENV: 'test' });
  const clock = systemClock;
  const inTx = systemInTx(database, config, Keys.random(), clock);
  const signer = journalSigner('motcua/bench/journal-scale', crypto.generateKeyPairSync('ed25519').privateKey);
  const db = database.db;

  // The months the loaded entries spread over, as the owner (partitions are created by journal_month_partition).
  const now = Date.now();
  for (let i = 0; i < MONTHS; i++) {
    const d = new Date(now + 7 * 3600_000);
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() - i);
    await db.execute(sql`SELECT journal_month_partition(${d.toISOString().slice(0, 10)}::date)`);
  }
  const partitions = await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'journal'::regclass`);

  console.log(`machine: ${os.cpus().length} cores, ${database.kind}, sizes ${SIZES.map(fmt).join(' / ')}, median of ${RUNS} runs, ${partitions.n} journal partitions`);

  // ——— Realistic rows: a handful of types, actors and units from pools, ~100 bytes of details, a citizen on one in five ———

  const pool = (n: number) => Array.from({ length: n }, () => crypto.randomUUID());
  const accounts = pool(300);
  const unitIds = pool(60);
  const citizens = Array.from({ length: 50_000 }, (_, i) => crypto.createHash('sha256').update(`citizen ${i}`).digest('hex'));
  const types = ['auth.sign_in', 'dossier.receive', 'dossier.transfer', 'dossier.view', 'npd.lookup', 'result.issue', 'account.update'];
  const roles = ['{reception}', '{reception,processing}', '{processing}', '{unit_admin}'];
  const userAgent = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
  let seed = 0x9e3779b9;
  /** A small seeded PRNG: rows differ, runs are alike, and it costs far less than crypto per field. */
  const rand = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) % n) | 0;
  };
  const COLUMNS = 'at, type, outcome, actor_account_id, actor_unit_id, actor_roles, target_type, target_id, unit_id, reason, details, ip, user_agent, request_id, citizens';
  const SPAN_MS = (MONTHS - 1) * 30 * 24 * 3600_000;
  /** `count` rows in COPY text format, their `at` spread evenly over the retained months, oldest first. */
  function* copyText(count: number): Generator<string> {
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      const at = new Date(now - SPAN_MS + Math.floor((i / count) * (SPAN_MS - 3600_000))).toISOString();
      const unit = unitIds[rand(unitIds.length)]!;
      const dossier = `H${10 + rand(80)}.${rand(99)}-${250101 + rand(300)}-${String(rand(10_000)).padStart(4, '0')}`;
      const details = `{"procedure": "1.00${1000 + rand(9000)}", "dossier": "${dossier}", "step": "receive", "channel": "counter", "pages": ${1 + rand(20)}}`;
      const outcome = rand(50) === 0 ? 'refused' : rand(30) === 0 ? 'failure' : 'success';
      const citizen = rand(5) === 0 ? `{${citizens[rand(citizens.length)]}}` : '{}';
      lines.push(
        [at, types[rand(types.length)], outcome, accounts[rand(accounts.length)], unit, roles[rand(roles.length)], 'dossier', dossier, unit, '\\N', details,
          `10.${rand(256)}.${rand(256)}.${rand(256)}`, userAgent, crypto.randomUUID(), citizen].join('\t'),
      );
      if (lines.length === 1000) yield lines.splice(0).join('\n') + '\n';
    }
    if (lines.length > 0) yield lines.join('\n') + '\n';
  }

  /** Appends `count` entries, CHUNK per transaction, by COPY (seq and txid take their defaults, as record() leaves them). */
  async function load(count: number): Promise<void> {
    for (let done = 0; done < count; done += CHUNK) {
      const rows = Math.min(CHUNK, count - done);
      if (database.kind === 'postgres') {
        // The Database interface hides its driver; drizzle keeps it as $client (the pg Pool here, the PGlite instance below).
        const client = await (db as unknown as { $client: pg.Pool }).$client.connect();
        try {
          await pipeline(Readable.from(copyText(rows)), client.query(copyStreams.from(`COPY journal (${COLUMNS}) FROM STDIN`)));
        } finally {
          client.release();
        }
      } else {
        const blob = new Blob([...copyText(rows)]);
        await (db as unknown as { $client: PGlite }).$client.query(`COPY journal (${COLUMNS}) FROM '/dev/blob'`, [], { blob });
      }
    }
  }

  /**
   * Grows the journal to `target` entries and the tree with them: their positions (a dummy leaf hash: integrate only
   * builds on the checkpoint's frontier), the stored subtree roots, and a checkpoint whose cursor is the last entry in
   * (txid, seq) order, as the sequencer would have left it.
   */
  async function grow(target: number): Promise<{ loaded: number; seconds: number; disk: string } | string> {
    const { n: present } = await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM journal`);
    const loaded = target - present;
    if (loaded <= 0) return { loaded: 0, seconds: 0, disk: 'nothing to load' };
    const need = loaded * BYTES_PER_ENTRY + DISK_RESERVE;
    // A server on another host: the temporary directory is all this process can measure (said so in the output).
    const free = freeBytes(dataDir ?? os.tmpdir());
    const disk = `about ${gb(need)} needed (${fmt(loaded)} entries × ${BYTES_PER_ENTRY} B + ${gb(DISK_RESERVE)} reserve), ${gb(free.bytes)} free at ${free.at}`;
    if (free.bytes < need) return disk;
    const t = performance.now();
    const [last] = await latestCheckpointRow(db);
    const from = last?.size ?? 0;
    const after = last ? { txid: last.lastTxid, seq: last.lastSeq } : { txid: '0', seq: 0 };
    await load(loaded);
    // Positions in the sequencer's order; every entry already in the tree precedes the loaded ones in it.
    await db.execute(sql`
      INSERT INTO journal_index (idx, seq, leaf_hash)
      SELECT ${from}::bigint + row_number() OVER (ORDER BY txid, seq) - 1, seq, sha256(int8send(seq))
      FROM journal WHERE (txid, seq) > (${after.txid}::xid8, ${after.seq}::bigint)`);
    const size = from + loaded;
    // The perfect subtrees completed between the old size and the new one, at every level (about one per leaf).
    await db.execute(sql`
      INSERT INTO journal_nodes (level, idx, hash)
      SELECT l, i, sha256(int8send(i) || int2send(l::smallint))
      FROM generate_series(1, 62) l, generate_series(${from}::bigint >> l, (${size}::bigint >> l) - 1) i`);
    const end = await one<{ txid: string; seq: number }>(sql`SELECT txid::text AS txid, seq FROM journal ORDER BY txid DESC, seq DESC LIMIT 1`);
    // A compact range of `size` leaves holds one root per set bit of `size` (merkle.ts, CompactRange.append).
    const frontier = Array.from({ length: size.toString(2).replaceAll('0', '').length }, () => crypto.randomBytes(32).toString('hex'));
    const root = crypto.randomBytes(32);
    await db.insert(journalCheckpoints).values({
      size,
      root,
      note: signNote(formatCheckpoint({ origin: signer.name, size, root }), signer),
      frontier,
      createdAt: clock.now(),
      lastTxid: end.txid,
      lastSeq: end.seq,
    });
    // Autovacuum never analyzes a partitioned parent: without this the planner would guess the journal's size.
    await db.execute(sql.raw(`${database.kind === 'postgres' ? 'VACUUM (ANALYZE)' : 'ANALYZE'} journal, journal_index, journal_nodes, journal_checkpoints`));
    return { loaded, seconds: (performance.now() - t) / 1000, disk };
  }


  const time = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
    const t = performance.now();
    const result = await fn();
    return [performance.now() - t, result];
  };
  const CEILING = 'ceiling: SELECT … WHERE seq = $1';
  const ceilingRead = (size: number) => time(() => rowsOf(sql`SELECT * FROM journal WHERE seq = ${1 + rand(size)}`));
  const limitMs = config.journal.failClosedMs;
  const cursor = async () => {
    const [last] = await latestCheckpointRow(db);
    return { txid: last!.lastTxid, seq: last!.lastSeq };
  };
  const append = (count: number) =>
    inTx(async (ctx) => {
      for (let i = 0; i < count; i++) {
        await record(ctx, { type: 'bench.scale', target: { type: 'dossier', id: String(i) }, details: { i, purpose: 'benchmark', channel: 'counter' } });
      }
    });
  /**
   * pendingEntries and oldestWaiting alone, as the code runs them: in a transaction under INDEX_ORDER (integrate()
   * sets it in its own, journalPublication() in a savepoint), so their timings include that BEGIN, set_config and
   * COMMIT. Without it the planner may sort every entry after the cursor (sequencer.ts, INDEX_ORDER).
   */
  const indexOrder = <T>(fn: (tx: Executor) => Promise<T>) =>
    db.transaction(async (tx) => {
      await tx.execute(INDEX_ORDER);
      return fn(tx);
    });
  /** Runs integrate() until nothing waits: the time of each run that took entries, and how many it took in all. */
  async function drain(): Promise<{ entries: number; runs: number[] }> {
    const runs: number[] = [];
    let entries = 0;
    for (;;) {
      const [ms, n] = await time(() => integrate(database, signer, clock));
      if (n > 0) {
        runs.push(ms);
        entries += n;
        continue;
      }
      const at = await cursor();
      if ((await indexOrder((tx) => oldestWaiting(tx, at))).length === 0) return { entries, runs };
      // Held back by a transaction still open (autovacuum's analyze holds an xid): the sequencer would wait a second.
      await sleep(100);
    }
  }
  /** Medians printed one a line, each with its ratio to the ceiling among them. */
  const printMedians = (indent: string, medians: Record<string, number>, note: (measure: string) => string = () => '') => {
    for (const [measure, value] of Object.entries(medians)) {
      const ratio = measure === CEILING ? '' : `  = ${(value / medians[CEILING]!).toFixed(1)} × ceiling`;
      console.log(`${indent}${measure.padEnd(36)} median ${value.toFixed(2).padStart(8)} ms${ratio}${note(measure)}`);
    }
  };
  const mediansOf = (samples: Record<string, number[]>) => Object.fromEntries(Object.entries(samples).map(([m, xs]) => [m, median(xs)]));

  // ——— Plans, read as numbers: how many rows a query read, in what shape, at what cost ———

  interface PlanNode {
    'Node Type': string;
    'Relation Name'?: string;
    'Parent Relationship'?: string;
    'Actual Rows'?: number;
    'Actual Loops'?: number;
    'Rows Removed by Filter'?: number;
    'Shared Hit Blocks'?: number;
    'Shared Read Blocks'?: number;
    'Sort Method'?: string;
    Plans?: PlanNode[];
  }
  const executeRows = async <T>(tx: Executor, query: SQLWrapper) => ((await tx.execute(query.getSQL())) as unknown as { rows: T[] }).rows;
  /**
   * EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of a query: the rows it read (returned and filtered out, over all loops:
   * what the cost grows with) from the journal's partitions and from journal_index (a hashed NOT EXISTS would read it
   * all), its main path down to the (Merge) Append, the buffers and the execution time. A Sort above an Append reads
   * every entry after the cursor; a Merge Append under the Limit stops after about `limit` rows.
   */
  async function planOf(tx: Executor, query: SQLWrapper) {
    const [row] = await executeRows<{ 'QUERY PLAN': unknown }>(tx, sql`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${query}`);
    const raw = row!['QUERY PLAN'];
    const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode; 'Execution Time': number }[];
    const root = doc[0]!.Plan;
    const read = { journal: 0, index: 0 };
    const walk = (node: PlanNode) => {
      const rows = ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1);
      if (/^journal_(y\d{4}m\d{2}|default)$/.test(node['Relation Name'] ?? '')) read.journal += rows;
      if (node['Relation Name'] === 'journal_index') read.index += rows;
      node.Plans?.forEach(walk);
    };
    walk(root);
    const shape: string[] = [];
    for (let node: PlanNode | undefined = root; node; ) {
      shape.push(node['Node Type'] + (node['Sort Method'] ? ` (${node['Sort Method']})` : ''));
      if (node['Node Type'].endsWith('Append')) break;
      node = node.Plans?.find((child) => !['InitPlan', 'SubPlan'].includes(child['Parent Relationship'] ?? ''));
    }
    const buffers = (root['Shared Hit Blocks'] ?? 0) + (root['Shared Read Blocks'] ?? 0);
    return `${fmt(read.journal)} journal rows, ${fmt(read.index)} journal_index rows, ${fmt(buffers)} buffers, ${doc[0]!['Execution Time'].toFixed(1)} ms: ${shape.join(' → ')}`;
  }
  const textPlan = async (tx: Executor, query: SQLWrapper) =>
    (await executeRows<{ 'QUERY PLAN': string }>(tx, sql`EXPLAIN (ANALYZE, BUFFERS) ${query}`)).map((r) => `  ${r['QUERY PLAN']}`).join('\n');

  // ——— Scenario 1: the sequencer has fallen behind, BACKLOG entries wait ———

  /**
   * Appends `count` entries after the cursor as a bulk import or a burst would: BACKLOG_CHUNK rows per INSERT, each
   * statement its own transaction (so the backlog spans many txids, as real writers' would), all dated now (the
   * current month's partition: what falls behind is what is being written).
   */
  async function appendBacklog(count: number, from: number): Promise<void> {
    const literal = (xs: string[]) => `{${xs.join(',')}}`;
    for (let done = 0; done < count; done += BACKLOG_CHUNK) {
      const first = from + done;
      const last = first + Math.min(BACKLOG_CHUNK, count - done) - 1;
      await db.execute(sql`
        INSERT INTO journal (at, type, outcome, actor_account_id, actor_unit_id, actor_roles, target_type, target_id, unit_id, details, ip, user_agent, request_id, citizens)
        SELECT now(), p.types[1 + g % 7], CASE WHEN g % 50 = 0 THEN 'refused' ELSE 'success' END, p.accounts[1 + g % 300], p.units[1 + g % 60],
          '{reception,processing}', 'dossier', 'H' || (10 + g % 80) || '.' || (g % 99) || '-' || (250101 + g % 300) || '-' || lpad((g % 10000)::text, 4, '0'),
          p.units[1 + g % 60],
          jsonb_build_object('procedure', '1.00' || (1000 + g % 9000), 'dossier', g, 'step', 'receive', 'channel', 'import', 'pages', 1 + g % 20),
          '10.' || (g % 256) || '.' || (g / 256 % 256) || '.' || (g / 65536 % 256), ${userAgent}, gen_random_uuid()::text,
          CASE WHEN g % 5 = 0 THEN ARRAY[encode(sha256(int4send(g)), 'hex')] ELSE '{}'::text[] END
        FROM generate_series(${first}::int, ${last}::int) g,
          (SELECT ${literal(types)}::text[] AS types, ${literal(accounts)}::uuid[] AS accounts, ${literal(unitIds)}::uuid[] AS units) p`);
    }
  }

  /** One phase of the backlog scenario (BACKLOG entries waiting): its medians, by measure. */
  async function backlogPhase(label: string, size: number): Promise<Record<string, number>> {
    const at = await cursor();
    const { n: waiting } = await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM journal WHERE (txid, seq) > (${at.txid}::xid8, ${at.seq}::bigint)`);
    if (waiting !== BACKLOG) throw new Error(`${waiting} entries wait, not ${BACKLOG}`);
    // Where the statistics stand (reltuples: what the planner scales its estimates from; the activity counters lag).
    const stats = await one<{ rel: string; rows: number; tuples: number; analyzed: string | null }>(sql`
      SELECT c.relname AS rel, (SELECT count(*)::int FROM journal WHERE tableoid = c.oid) AS rows, c.reltuples::bigint AS tuples,
        ${ON_POSTGRES ? sql`(SELECT greatest(last_analyze, last_autoanalyze)::text FROM pg_stat_user_tables WHERE relid = c.oid)` : sql`NULL::text`} AS analyzed
      FROM pg_class c WHERE c.oid = (SELECT tableoid FROM journal ORDER BY txid DESC, seq DESC LIMIT 1)`);
    const when = ON_POSTGRES ? `, last analyzed ${stats.analyzed ?? 'never'}` : '';
    console.log(`\n  backlog, ${label}: ${fmt(waiting)} entries waiting after the cursor (partition ${stats.rel}: ${fmt(stats.rows)} rows, the planner's statistics say ${fmt(stats.tuples)}${when})`);
    const INTEGRATE = `integrate (${BATCH} of the backlog)`;
    const samples: Record<string, number[]> = { [INTEGRATE]: [], pendingEntries: [], oldestWaiting: [], [CEILING]: [] };
    // The reads alone change nothing: WARMUP + RUNS of each, interleaved with the ceiling.
    for (let run = -WARMUP; run < RUNS; run++) {
      const [pending, rows] = await time(() => indexOrder((tx) => pendingEntries(tx, at, BATCH)));
      if (rows.length !== BATCH) throw new Error(`pendingEntries found ${rows.length} of the backlog`);
      const [oldest, first] = await time(() => indexOrder((tx) => oldestWaiting(tx, at)));
      if (first[0]?.at.getTime() !== rows[0]!.entry.at.getTime()) throw new Error('oldestWaiting is not the first pending entry');
      const [ceiling] = await ceilingRead(size);
      if (run < 0) continue;
      samples.pendingEntries!.push(pending);
      samples.oldestWaiting!.push(oldest);
      samples[CEILING]!.push(ceiling);
    }
    const plans = {
      pendingEntries: await indexOrder((tx) => planOf(tx, pendingEntries(tx, at, BATCH))),
      oldestWaiting: await indexOrder((tx) => planOf(tx, oldestWaiting(tx, at))),
    };
    // integrate() consumes the backlog: its first BACKLOG_RUNS runs, each of which must take a whole batch.
    for (let attempts = 0; samples[INTEGRATE]!.length < BACKLOG_RUNS && attempts < BACKLOG_RUNS * 3; attempts++) {
      const [integrating, n] = await time(() => integrate(database, signer, clock));
      if (n === BATCH) samples[INTEGRATE]!.push(integrating);
    }
    if (samples[INTEGRATE]!.length < BACKLOG_RUNS) throw new Error('integrate did not take whole batches of the backlog');
    const medians = mediansOf(samples);
    printMedians('    ', medians, (m) => (m === INTEGRATE ? `, its first ${BACKLOG_RUNS} runs` : ''));
    for (const [name, plan] of Object.entries(plans)) console.log(`    plan of ${name.padEnd(28)} ${plan}`);
    return Object.fromEntries(Object.entries(medians).filter(([m]) => m !== CEILING).map(([m, v]) => [`backlog ${label}: ${m}`, v]));
  }

  /**
   * Both phases with the same BACKLOG waiting: with the statistics of before the backlog (autovacuum kept off that
   * partition meanwhile, or it could analyze it halfway: on a real server it takes its time, it runs once 10% of a
   * partition has changed), then topped up again to BACKLOG and ANALYZEd. Then drained, as the sequencer would.
   */
  async function backlogScenario(size: number): Promise<Record<string, number>> {
    const base = (await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM journal`)).n;
    const [current] = await rowsOf<{ rel: string }>(sql`SELECT tableoid::regclass::text AS rel FROM journal WHERE at <= now() ORDER BY at DESC LIMIT 1`);
    const partition = sql.raw(`"${current!.rel}"`);
    const t = performance.now();
    await db.execute(sql`ALTER TABLE ${partition} SET (autovacuum_enabled = off)`);
    await appendBacklog(BACKLOG, base);
    console.log(`\n${fmt(size)} entries, backlog scenario: ${fmt(BACKLOG)} entries appended in ${Math.ceil(BACKLOG / BACKLOG_CHUNK)} transactions (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    const stale = await backlogPhase('not analyzed', size);
    await appendBacklog(BACKLOG_RUNS * BATCH, base + BACKLOG);
    await db.execute(sql`ALTER TABLE ${partition} RESET (autovacuum_enabled)`);
    await db.execute(sql`ANALYZE journal, journal_index`);
    const analyzed = await backlogPhase('after ANALYZE', size);
    // The catch-up: how long the sequencer takes to clear what is left, one batch a run (it runs every second).
    const d = performance.now();
    const { entries, runs } = await drain();
    const seconds = (performance.now() - d) / 1000;
    const perRun = `median ${median(runs).toFixed(0)} ms, first ${runs[0]!.toFixed(0)}, last ${runs.at(-1)!.toFixed(0)}, max ${Math.max(...runs).toFixed(0)}`;
    console.log(`\n  backlog drained: ${fmt(entries)} entries in ${runs.length} runs of integrate, ${seconds.toFixed(1)} s (a run: ${perRun})`);
    return { ...stale, ...analyzed, 'backlog drained: ms a run': median(runs) };
  }

  // ——— Scenario 2 (PostgreSQL only): a transaction left open in another database of the cluster ———

  /**
   * Transaction ids are cluster-wide: one open anywhere is in every snapshot's xip, so the writers' horizon must ask
   * pg_locks ⋈ pg_stat_activity which database it belongs to (with none open that subquery is never executed, as the
   * plans at the largest size show). Measured with none open (this run's own baseline), with one open in the admin
   * database, and with IDLE_CONNECTIONS more connections idle on the bench database (pg_stat_activity grows; an idle
   * session holds no lock). Each integrate() of 100 must take all 100: the open transaction is another database's.
   */
  async function openTransactionScenario(size: number): Promise<Record<string, number>> {
    const conditions = ['no other transaction', 'a transaction open in another database', `… and ${IDLE_CONNECTIONS} idle connections`] as const;
    const other = new pg.Client({ connectionString: adminUrl });
    await other.connect();
    const idle: pg.Client[] = [];
    const out: Record<string, number> = {};
    console.log(`\n${fmt(size)} entries, a transaction open in another database:`);
    try {
      let xid = '';
      for (const condition of conditions) {
        if (condition === conditions[1]) {
          await other.query('BEGIN');
          xid = (await other.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid')).rows[0]!.xid;
        }
        if (condition === conditions[2]) {
          for (let i = 0; i < IDLE_CONNECTIONS; i++) {
            const client = new pg.Client({ connectionString: benchUrl });
            await client.connect();
            await client.query('SELECT 1');
            idle.push(client);
          }
        }
        const samples: Record<string, number[]> = { 'integrate, 100 new': [], 'integrate, idle': [], 'pendingEntries (idle)': [], [CEILING]: [] };
        for (let run = -WARMUP, attempts = 0; run < RUNS && attempts < (WARMUP + RUNS) * 3; attempts++) {
          await append(APPENDED);
          const [integrating, n] = await time(() => integrate(database, signer, clock));
          if (n !== APPENDED) {
            // Held back by a transaction of this database (autovacuum's), never by the other database's: drained, not counted.
            await drain();
            continue;
          }
          const [idleRun, m] = await time(() => integrate(database, signer, clock));
          if (m !== 0) throw new Error(`idle integrate took ${m} entries`);
          const after = await cursor();
          const [pending, rows] = await time(() => indexOrder((tx) => pendingEntries(tx, after, BATCH)));
          if (rows.length !== 0) throw new Error('nothing should be pending');
          const [ceiling] = await ceilingRead(size);
          if (run++ < 0) continue;
          samples['integrate, 100 new']!.push(integrating);
          samples['integrate, idle']!.push(idleRun);
          samples['pendingEntries (idle)']!.push(pending);
          samples[CEILING]!.push(ceiling);
        }
        if (samples['integrate, idle']!.length < RUNS) throw new Error(`only ${samples['integrate, idle']!.length} clean runs of ${RUNS} (${condition})`);
        const activity = await one<{ sessions: number; locks: number }>(
          sql`SELECT (SELECT count(*)::int FROM pg_stat_activity) AS sessions, (SELECT count(*)::int FROM pg_locks) AS locks`,
        );
        console.log(`  ${condition}${xid ? ` (xid ${xid})` : ''}: ${activity.sessions} sessions in pg_stat_activity, ${activity.locks} rows in pg_locks`);
        const medians = mediansOf(samples);
        printMedians('    ', medians);
        if (condition === conditions[0]) continue;
        const prefix = condition === conditions[1] ? 'open elsewhere' : `open + ${IDLE_CONNECTIONS} idle`;
        for (const [m, v] of Object.entries(medians)) if (m !== CEILING) out[`${prefix}: ${m}`] = v;
        // The horizon's part of the plan, to show the subquery ran (loops=1), and what it cost.
        await append(APPENDED);
        const at = await cursor();
        const plan = (await indexOrder((tx) => textPlan(tx, pendingEntries(tx, at, BATCH)))).split('\n');
        const start = plan.findIndex((line) => line.includes('InitPlan'));
        const depth = plan[start]!.search(/\S/);
        const end = plan.findIndex((line, i) => i > start && line.search(/\S/) <= depth && !line.includes('InitPlan'));
        console.log(`    EXPLAIN (ANALYZE, BUFFERS) pendingEntries (100 waiting), its horizon:\n${plan.slice(start, end).map((l) => `    ${l}`).join('\n')}`);
        console.log(`    ${plan.at(-1)!.trim()}`);
        await drain();
      }
    } finally {
      await other.query('ROLLBACK').catch(() => {});
      await other.end();
      await Promise.all(idle.map((client) => client.end()));
    }
    return out;
  }

  // ——— The steady state, at each size ———

  /** Each size's medians: the steady state's, then the scenarios', by name. */
  const results: { size: number; medians: Record<string, number> }[] = [];

  for (const target of SIZES) {
    const grown = await grow(target);
    if (typeof grown === 'string') {
      console.log(`\n${fmt(target)} entries: skipped, ${grown}`);
      break;
    }
    // The witness last accepted a checkpoint WITNESS_LAG entries ago: the check then also reads the entry at that position.
    const { size } = (await latestCheckpointRow(db))[0]!;
    await db.insert(journalWitnessed).values({ size: size - WITNESS_LAG, witnessUrl: WITNESS, note: 'bench', at: clock.now() });
    const bytes = await one<{ total: string }>(
      sql`SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) AS total FROM pg_inherits WHERE inhparent = 'journal'::regclass`,
    );
    console.log(`\n${fmt(target)} entries (${fmt(grown.loaded)} loaded in ${grown.seconds.toFixed(1)} s; journal ${bytes.total} with its indexes; disk: ${grown.disk})`);

    const samples: Record<string, number[]> = Object.fromEntries(
      [
        'integrate, 100 new',
        'integrate, idle',
        'journalPublication, no witness',
        'journalPublication, witness behind',
        'pendingEntries (idle)',
        'oldestWaiting (idle)',
        'entryAtPosition',
        'latestCheckpointRow',
        CEILING,
      ].map((m) => [m, []]),
    );
    const push = (values: Record<string, number>) => Object.entries(values).forEach(([m, v]) => samples[m]!.push(v));
    // WARMUP runs first (the JIT, plans, caches: the first size would otherwise look slowest), then RUNS counted ones.
    // A run whose entries a concurrent transaction held back (autovacuum's analyze holds an xid) is drained and not
    // counted, so each counted run integrates exactly 100.
    for (let run = -WARMUP, attempts = 0; run < RUNS && attempts < (WARMUP + RUNS) * 3; attempts++) {
      await append(APPENDED);
      const [integrating, n] = await time(() => integrate(database, signer, clock));
      if (n !== APPENDED) {
        await drain();
        continue;
      }
      const [idle, m] = await time(() => integrate(database, signer, clock));
      if (m !== 0) throw new Error(`idle integrate took ${m} entries`);
      const [noWitness] = await time(() => journalPublication(db, clock.now(), limitMs, undefined));
      const [behind, status] = await time(() => journalPublication(db, clock.now(), limitMs, WITNESS));
      if (!status.witness || status.witness.size >= status.checkpoint!.size) throw new Error('the witness should be behind');
      const after = await cursor();
      const [pending, rows] = await time(() => indexOrder((tx) => pendingEntries(tx, after, BATCH)));
      if (rows.length !== 0) throw new Error('nothing should be pending');
      const [waiting] = await time(() => indexOrder((tx) => oldestWaiting(tx, after)));
      const position = rand(size);
      const [atPosition, entry] = await time(() => entryAtPosition(db, position));
      if (entry.length !== 1) throw new Error(`no entry at position ${position}`);
      const [latest] = await time(() => latestCheckpointRow(db));
      const [ceiling, found] = await ceilingRead(target);
      if (found.length !== 1) throw new Error('the ceiling read no entry');
      if (run++ < 0) continue;
      push({
        'integrate, 100 new': integrating,
        'integrate, idle': idle,
        'journalPublication, no witness': noWitness,
        'journalPublication, witness behind': behind,
        'pendingEntries (idle)': pending,
        'oldestWaiting (idle)': waiting,
        entryAtPosition: atPosition,
        latestCheckpointRow: latest,
        [CEILING]: ceiling,
      });
    }
    if (samples['integrate, idle']!.length < RUNS) throw new Error(`only ${samples['integrate, idle']!.length} clean runs of ${RUNS}`);
    const medians = mediansOf(samples);
    printMedians('  ', medians);
    const scenarios = {
      ...(BACKLOG > 0 ? await backlogScenario(target) : {}),
      ...(ON_POSTGRES ? await openTransactionScenario(target) : {}),
    };
    results.push({ size: target, medians: { ...medians, ...scenarios } });
  }

  // ——— Flat or not: each median beside the smallest size's ———

  if (results.length > 1) {
    const first = results[0]!;
    const last = results.at(-1)!;
    console.log(`\nmedians in ms (× that size's steady-state ceiling), and the largest size over the smallest:`);
    const width = Math.max(...Object.keys(last.medians).map((m) => m.length));
    console.log(`  ${''.padEnd(width)} ${results.map((r) => fmt(r.size).padStart(20)).join('')}   ${fmt(last.size)} / ${fmt(first.size)}`);
    for (const measure of Object.keys(last.medians)) {
      const cells = results.map((r) => {
        const value = r.medians[measure];
        return (value === undefined ? '—' : `${value.toFixed(2)} (${(value / r.medians[CEILING]!).toFixed(1)}×)`).padStart(20);
      });
      const growth = first.medians[measure] === undefined ? '—' : (last.medians[measure]! / first.medians[measure]).toFixed(2);
      console.log(`  ${measure.padEnd(width)} ${cells.join('')}   ${growth}`);
    }
  }

  // ——— The plans at the largest size, with 100 entries waiting (what the sequencer finds each second) ———

  if (results.length > 0) {
    await append(APPENDED);
    const at = await cursor();
    const { size } = (await latestCheckpointRow(db))[0]!;
    const plans: [string, string][] = [
      ['pendingEntries (100 waiting), under INDEX_ORDER', await indexOrder((tx) => textPlan(tx, pendingEntries(tx, at, BATCH)))],
      ['oldestWaiting (100 waiting), under INDEX_ORDER', await indexOrder((tx) => textPlan(tx, oldestWaiting(tx, at)))],
      ['entryAtPosition (the witness is behind)', await textPlan(db, entryAtPosition(db, size - WITNESS_LAG))],
      ['latestCheckpointRow', await textPlan(db, latestCheckpointRow(db))],
    ];
    for (const [name, plan] of plans) console.log(`\nEXPLAIN (ANALYZE, BUFFERS) ${name}, ${fmt(results.at(-1)!.size)} entries:\n${plan}`);
    await drain();
  }
} finally {
  await cleanup();
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
