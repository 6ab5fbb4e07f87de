import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactRange, consistencyProof, EMPTY_ROOT, inclusionProof, leafHash, rootOf, verifyConsistency, verifyInclusion } from './merkle.ts';

// The test data of RFC 6962/9162's reference implementation (certificate-transparency merkle_tree_test).
const inputs = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const leaves = inputs.map((hex) => leafHash(Buffer.from(hex, 'hex')));
const roots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('R25: the journal Merkle tree (RFC 9162)', () => {
  it('hashes the empty tree as SHA-256 of nothing', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it.each(roots.map((root, i) => [i + 1, root] as const))('matches the reference root of the first %i leaves', (size, root) => {
    expect(rootOf(leaves.slice(0, size)).toString('hex')).toBe(root);
  });

  it('matches the reference inclusion proof of leaf 0 in the tree of 8', () => {
    expect(inclusionProof(leaves, 0).map((h) => h.toString('hex'))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
  });

  const tree = fc.integer({ min: 1, max: 70 }).map((n) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i}`))));

  it('every inclusion proof verifies, for random sizes and leaves', () => {
    fc.assert(
      fc.property(tree, fc.nat(), fc.nat(), (all, a, b) => {
        const size = 1 + (a % all.length);
        const index = b % size;
        const root = rootOf(all.slice(0, size));
        return verifyInclusion(all[index]!, index, size, inclusionProof(all, index, size), root);
      }),
    );
  });

  it('should not verify an altered inclusion proof, leaf or index', () => {
    fc.assert(
      fc.property(tree, fc.nat(), fc.nat(), fc.nat(), (all, b, which, bit) => {
        const size = all.length;
        const index = b % size;
        const root = rootOf(all);
        const proof = inclusionProof(all, index);
        if (proof.length > 0) {
          const bad = proof.map((p) => Buffer.from(p));
          bad[which % bad.length]![bit % 32]! ^= 1 << (bit % 8);
          if (verifyInclusion(all[index]!, index, size, bad, root)) return false;
          if (verifyInclusion(all[index]!, index, size, proof.slice(0, -1), root)) return false;
        }
        const otherLeaf = leafHash(Buffer.from('forged'));
        return (
          !verifyInclusion(otherLeaf, index, size, proof, root) &&
          (size === 1 || !verifyInclusion(all[index]!, (index + 1) % size, size, proof, root))
        );
      }),
    );
  });

  // The tree size is not bound by the proof (leaf 0 of trees of 5 and 6 has the same path shape): it is bound by
  // the signed checkpoint the root comes from.

  it('every consistency proof verifies, for random pairs of sizes', () => {
    fc.assert(
      fc.property(tree, fc.nat(), fc.nat(), (all, a, b) => {
        const newSize = 1 + (a % all.length);
        const oldSize = b % (newSize + 1);
        return verifyConsistency(oldSize, newSize, rootOf(all.slice(0, oldSize)), rootOf(all.slice(0, newSize)), consistencyProof(all, oldSize, newSize));
      }),
    );
  });

  it('should not verify a history that was rewritten, or an altered consistency proof', () => {
    fc.assert(
      fc.property(tree, fc.nat(), fc.nat(), fc.nat(), (all, a, b, bit) => {
        if (all.length < 2) return true;
        const newSize = 2 + (a % (all.length - 1));
        const oldSize = 1 + (b % (newSize - 1));
        const proof = consistencyProof(all, oldSize, newSize);
        const oldRoot = rootOf(all.slice(0, oldSize));
        const newRoot = rootOf(all.slice(0, newSize));
        // A changed old leaf: the new tree no longer extends the checkpoint an outsider holds.
        const rewritten = [...all];
        rewritten[bit % oldSize] = leafHash(Buffer.from('rewritten'));
        if (verifyConsistency(oldSize, newSize, oldRoot, rootOf(rewritten.slice(0, newSize)), consistencyProof(rewritten, oldSize, newSize))) return false;
        if (proof.length === 0) return true;
        const bad = proof.map((p) => Buffer.from(p));
        bad[bit % bad.length]![bit % 32]! ^= 1;
        return !verifyConsistency(oldSize, newSize, oldRoot, newRoot, bad);
      }),
    );
  });

  it('the perfect subtrees a compact range completes are the roots of their leaf ranges', () => {
    fc.assert(
      fc.property(tree, (all) => {
        const range = new CompactRange();
        return all.every((leaf) =>
          range.append(leaf).every(({ level, index, hash }) => hash.equals(rootOf(all, index * 2 ** level, (index + 1) * 2 ** level))),
        );
      }),
    );
  });
});
