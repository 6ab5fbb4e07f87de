import crypto from 'node:crypto';
import { NoteError, openNote, parseCheckpoint, type NoteVerifier } from './checkpoint.ts';
import { encodeEntry } from './entry.ts';
import type { JournalRow } from './journal.tables.ts';
import { CompactRange, EMPTY_ROOT, leafHash, nodeHash } from './merkle.ts';

/**
 * The tree check, with no database: entries against their leaves, leaves against every signed checkpoint. The
 * database's stream (verify-stream.ts) and the exported files (exports.ts) feed the same check, so that each damage
 * is worded once.
 */

export interface VerifyReport {
  /** entries in the tree */
  size: number;
  checkpoints: number;
  /** committed entries the sequencer has not integrated yet */
  pending: number;
  /** each damage found, naming its position; empty when the journal is intact */
  problems: string[];
}

export interface TreeData {
  /** the tree index, by position, with the entry it points to (null when the row is gone) */
  positions: { idx: number; seq: number; leafHash: Buffer; entry: JournalRow | null }[];
  checkpoints: { size: number; root: Buffer; note: string }[];
}

const nodeInput = Buffer.alloc(65, 1);

/** RFC 9162 node hash over hex digests (merkle.ts's nodeHash), without a Buffer per node. */
function nodeHashHex(left: string, right: string): string {
  if (left.length !== 64 || right.length !== 64) return nodeHash(Buffer.from(left, 'hex'), Buffer.from(right, 'hex')).toString('hex');
  nodeInput.write(left, 1, 'hex');
  nodeInput.write(right, 33, 'hex');
  return crypto.hash('sha256', nodeInput, 'hex');
}

const EMPTY_ROOT_HEX = EMPTY_ROOT.toString('hex');

/** merkle.ts's CompactRange over hex digests: the same tree (a property test holds them equal), at a fraction of the cost. */
export class HexRange {
  constructor(
    public size = 0,
    public readonly nodes: string[] = [],
  ) {}

  append(leaf: string): void {
    const nodes = this.nodes;
    nodes.push(leaf);
    for (let s = this.size; s % 2 === 1; s = Math.floor(s / 2)) {
      const right = nodes.pop()!;
      nodes.push(nodeHashHex(nodes.pop()!, right));
    }
    this.size += 1;
  }

  root(): string {
    const nodes = this.nodes;
    if (nodes.length === 0) return EMPTY_ROOT_HEX;
    let acc = nodes[nodes.length - 1]!;
    for (let i = nodes.length - 2; i >= 0; i--) acc = nodeHashHex(nodes[i]!, acc);
    return acc;
  }
}

/** Leaf hash (hex) of an entry's canonical bytes given as a string: SHA-256(0x00 ‖ UTF-8 of the string). */
export const leafHashHex = (encoded: string): string => crypto.hash('sha256', '\u0000' + encoded, 'hex');

/**
 * Checks positions one by one, in tree order: each entry against its leaf, the leaves against every signed
 * checkpoint. Holds only the tree's right edge, so a journal of any size streams through it.
 */
export class TreeCheck {
  readonly problems: string[] = [];
  archived = 0;
  private readonly expectedRoots = new Map<number, string>();
  private readonly range: HexRange;
  private lastGood: number;

  constructor(
    checkpoints: readonly { size: number; root: Buffer; note: string }[],
    verifier: NoteVerifier,
    private readonly options: { start?: HexRange; archived?: (idx: number) => boolean },
  ) {
    for (const cp of checkpoints) {
      try {
        const body = parseCheckpoint(openNote(cp.note, [verifier]).text);
        if (body.origin !== verifier.name || body.size !== cp.size || !body.root.equals(cp.root)) {
          this.problems.push(`checkpoint ${cp.size}: the signed note does not match the stored checkpoint`);
        }
        this.expectedRoots.set(body.size, body.root.toString('hex'));
      } catch (err) {
        this.problems.push(`checkpoint ${cp.size}: ${err instanceof NoteError ? err.message : 'unreadable'} (not signed by the journal key)`);
      }
    }
    this.range = options.start ?? new HexRange();
    this.lastGood = this.range.size;
  }

  /** One row of the tree index: its stored leaf and, unless the entry is gone, the leaf recomputed from the entry. */
  position(idx: number, seq: number, stored: string, recomputed: string | null): void {
    const range = this.range;
    if (idx !== range.size) this.problems.push(`position ${range.size}: missing from the tree index (next is ${idx})`);
    let leaf = stored;
    if (recomputed === null) {
      if (this.options.archived?.(idx)) this.archived += 1;
      else this.problems.push(`position ${idx} (entry ${seq}): the entry was deleted`);
    } else {
      leaf = recomputed;
      if (leaf !== stored) this.problems.push(`position ${idx} (entry ${seq}): the entry was altered`);
    }
    range.append(leaf);
    const expected = this.expectedRoots.get(range.size);
    if (expected === undefined) return;
    if (expected === range.root()) this.lastGood = range.size;
    else this.problems.push(`checkpoint ${range.size}: the entries no longer produce its root (changed between positions ${this.lastGood} and ${range.size - 1})`);
  }

  finish(checkpoints: number): Omit<VerifyReport, 'pending'> & { archived: number } {
    for (const size of this.expectedRoots.keys()) {
      if (size > this.range.size) this.problems.push(`checkpoint ${size}: the tree has only ${this.range.size} entries (entries removed from the end)`);
    }
    return { size: this.range.size, checkpoints, problems: this.problems, archived: this.archived };
  }
}

/**
 * Recomputes every leaf from the entries and the whole tree from the leaves, and checks every checkpoint against
 * it and against the verifier key, which must come from outside the database.
 */
export function verifyTree(
  data: TreeData,
  verifier: NoteVerifier,
  options: {
    /** the right edge of the tree before the first position given (an archive starts mid-tree) */
    start?: CompactRange;
    /** positions whose entry may be absent because it lives in an archive file */
    archived?: (idx: number) => boolean;
  } = {},
): Omit<VerifyReport, 'pending'> & { archived: number } {
  const start = options.start && new HexRange(options.start.size, options.start.nodes.map((n) => n.toString('hex')));
  const check = new TreeCheck(data.checkpoints, verifier, { start, archived: options.archived });
  for (const { idx, seq, leafHash: stored, entry } of data.positions) {
    check.position(idx, seq, stored.toString('hex'), entry ? leafHash(encodeEntry(entry)).toString('hex') : null);
  }
  return check.finish(data.checkpoints.length);
}

/** What the journal says of its archived months: which positions they held and how many entries. */
export interface ArchiveRecord {
  month: string;
  entries: number;
  firstPosition: number | null;
  lastPosition: number | null;
  fileName: string | null;
  fileSha256: string | null;
}

/** Positions inside an archive's range may have no entry; the archives' own count says how many. */
export function archiveAccounting(archives: readonly ArchiveRecord[]) {
  return {
    inArchive: (idx: number) => archives.some((a) => a.firstPosition !== null && a.lastPosition !== null && idx >= a.firstPosition && idx <= a.lastPosition),
    check(report: { archived: number; problems: string[] }) {
      const expected = archives.reduce((n, a) => n + a.entries, 0);
      if (report.archived !== expected) {
        report.problems.push(`archives: ${expected} entries were archived but ${report.archived} positions inside the archived ranges have no entry (entries deleted among archived months)`);
      }
    },
  };
}

/**
 * Verifies a tree whose archived months are present only through their leaf hashes: an absent entry counts as
 * archived only inside an archive's positions, and the count must be the archives' own.
 */
export function verifyWithArchives(data: TreeData, verifier: NoteVerifier, archives: readonly ArchiveRecord[]) {
  const accounting = archiveAccounting(archives);
  const report = verifyTree(data, verifier, { archived: accounting.inArchive });
  accounting.check(report);
  return report;
}
