import { asc, count, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';
import { NoteError, openNote, parseCheckpoint, type NoteVerifier } from './checkpoint.ts';
import { encodeEntry } from './entry.ts';
import { journal, journalCheckpoints, journalIndex } from './journal.tables.ts';
import { CompactRange, leafHash } from './merkle.ts';

export interface VerifyReport {
  /** entries in the tree */
  size: number;
  checkpoints: number;
  /** committed entries the sequencer has not integrated yet */
  pending: number;
  /** each damage found, naming its position; empty when the journal is intact */
  problems: string[];
}

/**
 * Recomputes every leaf from the rows and the whole tree from the leaves, and checks every stored checkpoint
 * against it and against the journal's verifier key, which comes from outside the database.
 */
export async function verifyJournal(tx: Executor, verifier: NoteVerifier): Promise<VerifyReport> {
  const problems: string[] = [];
  const checkpoints = await tx.select().from(journalCheckpoints).orderBy(asc(journalCheckpoints.size));
  const expectedRoots = new Map<number, Buffer>();
  for (const cp of checkpoints) {
    try {
      const body = parseCheckpoint(openNote(cp.note, [verifier]).text);
      if (body.origin !== verifier.name || body.size !== cp.size || !body.root.equals(cp.root)) {
        problems.push(`checkpoint ${cp.size}: the signed note does not match the stored checkpoint`);
      }
      expectedRoots.set(body.size, body.root);
    } catch (err) {
      problems.push(`checkpoint ${cp.size}: ${err instanceof NoteError ? err.message : 'unreadable'} (not signed by the journal key)`);
    }
  }

  const rows = await tx.select({ index: journalIndex, entry: journal }).from(journalIndex).leftJoin(journal, eq(journal.seq, journalIndex.seq)).orderBy(asc(journalIndex.idx));
  const range = new CompactRange();
  let lastGood = 0;
  for (const { index, entry } of rows) {
    if (index.idx !== range.size) problems.push(`position ${range.size}: missing from the tree index (next is ${index.idx})`);
    let leaf = index.leafHash;
    if (!entry) {
      problems.push(`position ${index.idx} (entry ${index.seq}): the entry was deleted`);
    } else {
      leaf = leafHash(encodeEntry(entry));
      if (!leaf.equals(index.leafHash)) problems.push(`position ${index.idx} (entry ${index.seq}): the entry was altered`);
    }
    range.append(leaf);
    const expected = expectedRoots.get(range.size);
    if (expected) {
      if (!expected.equals(range.root())) {
        problems.push(`checkpoint ${range.size}: the entries no longer produce its root (changed between positions ${lastGood} and ${range.size - 1})`);
      } else {
        lastGood = range.size;
      }
    }
  }
  for (const size of expectedRoots.keys()) {
    if (size > range.size) problems.push(`checkpoint ${size}: the tree has only ${range.size} entries (entries removed from the end)`);
  }
  const [pending] = await tx.select({ n: count() }).from(journal).leftJoin(journalIndex, eq(journalIndex.seq, journal.seq)).where(isNull(journalIndex.seq));
  return { size: range.size, checkpoints: checkpoints.length, pending: pending?.n ?? 0, problems };
}
