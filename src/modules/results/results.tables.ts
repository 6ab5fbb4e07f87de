import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/columns.ts';

/** A unit's Ed25519 keys, generation 1 created at its first result, the next at a rotation (migrations 0011, 0022). */
export const unitSigningKeys = pgTable('unit_signing_keys', {
  id: text('id').primaryKey(),
  unitId: uuid('unit_id').notNull(),
  generation: integer('generation').notNull(),
  name: text('name').notNull(),
  algorithm: text('algorithm').$type<'ed25519'>().notNull(),
  publicKey: bytea('public_key').notNull(),
  sealedPrivateKey: text('sealed_private_key').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});
export type UnitSigningKeyRow = typeof unitSigningKeys.$inferSelect;

/** A key declared stolen, from compromised_since on (append-only, migration 0022). */
export const unitSigningKeyRevocations = pgTable('unit_signing_key_revocations', {
  id: uuid('id').primaryKey(),
  keyId: text('key_id').notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }).notNull(),
  revokedBy: uuid('revoked_by').notNull(),
  reason: text('reason').notNull(),
  compromisedSince: timestamp('compromised_since', { withTimezone: true }).notNull(),
});
export type UnitSigningKeyRevocationRow = typeof unitSigningKeyRevocations.$inferSelect;

/** An electronic result `<dossier code>-KQ<n>` and its signed statement. */
export const results = pgTable('results', {
  id: uuid('id').primaryKey(),
  code: text('code').notNull(),
  dossierId: uuid('dossier_id').notNull(),
  seq: integer('seq').notNull(),
  unitId: uuid('unit_id').notNull(),
  keyId: text('key_id').notNull(),
  procedureCode: text('procedure_code').notNull(),
  fileName: text('file_name').notNull(),
  mediaType: text('media_type').$type<'application/pdf'>().notNull(),
  size: integer('size').notNull(),
  sha256: bytea('sha256').notNull(),
  citizens: text('citizens').array().notNull(),
  statement: text('statement').notNull(),
  issuedBy: uuid('issued_by').notNull(),
  issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
});
export type ResultRow = typeof results.$inferSelect;
