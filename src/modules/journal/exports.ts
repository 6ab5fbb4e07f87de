import { and, asc, eq, gt, gte, lt, lte } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';
import { NoteError, openNote, parseCheckpoint, parseVerifierKey } from './checkpoint.ts';
import { encodeEntry } from './entry.ts';
import { journal, journalCheckpoints, journalIndex, type JournalRow } from './journal.tables.ts';
import { CompactRange, leafHash, verifyInclusion } from './merkle.ts';
import { rangeNodes } from './nodes.ts';
import { loadArchiveRecords } from './verify-stream.ts';
import { verifyTree, verifyWithArchives, type ArchiveRecord, type TreeData } from './verify.ts';

// ——— Bundles: the journal as a file an inspector verifies on their own machine, with no database ———

export const BUNDLE_FORMAT = 'motcua.journal.bundle.v1';

export type ExportedEntry = Omit<JournalRow, 'at'> & { at: string };
type ExportedPosition = { idx: number; seq: number; leafHash: string; entry: ExportedEntry | null };
type ExportedCheckpoint = { size: number; root: string; note: string };

export interface JournalBundle {
  format: typeof BUNDLE_FORMAT;
  verifierKey: string;
  positions: ExportedPosition[];
  checkpoints: ExportedCheckpoint[];
  /** months moved to archive files: their entries are absent here, their leaf hashes are not */
  archives?: ArchiveRecord[];
}

const exportPosition = (p: TreeData['positions'][number]): ExportedPosition => ({ idx: p.idx, seq: p.seq, leafHash: p.leafHash.toString('hex'), entry: p.entry && { ...p.entry, at: p.entry.at.toISOString() } });
const exportCheckpoint = (c: TreeData['checkpoints'][number]): ExportedCheckpoint => ({ size: c.size, root: c.root.toString('hex'), note: c.note });
const importTree = (positions: ExportedPosition[], checkpoints: ExportedCheckpoint[]): TreeData => ({
  positions: positions.map((p) => ({ idx: p.idx, seq: p.seq, leafHash: Buffer.from(p.leafHash, 'hex'), entry: p.entry && { ...p.entry, at: new Date(p.entry.at) } })),
  checkpoints: checkpoints.map((c) => ({ size: c.size, root: Buffer.from(c.root, 'hex'), note: c.note })),
});

async function loadTree(tx: Executor): Promise<TreeData> {
  const rows = await tx.select({ index: journalIndex, entry: journal }).from(journalIndex).leftJoin(journal, eq(journal.seq, journalIndex.seq)).orderBy(asc(journalIndex.idx));
  return {
    positions: rows.map(({ index, entry }) => ({ ...index, entry })),
    checkpoints: await tx.select().from(journalCheckpoints).orderBy(asc(journalCheckpoints.size)),
  };
}

export async function exportBundle(tx: Executor, verifierKey: string): Promise<JournalBundle> {
  const tree = await loadTree(tx);
  return {
    format: BUNDLE_FORMAT,
    verifierKey,
    positions: tree.positions.map(exportPosition),
    checkpoints: tree.checkpoints.map(exportCheckpoint),
    archives: await loadArchiveRecords(tx),
  };
}

/** Verifies a bundle against a verifier key the inspector obtained independently (not the one inside the file). */
export function verifyBundle(bundle: JournalBundle, trustedKey: string) {
  if (bundle.format !== BUNDLE_FORMAT) throw new Error(`not a ${BUNDLE_FORMAT} file`);
  return verifyWithArchives(importTree(bundle.positions, bundle.checkpoints), parseVerifierKey(trustedKey), bundle.archives ?? []);
}

// ——— Archives: one month moved out of the database, still verifiable against the signed checkpoints ———

export const ARCHIVE_FORMAT = 'motcua.journal.archive.v1';

export interface JournalArchive {
  format: typeof ARCHIVE_FORMAT;
  /** first day of the month (Vietnam time) */
  month: string;
  verifierKey: string;
  /** the tree size before the first position held, and the tree's right edge there (hex, largest subtree first) */
  start: number;
  frontier: string[];
  /** every position from `start` to the first checkpoint at or after the month's last; entries of other months are null */
  positions: ExportedPosition[];
  checkpoints: ExportedCheckpoint[];
}

export async function buildArchive(tx: Executor, month: string, verifierKey: string, rows: { entry: JournalRow; idx: number }[]): Promise<JournalArchive> {
  const first = rows[0]!.idx;
  const last = rows.at(-1)!.idx;
  const [closing] = await tx.select().from(journalCheckpoints).where(gt(journalCheckpoints.size, last)).orderBy(asc(journalCheckpoints.size)).limit(1);
  if (!closing) throw new Error(`the month ${month} is not yet wholly in a signed checkpoint; wait for the sequencer`);
  const index = await tx.select().from(journalIndex).where(and(gte(journalIndex.idx, first), lt(journalIndex.idx, closing.size))).orderBy(asc(journalIndex.idx));
  const bySeq = new Map(rows.map((r) => [r.entry.seq, r.entry]));
  const [frontier] = first > 0 ? await rangeNodes(tx, [{ start: 0, end: first }]) : [[]];
  const checkpoints = await tx.select().from(journalCheckpoints).where(and(gt(journalCheckpoints.size, first), lte(journalCheckpoints.size, closing.size))).orderBy(asc(journalCheckpoints.size));
  return {
    format: ARCHIVE_FORMAT,
    month,
    verifierKey,
    start: first,
    frontier: frontier!.map((h) => h.toString('hex')),
    positions: index.map((i) => exportPosition({ ...i, entry: bySeq.get(i.seq) ?? null })),
    checkpoints: checkpoints.map(exportCheckpoint),
  };
}

/** An archive file checks on its own: its entries give the leaves, which with the frontier give the signed roots. */
export function verifyArchive(archive: JournalArchive, trustedKey: string) {
  if (archive.format !== ARCHIVE_FORMAT) throw new Error(`not a ${ARCHIVE_FORMAT} file`);
  const start = new CompactRange(archive.start, archive.frontier.map((h) => Buffer.from(h, 'hex')));
  const report = verifyTree(importTree(archive.positions, archive.checkpoints), parseVerifierKey(trustedKey), { start, archived: () => true });
  if (report.checkpoints === 0) report.problems.push('no signed checkpoint in the archive: nothing anchors its entries');
  const entries = archive.positions.filter((p) => p.entry).length;
  return { ...report, entries };
}

// ——— Selections: chosen entries, each with its inclusion proof against one signed checkpoint ———

export const SELECTION_FORMAT = 'motcua.journal.selection.v1';

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
  if (format === ARCHIVE_FORMAT) {
    const r = verifyArchive(json as JournalArchive, trustedKey);
    return { summary: `archive of ${(json as JournalArchive).month.slice(0, 7)}: ${r.entries} entries, positions ${(json as JournalArchive).start}–${r.size - 1}, ${r.checkpoints} checkpoints`, problems: r.problems };
  }
  if (format === BUNDLE_FORMAT) {
    const r = verifyBundle(json as JournalBundle, trustedKey);
    return { summary: `${r.size} entries, ${r.checkpoints} checkpoints`, problems: r.problems };
  }
  throw new Error(`not a journal export (format ${JSON.stringify(format)})`);
}
