import crypto from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../../../test/harness.ts';
import type { Executor } from '../../platform/db.ts';
import { formatCheckpoint, openNote, parseCheckpoint, parseVerifierKey, signNote } from './checkpoint.ts';
import { journalCheckpoints, journalIndex } from './journal.tables.ts';
import { CompactRange, consistencyProof, consistencyRanges, inclusionProof, inclusionRanges, leafHash, rootOf, verifyConsistency, verifyInclusion } from './merkle.ts';
import { record } from './record.ts';
import { rangeRoots } from './nodes.ts';
import { encodeEntry } from './entry.ts';
import { integrate, journalSigner } from './sequencer.ts';
import { exportBundle, verifyBundle, verifyExportedFile, verifySelection, type JournalBundle, type JournalSelection } from './exports.ts';
import { verifyJournal } from './verify-stream.ts';
import type { VerifyReport } from './verify.ts';

const signer = journalSigner('motcua/19/journal', crypto.generateKeyPairSync('ed25519').privateKey);
const verifier = parseVerifierKey(signer.vkey);

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
  for (let i = 0; i < 40; i++) await sys.inTx((ctx) => record(ctx, { type: 'test.entry', details: { i, nested: { b: 2, a: 1 } } }));
  await integrate(sys.database, signer, sys.clock);
  for (let i = 40; i < 45; i++) await sys.inTx((ctx) => record(ctx, { type: 'test.entry', details: { i } }));
  await integrate(sys.database, signer, sys.clock);
});
afterAll(() => sys.close());

/** Tampers inside a transaction, verifies there, and rolls everything back. */
async function verifyAfter(tamper: (tx: Executor) => Promise<unknown>): Promise<VerifyReport> {
  let report: VerifyReport | undefined;
  await sys.database.db
    .transaction(async (tx) => {
      // An operator with the database owner's rights can switch the append-only triggers off.
      await tx.execute(sql`SET LOCAL ROLE NONE`);
      await tx.execute(sql`ALTER TABLE journal DISABLE TRIGGER USER`);
      await tx.execute(sql`ALTER TABLE journal_index DISABLE TRIGGER USER`);
      await tx.execute(sql`ALTER TABLE journal_checkpoints DISABLE TRIGGER USER`);
      await tamper(tx);
      report = await verifyJournal(tx, verifier);
      throw new Error('roll back');
    })
    .catch((err: Error) => {
      if (err.message !== 'roll back') throw err;
    });
  return report!;
}

describe('R25: the sequencer and its signed checkpoints', () => {
  it('a compact range gives the same root as the whole tree, at every size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), (n) => {
        const leaves = Array.from({ length: n }, (_, i) => leafHash(Buffer.from([i % 256, i >> 8])));
        const range = new CompactRange();
        leaves.forEach((l) => range.append(l));
        return range.root().equals(rootOf(leaves));
      }),
    );
  });

  it('integrates every committed entry and publishes a checkpoint an outsider can check', async () => {
    const journalRows = (await sys.database.db.execute(sql`SELECT count(*)::int AS n FROM journal`)) as unknown as { rows: { n: number }[] };
    const checkpoints = await sys.database.db.select().from(journalCheckpoints).orderBy(asc(journalCheckpoints.size));
    expect(checkpoints.map((c) => c.size)).toEqual([40, journalRows.rows[0]!.n]);
    const latest = checkpoints.at(-1)!;
    const body = parseCheckpoint(openNote(latest.note, [verifier]).text);
    const leaves = (await sys.database.db.select().from(journalIndex).orderBy(asc(journalIndex.idx))).map((r) => r.leafHash);
    expect(body.root.equals(rootOf(leaves))).toBe(true);
    expect(await integrate(sys.database, signer, sys.clock)).toBe(0);
  });

  it('verify finds nothing wrong in an intact journal', async () => {
    expect(await verifyJournal(sys.database.db, verifier)).toMatchObject({ size: 45, checkpoints: 2, pending: 0, problems: [] });
  });

  it('verify names an entry whose content was edited', async () => {
    const report = await verifyAfter((tx) => tx.execute(sql`UPDATE journal SET reason = 'edited' WHERE seq = (SELECT seq FROM journal_index WHERE idx = 7)`));
    expect(report.problems).toContainEqual(expect.stringMatching(/^position 7 \(entry \d+\): the entry was altered$/));
  });

  it('verify names an entry that was deleted', async () => {
    const report = await verifyAfter((tx) => tx.execute(sql`DELETE FROM journal WHERE seq = (SELECT seq FROM journal_index WHERE idx = 12)`));
    expect(report.problems).toContainEqual(expect.stringMatching(/^position 12 \(entry \d+\): the entry was deleted$/));
  });

  it('verify names both entries when two are swapped, even with their leaf hashes swapped too', async () => {
    const report = await verifyAfter(async (tx) => {
      await tx.execute(sql`UPDATE journal SET details = '{"i": 3}' WHERE seq = (SELECT seq FROM journal_index WHERE idx = 4)`);
      await tx.execute(sql`UPDATE journal SET details = '{"i": 4}' WHERE seq = (SELECT seq FROM journal_index WHERE idx = 3)`);
      await tx.execute(sql`UPDATE journal_index SET leaf_hash = (SELECT leaf_hash FROM journal_index WHERE idx = 4) WHERE idx = 3`);
    });
    expect(report.problems.join('\n')).toMatch(/position 4 .*altered/);
    expect(report.problems.join('\n')).toMatch(/checkpoint 40: the entries no longer produce its root/);
  });

  it('verify refuses a truncated tail re-signed with another key', async () => {
    const forger = journalSigner(signer.name, crypto.generateKeyPairSync('ed25519').privateKey);
    const report = await verifyAfter(async (tx) => {
      await tx.execute(sql`DELETE FROM journal WHERE seq IN (SELECT seq FROM journal_index WHERE idx >= 40)`);
      await tx.execute(sql`DELETE FROM journal_index WHERE idx >= 40`);
      await tx.execute(sql`DELETE FROM journal_checkpoints WHERE size > 40`);
      const leaves = (await tx.select().from(journalIndex).orderBy(asc(journalIndex.idx))).map((r) => r.leafHash).slice(0, 38);
      const root = rootOf(leaves);
      await tx.insert(journalCheckpoints).values({ size: 38, root, note: signNote(formatCheckpoint({ origin: signer.name, size: 38, root }), forger), frontier: [], createdAt: sys.clock.now(), lastTxid: '0', lastSeq: 0 });
    });
    expect(report.problems).toContainEqual('checkpoint 38: no signature by a known key (not signed by the journal key)');
  });

  it('an exported bundle verifies offline with the trusted key, and names an entry edited in the file', async () => {
    const bundle = JSON.parse(JSON.stringify(await exportBundle(sys.database.db, signer.vkey))) as JournalBundle;
    expect(verifyBundle(bundle, signer.vkey)).toMatchObject({ size: 45, checkpoints: 2, problems: [] });
    bundle.positions[9]!.entry!.type = 'forged.type';
    expect(verifyBundle(bundle, signer.vkey).problems).toContainEqual(expect.stringMatching(/^position 9 \(entry \d+\): the entry was altered$/));
  });

  it('should not trust a bundle whose checkpoints were signed by a key other than the trusted one', async () => {
    const bundle = await exportBundle(sys.database.db, signer.vkey);
    const other = journalSigner(signer.name, crypto.generateKeyPairSync('ed25519').privateKey);
    expect(verifyBundle(bundle, other.vkey).problems).toHaveLength(2);
  });

  it('R21: an inspector reads an entry with a proof they can check against the signed checkpoint alone', async () => {
    const inspector = await sys.signedIn(await sys.officer({ username: 'pc06.inspector', unit: sys.province, roles: ['inspector'] }), '10.6.6.6');
    await integrate(sys.database, signer, sys.clock);
    const found = (await inspector.get('/api/journal/entries?type=test.entry&limit=5')).json().items;
    expect(found).toHaveLength(5);
    const res = (await inspector.get(`/api/journal/entries/${found[4].seq}`)).json();
    const body = parseCheckpoint(openNote(res.checkpoint.note, [verifier]).text);
    const leaf = leafHash(encodeEntry({ ...res.entry, at: new Date(res.entry.at) }));
    expect(leaf.toString('hex')).toBe(res.leafHash);
    expect(verifyInclusion(leaf, res.entry.position, body.size, res.inclusionProof.map((h: string) => Buffer.from(h, 'hex')), body.root)).toBe(true);
    const proof = (await inspector.get(`/api/journal/consistency?from=40&to=${body.size}`)).json().proof.map((h: string) => Buffer.from(h, 'hex'));
    const [cp40] = await sys.database.db.select().from(journalCheckpoints).where(eq(journalCheckpoints.size, 40));
    expect(verifyConsistency(40, body.size, cp40!.root, body.root, proof)).toBe(true);
  });

  it('R21: a selection exported from the search verifies offline entry by entry; an edited, moved or invented entry fails', async () => {
    const inspector = await sys.signedIn(await sys.officer({ username: 'pc06.exporter', unit: sys.province, roles: ['inspector'] }), '10.6.6.8');
    await integrate(sys.database, signer, sys.clock);
    const res = await inspector.get('/api/journal/export?type=test.entry');
    // named by the time in Vietnam (UTC+7), to the second
    const vietnamClock = new Date(sys.clock.now().getTime() + 7 * 3_600_000).toISOString().slice(0, 19).replace(/:/g, '-');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="nhat-ky-${vietnamClock}.json"`);
    const selection = res.json() as JournalSelection;
    expect(selection.entries).toHaveLength(45);
    expect(verifyExportedFile(selection, signer.vkey)).toEqual({ summary: expect.stringMatching(/^45 selected entries/), problems: [] });

    const edited = structuredClone(selection);
    edited.entries[3]!.entry.details = { i: 999 };
    const moved = structuredClone(selection);
    moved.entries[5]!.position += 1;
    const invented = structuredClone(selection);
    invented.entries.push({ ...structuredClone(selection.entries[0]!), entry: { ...selection.entries[0]!.entry, seq: 99_999 } });
    for (const [what, bundle, position] of [['edited', edited, 3], ['moved', moved, 6], ['invented', invented, 0]] as const) {
      expect(verifySelection(bundle, signer.vkey).problems, what).toEqual([expect.stringMatching(new RegExp(`^position ${position} `))]);
    }
    const other = journalSigner(signer.name, crypto.generateKeyPairSync('ed25519').privateKey);
    expect(verifySelection(selection, other.vkey).problems).toEqual([expect.stringMatching(/^checkpoint: /)]);
    expect(await sys.journalOf('journal.export')).toHaveLength(1);
  });

  it('should not show the journal to a unit admin, an officer, or an inspector placed only at a commune', async () => {
    for (const [username, unit, role] of [
      ['j.unitadmin', sys.communes[0]!, 'unit_admin'],
      ['j.officer', sys.communes[0]!, 'reception_officer'],
      ['j.commune.inspector', sys.communes[0]!, 'inspector'],
    ] as const) {
      const c = await sys.signedIn(await sys.officer({ username, unit, roles: [role] }), '10.6.6.7');
      expect((await c.get('/api/journal/entries')).statusCode, username).toBe(403);
      expect((await c.get('/api/journal/checkpoint')).statusCode, username).toBe(403);
    }
  });

  it('proofs from the stored subtrees equal proofs from all the leaves, for every position and checkpoint', async () => {
    const leaves = (await sys.database.db.select().from(journalIndex).orderBy(asc(journalIndex.idx))).map((r) => r.leafHash);
    for (const size of [1, 40, leaves.length]) {
      for (let index = 0; index < size; index++) {
        expect(await rangeRoots(sys.database.db, inclusionRanges(index, size))).toEqual(inclusionProof(leaves, index, size));
      }
    }
    for (const [from, to] of [[40, leaves.length], [1, 40], [17, leaves.length]] as const) {
      expect(await rangeRoots(sys.database.db, consistencyRanges(from, to))).toEqual(consistencyProof(leaves, from, to));
    }
  });
});
