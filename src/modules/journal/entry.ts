import type { JournalRow } from './journal.tables.ts';

/** Objects with their keys sorted, at every depth (exported for the fast path of `journal verify`, which must match it). */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/**
 * The bytes of an entry that the Merkle leaf commits to: every column, in a fixed order, as JSON with sorted
 * object keys (jsonb does not keep key order). Anyone can recompute it from an exported row. Entries that concern
 * citizens are v2, which adds their keyed hashes; v1 entries (none) keep their bytes, so older trees still verify.
 */
export function encodeEntry(row: JournalRow): Buffer {
  const citizens = row.citizens ?? [];
  return Buffer.from(
    JSON.stringify([
      citizens.length > 0 ? 'motcua.journal.v2' : 'motcua.journal.v1',
      row.seq,
      row.at.toISOString(),
      row.type,
      row.outcome,
      row.actorAccountId,
      row.actorUnitId,
      row.actorRoles,
      row.targetType,
      row.targetId,
      row.unitId,
      row.reason,
      canonical(row.details),
      row.ip,
      row.userAgent,
      row.requestId,
      ...(citizens.length > 0 ? [citizens] : []),
    ]),
  );
}
