import { sql, type SQLWrapper } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/harness.ts';
import type { Database } from '../../platform/db.ts';
import { ensureJournalPartitions } from './retention.ts';
import { entryAtPosition, INDEX_ORDER, latestCheckpointRow, latestWitnessed, oldestWaiting, pendingEntries } from './sequencer.ts';

/**
 * Issue 12: what runs every second (the sequencer) or on every lookup (the fail-closed check) reads what is new, not
 * the journal. Proved on the plans of the very queries the code runs, over a journal of a few hundred thousand entries
 * in three monthly partitions, on whichever engine the suite runs on (PGlite, and PostgreSQL in CI).
 */
const ENTRIES = 300_000;
/** More than a batch: a sequencer that fell behind must still read a batch, not the backlog. */
const WAITING = 6000;
const BATCH = 4096;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];
const isJournal = (n: PlanNode) => /^journal/.test(n['Relation Name'] ?? '');

let database: Database;
let cursor: { txid: string; seq: number };

/** The plan as the code runs the query: the sequencer's and the fail-closed check's under INDEX_ORDER. */
async function plan(query: SQLWrapper, indexOrder = false): Promise<PlanNode[]> {
  const result = (await database.db.transaction(async (tx) => {
    if (indexOrder) await tx.execute(INDEX_ORDER);
    return tx.execute(sql`EXPLAIN (ANALYZE, FORMAT JSON) ${query}`);
  })) as unknown as { rows: Record<string, unknown>[] };
  const cell = Object.values(result.rows[0]!)[0];
  const json = (typeof cell === 'string' ? JSON.parse(cell) : cell) as { Plan: PlanNode }[];
  return nodes(json[0]!.Plan);
}

/** Rows the plan read from the journal's tables: what each scan returned or filtered out, times its loops. */
const journalRowsRead = (plan: PlanNode[]) =>
  plan.filter(isJournal).reduce((n, p) => n + ((p['Actual Rows'] ?? 0) + (p['Rows Removed by Filter'] ?? 0)) * (p['Actual Loops'] ?? 1), 0);
/** Sequential scans of the tables that hold rows (an empty partition may be scanned: it costs nothing, and stays empty). */
const FULL = ['journal_y2026m01', 'journal_y2026m02', 'journal_y2026m03', 'journal_index', 'journal_checkpoints', 'journal_witnessed'];
const seqScans = (plan: PlanNode[]) => plan.filter((p) => FULL.includes(p['Relation Name'] ?? '') && p['Node Type'] === 'Seq Scan').map((p) => p['Relation Name']);

beforeAll(async () => {
  database = await openTestDatabase();
  for (const month of ['2026-01-15', '2026-02-15', '2026-03-15']) await ensureJournalPartitions(database.db, new Date(month));
  // as the owner: the application role may not ANALYZE; entries spread over January to March, all integrated but the last few
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL ROLE NONE`);
    await tx.execute(sql`INSERT INTO journal (at, type, outcome, actor_roles, target_type, target_id, details)
      SELECT timestamptz '2026-01-01 00:00:00+07' + g * interval '25 seconds', 'test.load', 'success', '{reception_officer}', 'dossier', g::text, jsonb_build_object('i', g)
      FROM generate_series(1, ${ENTRIES}) g`);
    await tx.execute(sql`INSERT INTO journal_index (idx, seq, leaf_hash)
      SELECT row_number() OVER (ORDER BY seq) - 1, seq, '\\x00'::bytea FROM journal ORDER BY seq LIMIT ${ENTRIES - WAITING}`);
    const [last] = ((await tx.execute(sql`SELECT max(seq) AS seq, pg_current_xact_id()::text AS txid FROM journal_index`)) as unknown as { rows: { seq: number; txid: string }[] }).rows;
    cursor = { txid: last!.txid, seq: Number(last!.seq) };
    // a checkpoint a second for half a day before the latest, and the witness's cosignatures every ten seconds
    await tx.execute(sql`INSERT INTO journal_checkpoints (size, root, note, frontier, created_at, last_txid, last_seq)
      SELECT ${ENTRIES - WAITING} - g, '\\x00', 'test', '[]', now(), '0', 0 FROM generate_series(1, 40000) g`);
    await tx.execute(sql`INSERT INTO journal_checkpoints (size, root, note, frontier, created_at, last_txid, last_seq)
      VALUES (${ENTRIES - WAITING}, '\\x00', 'test', '[]', now(), ${cursor.txid}::xid8, ${cursor.seq})`);
    await tx.execute(sql`INSERT INTO journal_witnessed (size, witness_url, note, at) SELECT g * 10, 'https://witness.example', 'test', now() FROM generate_series(1, 4000) g`);
  });
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL ROLE NONE`);
    await tx.execute(sql`ANALYZE journal`);
    await tx.execute(sql`ANALYZE journal_index`);
    await tx.execute(sql`ANALYZE journal_checkpoints`);
    await tx.execute(sql`ANALYZE journal_witnessed`);
  });
}, 180_000);
afterAll(() => database.close());

describe('issue 12: the journal queries that run every second read what is new, not the journal', () => {
  it('R25: the sequencer takes a batch of the waiting entries by an index range after its cursor, not the backlog', async () => {
    const p = await plan(pendingEntries(database.db, cursor, BATCH), true);
    expect(seqScans(p)).toEqual([]);
    // the batch, and the first index entry of each partition
    expect(journalRowsRead(p)).toBeLessThanOrEqual(BATCH + 20);
    expect(await pendingEntries(database.db, cursor, BATCH)).toHaveLength(BATCH);
  });

  it('R36: the fail-closed check reads the one entry that has waited longest, and the one at the witness’s size', async () => {
    for (const query of [oldestWaiting(database.db, cursor), entryAtPosition(database.db, 1000)]) {
      const p = await plan(query, true);
      expect(seqScans(p)).toEqual([]);
      expect(journalRowsRead(p)).toBeLessThanOrEqual(20);
    }
    const [waiting] = await oldestWaiting(database.db, cursor);
    expect(waiting!.at.toISOString()).toBe(new Date(Date.parse('2026-01-01T00:00:00+07:00') + (ENTRIES - WAITING + 1) * 25_000).toISOString());
  });

  it('the latest checkpoint and the latest witnessed checkpoint are one row each, read by their keys', async () => {
    for (const query of [latestCheckpointRow(database.db), latestWitnessed(database.db, 'https://witness.example')]) {
      const p = await plan(query);
      expect(seqScans(p)).toEqual([]);
      expect(journalRowsRead(p)).toBe(1);
    }
  });
});
