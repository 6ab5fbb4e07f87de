import type { JournalRow } from './journal.tables.ts';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/**
 * The bytes of an entry that the Merkle leaf commits to: every column, in a fixed order, as JSON with sorted
 * object keys (jsonb does not keep key order). Anyone can recompute it from an exported row.
 */
export function encodeEntry(row: JournalRow): Buffer {
  return Buffer.from(
    JSON.stringify([
      'motcua.journal.v1',
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
    ]),
  );
}
