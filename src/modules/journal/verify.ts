import { asc, count, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';
import { NoteError, openNote, parseCheckpoint, parseVerifierKey, type NoteVerifier } from './checkpoint.ts';
import { encodeEntry } from './entry.ts';
import { journal, journalCheckpoints, journalIndex, type JournalRow } from './journal.tables.ts';
import { CompactRange, leafHash, verifyInclusion } from './merkle.ts';

export interface VerifyReport {
  /** entries in the tree */
  size: number;
  checkpoints: number;
  /** committed entries the sequencer has not integrated yet */
  pending: number;
  /** each damage found, naming its position; empty when the journal is intact */
  problems: string[];
}

interface TreeData {
  /** the tree index, by position, with the entry it points to (null when the row is gone) */
  positions: { idx: number; seq: number; leafHash: Buffer; entry: JournalRow | null }[];
  checkpoints: { size: number; root: Buffer; note: string }[];
}

/**
 * Recomputes every leaf from the entries and the whole tree from the leaves, and checks every checkpoint against
 * it and against the verifier key, which must come from outside the database.
 */
export function verifyTree(data: TreeData, verifier: NoteVerifier): Omit<VerifyReport, 'pending'> {
  const problems: string[] = [];
  const expectedRoots = new Map<number, Buffer>();
  for (const cp of data.checkpoints) {
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
  const range = new CompactRange();
  let lastGood = 0;
  for (const { idx, seq, leafHash: stored, entry } of data.positions) {
    if (idx !== range.size) problems.push(`position ${range.size}: missing from the tree index (next is ${idx})`);
    let leaf = stored;
    if (!entry) {
      problems.push(`position ${idx} (entry ${seq}): the entry was deleted`);
    } else {
      leaf = leafHash(encodeEntry(entry));
      if (!leaf.equals(stored)) problems.push(`position ${idx} (entry ${seq}): the entry was altered`);
    }
    range.append(leaf);
    const expected = expectedRoots.get(range.size);
    if (!expected) continue;
    if (expected.equals(range.root())) lastGood = range.size;
    else problems.push(`checkpoint ${range.size}: the entries no longer produce its root (changed between positions ${lastGood} and ${range.size - 1})`);
  }
  for (const size of expectedRoots.keys()) {
    if (size > range.size) problems.push(`checkpoint ${size}: the tree has only ${range.size} entries (entries removed from the end)`);
  }
  return { size: range.size, checkpoints: data.checkpoints.length, problems };
}

async function loadTree(tx: Executor): Promise<TreeData> {
  const rows = await tx.select({ index: journalIndex, entry: journal }).from(journalIndex).leftJoin(journal, eq(journal.seq, journalIndex.seq)).orderBy(asc(journalIndex.idx));
  return {
    positions: rows.map(({ index, entry }) => ({ ...index, entry })),
    checkpoints: await tx.select().from(journalCheckpoints).orderBy(asc(journalCheckpoints.size)),
  };
}

export async function verifyJournal(tx: Executor, verifier: NoteVerifier): Promise<VerifyReport> {
  const report = verifyTree(await loadTree(tx), verifier);
  const [pending] = await tx.select({ n: count() }).from(journal).leftJoin(journalIndex, eq(journalIndex.seq, journal.seq)).where(isNull(journalIndex.seq));
  return { ...report, pending: pending?.n ?? 0 };
}

// ——— Bundles: the journal as a file an inspector verifies on their own machine, with no database ———

export const BUNDLE_FORMAT = 'motcua.journal.bundle.v1';

export interface JournalBundle {
  format: typeof BUNDLE_FORMAT;
  verifierKey: string;
  positions: { idx: number; seq: number; leafHash: string; entry: ExportedEntry | null }[];
  checkpoints: { size: number; root: string; note: string }[];
}

export async function exportBundle(tx: Executor, verifierKey: string): Promise<JournalBundle> {
  const tree = await loadTree(tx);
  return {
    format: BUNDLE_FORMAT,
    verifierKey,
    positions: tree.positions.map((p) => ({ idx: p.idx, seq: p.seq, leafHash: p.leafHash.toString('hex'), entry: p.entry && { ...p.entry, at: p.entry.at.toISOString() } })),
    checkpoints: tree.checkpoints.map((c) => ({ size: c.size, root: c.root.toString('hex'), note: c.note })),
  };
}

/** Verifies a bundle against a verifier key the inspector obtained independently (not the one inside the file). */
export function verifyBundle(bundle: JournalBundle, trustedKey: string): Omit<VerifyReport, 'pending'> {
  if (bundle.format !== BUNDLE_FORMAT) throw new Error(`not a ${BUNDLE_FORMAT} file`);
  return verifyTree(
    {
      positions: bundle.positions.map((p) => ({ idx: p.idx, seq: p.seq, leafHash: Buffer.from(p.leafHash, 'hex'), entry: p.entry && { ...p.entry, at: new Date(p.entry.at) } })),
      checkpoints: bundle.checkpoints.map((c) => ({ size: c.size, root: Buffer.from(c.root, 'hex'), note: c.note })),
    },
    parseVerifierKey(trustedKey),
  );
}

// ——— Selections: chosen entries, each with its inclusion proof against one signed checkpoint ———

export const SELECTION_FORMAT = 'motcua.journal.selection.v1';

export type ExportedEntry = Omit<JournalRow, 'at'> & { at: string };

export interface JournalSelection {
  format: typeof SELECTION_FORMAT;
  /** what was asked for, in words, for the inspector's report */
  filter: Record<string, string>;
  checkpoint: { size: number; note: string };
  entries: { position: number; entry: ExportedEntry; inclusionProof: string[] }[];
}

/**
 * Checks each entry of a selection against the signed checkpoint, with the verifier key the inspector trusts: a
 * changed, invented or moved entry fails its inclusion proof. It says nothing of entries left out of the selection.
 */
export function verifySelection(bundle: JournalSelection, trustedKey: string): { size: number; entries: number; problems: string[] } {
  if (bundle.format !== SELECTION_FORMAT) throw new Error(`not a ${SELECTION_FORMAT} file`);
  const verifier = parseVerifierKey(trustedKey);
  let body;
  try {
    body = parseCheckpoint(openNote(bundle.checkpoint.note, [verifier]).text);
  } catch (err) {
    return { size: 0, entries: bundle.entries.length, problems: [`checkpoint: ${err instanceof NoteError ? err.message : 'unreadable'} (not signed by the journal key)`] };
  }
  const problems: string[] = [];
  for (const { position, entry, inclusionProof } of bundle.entries) {
    const leaf = leafHash(encodeEntry({ ...entry, at: new Date(entry.at) }));
    const proof = inclusionProof.map((h) => Buffer.from(h, 'hex'));
    if (!verifyInclusion(leaf, position, body.size, proof, body.root)) problems.push(`position ${position} (entry ${entry.seq}): not in the signed tree as exported (altered, invented or moved)`);
  }
  return { size: body.size, entries: bundle.entries.length, problems };
}

/** Any exported journal file, by its format: what `motcua journal verify-export` prints. */
export function verifyExportedFile(json: unknown, trustedKey: string): { summary: string; problems: string[] } {
  const format = (json as { format?: unknown } | null)?.format;
  if (format === SELECTION_FORMAT) {
    const r = verifySelection(json as JournalSelection, trustedKey);
    return { summary: `${r.entries} selected entries, each proven in the signed tree of ${r.size}`, problems: r.problems };
  }
  if (format === BUNDLE_FORMAT) {
    const r = verifyBundle(json as JournalBundle, trustedKey);
    return { summary: `${r.size} entries, ${r.checkpoints} checkpoints`, problems: r.problems };
  }
  throw new Error(`not a journal export (format ${JSON.stringify(format)})`);
}
