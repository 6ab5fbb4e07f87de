import crypto from 'node:crypto';
import { asc, inArray, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/harness.ts';
import { ManualClock } from '../../platform/clock.ts';
import type { Database, Executor } from '../../platform/db.ts';
import { parseVerifierKey } from './checkpoint.ts';
import { encodeEntry } from './entry.ts';
import { exportBundle, verifyBundle } from './exports.ts';
import { journal, journalIndex } from './journal.tables.ts';
import { CompactRange, leafHash } from './merkle.ts';
import { integrate, journalSigner } from './sequencer.ts';
import { encodeTextEntry } from './text-entry.ts';
import { readEntries, textArrayParser, textRows, textSource, verifyJournal } from './verify-stream.ts';
import { HexRange } from './verify.ts';

/**
 * `journal verify` does not read rows through Drizzle nor encode them with encodeEntry: it streams PostgreSQL's text
 * output a page at a time and writes the canonical bytes itself. These properties hold it to the reference path.
 */

const signer = journalSigner('motcua/19/journal', crypto.generateKeyPairSync('ed25519').privateKey);
const verifier = parseVerifierKey(signer.vkey);
let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

class RolledBack extends Error {}

/** Runs `fn` in a transaction, as the owner with the append-only triggers off, and rolls everything back. */
async function rolledBack(fn: (tx: Executor) => Promise<void>): Promise<void> {
  await database.db
    .transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL ROLE NONE`);
      for (const table of ['journal', 'journal_index', 'journal_checkpoints']) await tx.execute(sql.raw(`ALTER TABLE ${table} DISABLE TRIGGER USER`));
      await fn(tx);
      throw new RolledBack();
    })
    .catch((err: unknown) => {
      if (!(err instanceof RolledBack)) throw err;
    });
}

// ——— Rows as anything could have written them ———

const awkward = fc.constantFrom('', ' ', 'NULL', 'null', '"', '\\', '\\"', '{a,b}', 'a,b', '{}', '[]', 'lý do: nhập sai', '\t\n\r\b\f\u000b\u001f', '\u2028\u2029', '😀', 'ÿ\u00ad', '1e5', '-0');
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replace(/\u0000/g, '')), awkward);
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const noNul = (v: unknown) => !JSON.stringify(v).includes('\\u0000');
const details = fc.oneof(
  fc.jsonValue().filter(noNul),
  fc.dictionary(text, fc.jsonValue(), { maxKeys: 6 }).filter(noNul),
  fc.constantFrom({ 10: 'x', 9: 'y', b: 1, a: [{ d: 1, c: 2 }] }, JSON.parse('{"__proto__": {"z": 1, "y": 2}, "b": 0}') as unknown, '{"a": 1}', '12', 'abc', '[1,2]', -0, 1e21, 1.5e-7, [], {}),
);
const pgArray = (items: readonly (string | null)[]) => `{${items.map((s) => (s === null ? 'NULL' : `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
const row = fc.record({
  // microseconds, which record() never writes, and years before 1000, which V8 reads its own way
  at: fc.tuple(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 999 })).map(
    ([d, us]) => `${d.toISOString().slice(0, 23)}${String(us).padStart(3, '0')}Z`,
  ),
  type: text,
  outcome: fc.constantFrom('success', 'failure', 'refused'),
  actorAccountId: nullable(fc.uuid()),
  actorUnitId: nullable(fc.uuid()),
  actorRoles: fc.array(nullable(text), { maxLength: 4 }),
  targetType: nullable(text),
  targetId: nullable(text),
  unitId: nullable(fc.uuid()),
  reason: nullable(text),
  details,
  ip: nullable(text),
  userAgent: nullable(text),
  requestId: nullable(text),
  citizens: fc.oneof(fc.constant([]), fc.array(nullable(fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), text)), { minLength: 1, maxLength: 3 })),
});
type Row = typeof row extends fc.Arbitrary<infer T> ? T : never;

const attempt = <T>(fn: () => T): T | string => {
  try {
    return fn();
  } catch (err) {
    return `throws ${(err as Error).name}`;
  }
};

let nextSeq = 1_000_000;
async function insert(tx: Executor, rows: readonly Row[]): Promise<number[]> {
  const seqs: number[] = [];
  for (const r of rows) {
    const seq = nextSeq++;
    seqs.push(seq);
    await tx.execute(sql`
      INSERT INTO journal (seq, at, type, outcome, actor_account_id, actor_unit_id, actor_roles, target_type, target_id, unit_id, reason, details, ip, user_agent, request_id, citizens)
      VALUES (${seq}, ${r.at}::timestamptz, ${r.type}, ${r.outcome}, ${r.actorAccountId}::uuid, ${r.actorUnitId}::uuid, ${pgArray(r.actorRoles)}::text[], ${r.targetType}, ${r.targetId},
        ${r.unitId}::uuid, ${r.reason}, ${JSON.stringify(r.details)}::jsonb, ${r.ip}, ${r.userAgent}, ${r.requestId}, ${pgArray(r.citizens)}::text[])`);
  }
  return seqs;
}

describe('R25: journal verify reads the rows as text and encodes them itself', () => {
  it('writes for any row the bytes encodeEntry writes for the row Drizzle reads (v1 and v2, in any session time zone)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 6 }), fc.constantFrom('UTC', 'Asia/Ho_Chi_Minh', 'America/St_Johns'), async (rows, zone) => {
        await rolledBack(async (tx) => {
          await tx.execute(sql`SELECT set_config('TimeZone', ${zone}, true)`);
          const seqs = await insert(tx, rows);
          const expected = new Map((await tx.select().from(journal).where(inArray(journal.seq, seqs))).map((r) => [String(r.seq), attempt(() => encodeEntry(r))]));
          const source = textSource(tx);
          const text = textRows(await readEntries(source, seqs.map(String)));
          const read = Array.from({ length: text.length }, (_, i) => text.row(i));
          expect(read.map((r) => r[0]).sort()).toEqual([...expected.keys()].sort());
          for (const r of read) {
            const bytes = expected.get(r[0]!)!;
            const fast = attempt(() => encodeTextEntry(r, textArrayParser(source.driver)));
            if (typeof bytes === 'string' || typeof fast === 'string' && fast.startsWith('throws')) {
              // an instant V8 cannot read back (a historical offset in seconds): encodeEntry throws, and so must the fast path
              expect(fast).toBe(bytes);
              continue;
            }
            expect(fast).toBe(bytes.toString('utf8'));
            expect(Buffer.from(fast).equals(bytes)).toBe(true);
            expect(crypto.hash('sha256', '\u0000' + fast, 'hex')).toBe(leafHash(bytes).toString('hex'));
          }
        });
      }),
      { numRuns: 60 },
    );
  });

  it('builds the same tree over hex digests as CompactRange over Buffers, from any starting edge', () => {
    const digest = fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 40 })).map((b) => Buffer.from(b));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.array(digest, { maxLength: 70 }), fc.array(digest, { minLength: 8, maxLength: 8 }), (start, leaves, frontier) => {
        const edge = frontier.slice(0, start.toString(2).replace(/0/g, '').length);
        const buffers = new CompactRange(start, [...edge]);
        const hex = new HexRange(start, edge.map((b) => b.toString('hex')));
        expect(hex.root()).toBe(buffers.root().toString('hex'));
        for (const leaf of leaves) {
          buffers.append(leaf);
          hex.append(leaf.toString('hex'));
          expect(hex.root()).toBe(buffers.root().toString('hex'));
        }
        expect(hex.nodes).toEqual(buffers.nodes.map((b) => b.toString('hex')));
      }),
    );
  });

  describe('on a journal of several checkpoints', () => {
    let size: number;
    beforeAll(async () => {
      const clock = new ManualClock();
      const rows = fc.sample(row, { numRuns: 70, seed: 7 }).map((r) => ({ ...r, at: new Date(Date.parse(r.at)).toISOString() }));
      for (const chunk of [rows.slice(0, 20), rows.slice(20, 21), rows.slice(21, 50), rows.slice(50)]) {
        await database.db.transaction(async (tx) => {
          await tx.execute(sql`SET LOCAL ROLE NONE`);
          await insert(tx, chunk);
        });
        await integrate(database, signer, clock);
      }
      size = (await database.db.select().from(journalIndex).orderBy(asc(journalIndex.idx))).length;
    });

    it('finds nothing wrong, whatever the page size', async () => {
      for (const pageSize of [1, 3, 16, 1000]) {
        expect(await verifyJournal(database.db, verifier, { pageSize })).toMatchObject({ size, checkpoints: 4, pending: 0, problems: [], archived: 0 });
      }
    });

    /** What an inspector's own check of an export (Drizzle rows, encodeEntry, the whole tree in memory) reports. */
    const reference = async (tx: Executor) => {
      const { size, checkpoints, problems, archived } = verifyBundle(await exportBundle(tx, signer.vkey), signer.vkey);
      return { size, checkpoints, problems, archived };
    };

    const tamper = fc.oneof(
      fc.record({ op: fc.constant('delete entry' as const), at: fc.nat(69) }),
      fc.record({ op: fc.constant('edit entry' as const), at: fc.nat(69), value: text }),
      fc.record({ op: fc.constant('delete position' as const), at: fc.nat(69) }),
      fc.record({ op: fc.constant('swap leaves' as const), at: fc.nat(69), with: fc.nat(69) }),
      fc.record({ op: fc.constant('add position' as const), seq: fc.constantFrom(1, 5, 999_999_999) }),
      fc.record({ op: fc.constant('delete checkpoint' as const), at: fc.nat(3) }),
    );
    type Tamper = typeof tamper extends fc.Arbitrary<infer T> ? T : never;
    const apply = async (tx: Executor, t: Tamper) => {
      const seqAt = (at: number) => sql`(SELECT seq FROM journal_index WHERE idx = ${at})`;
      if (t.op === 'delete entry') await tx.execute(sql`DELETE FROM journal WHERE seq = ${seqAt(t.at)}`);
      if (t.op === 'edit entry') await tx.execute(sql`UPDATE journal SET reason = ${t.value} WHERE seq = ${seqAt(t.at)}`);
      if (t.op === 'delete position') await tx.execute(sql`DELETE FROM journal_index WHERE idx = ${t.at}`);
      if (t.op === 'swap leaves') {
        const leafAt = (at: number) => sql`coalesce((SELECT leaf_hash FROM journal_index WHERE idx = ${at}), leaf_hash)`;
        await tx.execute(sql`UPDATE journal_index SET leaf_hash = CASE WHEN idx = ${t.at} THEN ${leafAt(t.with)} ELSE ${leafAt(t.at)} END WHERE idx IN (${t.at}, ${t.with})`);
      }
      if (t.op === 'add position') await tx.execute(sql`INSERT INTO journal_index (idx, seq, leaf_hash) SELECT coalesce(max(idx), -1) + 1 + ${t.seq % 3}, ${t.seq}, sha256('x') FROM journal_index ON CONFLICT DO NOTHING`);
      if (t.op === 'delete checkpoint') await tx.execute(sql`DELETE FROM journal_checkpoints WHERE size = (SELECT size FROM journal_checkpoints ORDER BY size OFFSET ${t.at} LIMIT 1)`);
    };

    it('reports every damage as the check of an export reports it, whatever was tampered and whatever the page size', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(tamper, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 40 }), async (tampers, pageSize) => {
          await rolledBack(async (tx) => {
            for (const t of tampers) await apply(tx, t);
            const { size, checkpoints, problems, archived } = await verifyJournal(tx, verifier, { pageSize });
            expect({ size, checkpoints, problems, archived }).toEqual(await reference(tx));
          });
        }),
        { numRuns: 60 },
      );
    });

    it('meets an entry duplicated in another partition at its position, as the join did', async () => {
      await rolledBack(async (tx) => {
        const columns = sql.raw('type, outcome, actor_account_id, actor_unit_id, actor_roles, target_type, target_id, unit_id, reason, details, ip, user_agent, request_id, citizens');
        await tx.execute(sql`INSERT INTO journal (seq, at, ${columns}) SELECT seq, at + interval '1 ms', ${columns} FROM journal WHERE seq = (SELECT seq FROM journal_index WHERE idx = 30)`);
        const { problems } = await verifyJournal(tx, verifier, { pageSize: 7 });
        expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^position 31: missing from the tree index \(next is 30\)$/), expect.stringMatching(/^position 30 \(entry \d+\): the entry was altered$/)]));
        expect((await reference(tx)).problems).toEqual(expect.arrayContaining([expect.stringMatching(/^position 31: missing from the tree index \(next is 30\)$/)]));
      });
    });
  });
});
