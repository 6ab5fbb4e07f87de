import { bigint, bigserial, date, jsonb, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea, xid8 } from '../../platform/columns.ts';

export const journal = pgTable('journal', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  type: text('type').notNull(),
  outcome: text('outcome').$type<'success' | 'failure' | 'refused'>().notNull(),
  actorAccountId: uuid('actor_account_id'),
  actorUnitId: uuid('actor_unit_id'),
  actorRoles: text('actor_roles').array().notNull(),
  targetType: text('target_type'),
  targetId: text('target_id'),
  unitId: uuid('unit_id'),
  reason: text('reason'),
  details: jsonb('details').$type<Record<string, unknown>>().notNull(),
  ip: text('ip'),
  userAgent: text('user_agent'),
  requestId: text('request_id'),
  /** Keyed hashes (HMAC-SHA-256, hex) of the citizens' personal IDs the entry concerns. */
  citizens: text('citizens').array().notNull().default([]),
});

export const journalIndex = pgTable('journal_index', {
  idx: bigint('idx', { mode: 'number' }).primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  leafHash: bytea('leaf_hash').notNull(),
});

export const journalCheckpoints = pgTable('journal_checkpoints', {
  size: bigint('size', { mode: 'number' }).primaryKey(),
  root: bytea('root').notNull(),
  note: text('note').notNull(),
  frontier: jsonb('frontier').$type<string[]>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  /** The last entry this checkpoint integrated, in the sequencer's (txid, seq) order: where the next batch starts. */
  lastTxid: xid8('last_txid').notNull(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
});

export type JournalRow = typeof journal.$inferSelect;

export const journalWitnessed = pgTable('journal_witnessed', {
  size: bigint('size', { mode: 'number' }).notNull(),
  witnessUrl: text('witness_url').notNull(),
  note: text('note').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
});

export const journalArchives = pgTable('journal_archives', {
  month: date('month', { mode: 'string' }).primaryKey(),
  entries: bigint('entries', { mode: 'number' }).notNull(),
  firstPosition: bigint('first_position', { mode: 'number' }),
  lastPosition: bigint('last_position', { mode: 'number' }),
  fileName: text('file_name'),
  fileSha256: bytea('file_sha256'),
  archivedAt: timestamp('archived_at', { withTimezone: true }).notNull(),
});

export const journalNodes = pgTable('journal_nodes', {
  level: smallint('level').notNull(),
  idx: bigint('idx', { mode: 'number' }).notNull(),
  hash: bytea('hash').notNull(),
});
