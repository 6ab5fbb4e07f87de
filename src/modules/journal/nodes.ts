import { and, eq, inArray, or } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';
import { journalIndex, journalNodes } from './journal.tables.ts';
import { foldPieces, rangePieces, type Range } from './merkle.ts';

/** The perfect-subtree hashes of leaf ranges (largest first), from the stored leaves and nodes, in two queries. */
export async function rangeNodes(tx: Executor, ranges: readonly Range[]): Promise<Buffer[][]> {
  const pieces = ranges.map(rangePieces);
  const byLevel = new Map<number, number[]>();
  for (const { level, index } of pieces.flat()) byLevel.set(level, [...(byLevel.get(level) ?? []), index]);
  const found = new Map<string, Buffer>();
  const leaves = byLevel.get(0) ?? [];
  const inner = [...byLevel].filter(([level]) => level > 0);
  if (leaves.length > 0) {
    const rows = await tx.select({ idx: journalIndex.idx, hash: journalIndex.leafHash }).from(journalIndex).where(inArray(journalIndex.idx, leaves));
    for (const row of rows) found.set(`0/${row.idx}`, row.hash);
  }
  if (inner.length > 0) {
    const rows = await tx
      .select()
      .from(journalNodes)
      .where(or(...inner.map(([level, indices]) => and(eq(journalNodes.level, level), inArray(journalNodes.idx, indices)))));
    for (const row of rows) found.set(`${row.level}/${row.idx}`, row.hash);
  }
  return pieces.map((ps) =>
    ps.map(({ level, index }) => {
      const hash = found.get(`${level}/${index}`);
      if (!hash) throw new Error(`journal tree node ${level}/${index} is missing`);
      return hash;
    }),
  );
}

/** The roots of leaf ranges: O(log² n) stored hashes in two queries. */
export async function rangeRoots(tx: Executor, ranges: readonly Range[]): Promise<Buffer[]> {
  return (await rangeNodes(tx, ranges)).map(foldPieces);
}
