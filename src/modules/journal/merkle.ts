import crypto from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 §2.1 (Certificate Transparency 2.0), over leaf hashes.
 * Pure functions on arrays: the sequencer stores the nodes it needs; `verify*` need nothing but the proof,
 * so an inspector can check the journal without trusting our database.
 */

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

export const sha256 = (...parts: Uint8Array[]) => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

export const leafHash = (entry: Uint8Array): Buffer => sha256(LEAF, entry);
export const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer => sha256(NODE, left, right);
export const EMPTY_ROOT = sha256();

/** The largest power of two strictly smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over leaf hashes `leaves[start, end)`. */
export function rootOf(leaves: readonly Uint8Array[], start = 0, end = leaves.length): Buffer {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return Buffer.from(leaves[start]!);
  const k = split(n);
  return nodeHash(rootOf(leaves, start, start + k), rootOf(leaves, start + k, end));
}

export interface Range {
  start: number;
  end: number;
}

/** PATH(m, D[n]) as the leaf ranges whose subtree roots form the audit path of leaf `index`. */
export function inclusionRanges(index: number, size: number): Range[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  const path = (m: number, start: number, end: number): Range[] => {
    const n = end - start;
    if (n === 1) return [];
    const k = split(n);
    return m < k ? [...path(m, start, start + k), { start: start + k, end }] : [...path(m - k, start + k, end), { start, end: start + k }];
  };
  return path(index, 0, size);
}

/** PROOF(m, D[n]) as leaf ranges: that the tree of `oldSize` leaves is a prefix of the tree of `newSize` leaves. */
export function consistencyRanges(oldSize: number, newSize: number): Range[] {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize) throw new RangeError(`no consistency from ${oldSize} to ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  const subproof = (m: number, start: number, end: number, complete: boolean): Range[] => {
    const n = end - start;
    if (m === n) return complete ? [] : [{ start, end }];
    const k = split(n);
    return m <= k
      ? [...subproof(m, start, start + k, complete), { start: start + k, end }]
      : [...subproof(m - k, start + k, end, false), { start, end: start + k }];
  };
  return subproof(oldSize, 0, newSize, true);
}

export function inclusionProof(leaves: readonly Uint8Array[], index: number, size = leaves.length): Buffer[] {
  if (size > leaves.length) throw new RangeError(`only ${leaves.length} leaves`);
  return inclusionRanges(index, size).map((r) => rootOf(leaves, r.start, r.end));
}

export function consistencyProof(leaves: readonly Uint8Array[], oldSize: number, newSize = leaves.length): Buffer[] {
  if (newSize > leaves.length) throw new RangeError(`only ${leaves.length} leaves`);
  return consistencyRanges(oldSize, newSize).map((r) => rootOf(leaves, r.start, r.end));
}

/** A stored perfect subtree: level 0 is a leaf, level L covers leaves [index·2^L, (index+1)·2^L). */
export interface NodeId {
  level: number;
  index: number;
}

/**
 * The perfect subtrees whose roots, folded from the right, give the root of a range of the RFC recursion
 * (such a range starts at a multiple of its size rounded up to a power of two, so its pieces are aligned).
 */
export function rangePieces({ start, end }: Range): NodeId[] {
  const pieces: NodeId[] = [];
  let at = start;
  for (let level = Math.floor(Math.log2(end - start)); level >= 0; level--) {
    const width = 2 ** level;
    if (at + width <= end) {
      pieces.push({ level, index: at / width });
      at += width;
    }
  }
  return pieces;
}

export function foldPieces(hashes: readonly Buffer[]): Buffer {
  return hashes.reduceRight((acc, node) => nodeHash(node, acc));
}

/** Right-shifts both indices until `fn` is odd or zero: the RFC's step past a right edge. */
function climb(fn: number, sn: number): [number, number] {
  while (fn % 2 === 0 && fn !== 0) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return [fn, sn];
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && crypto.timingSafeEqual(a, b);

/** RFC 9162 §2.1.3.2. */
export function verifyInclusion(leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) [fn, sn] = climb(fn, sn);
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** RFC 9162 §2.1.4.2. An empty old tree is consistent with any tree (nothing to prove). */
export function verifyConsistency(oldSize: number, newSize: number, oldRoot: Uint8Array, newRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) return false;
  if (oldSize === 0) return proof.length === 0;
  if (oldSize === newSize) return proof.length === 0 && equal(oldRoot, newRoot);
  const path = (oldSize & (oldSize - 1)) === 0 ? [oldRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) [fn, sn] = climb(fn, sn);
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, oldRoot) && equal(sr, newRoot);
}

/**
 * The right edge of a tree: the roots of its perfect subtrees, largest first. Enough to append leaves and to
 * compute the root, so the sequencer never reads old leaves.
 */
export class CompactRange {
  constructor(
    public size = 0,
    public readonly nodes: Buffer[] = [],
  ) {}

  /** Appends a leaf; returns the perfect subtrees (level ≥ 1) it completes, for storage. */
  append(leaf: Buffer): (NodeId & { hash: Buffer })[] {
    const completed = [];
    this.nodes.push(leaf);
    for (let s = this.size, level = 1; s % 2 === 1; s = Math.floor(s / 2), level++) {
      const right = this.nodes.pop()!;
      const left = this.nodes.pop()!;
      const hash = nodeHash(left, right);
      this.nodes.push(hash);
      completed.push({ level, index: Math.floor(this.size / 2 ** level), hash });
    }
    this.size += 1;
    return completed;
  }

  root(): Buffer {
    return this.nodes.length === 0 ? EMPTY_ROOT : foldPieces(this.nodes);
  }
}
