import { boolean, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/columns.ts';
import type { LookupService, SuspensionScope } from './registry.schemas.ts';

/** The NPD connection, sealed (migration 0013); `sealed` is cleared when a rotation replaces it. */
export const npdConnections = pgTable('npd_connections', {
  id: uuid('id').primaryKey(),
  sealed: text('sealed'),
  fingerprint: text('fingerprint').notNull(),
  certificateExpiresAt: timestamp('certificate_expires_at', { withTimezone: true }).notNull(),
  setBy: uuid('set_by').notNull(),
  setAt: timestamp('set_at', { withTimezone: true }).notNull(),
  replacedAt: timestamp('replaced_at', { withTimezone: true }),
});

export const npdSuspensions = pgTable('npd_suspensions', {
  id: uuid('id').primaryKey(),
  scope: text('scope').$type<SuspensionScope>().notNull(),
  unitId: uuid('unit_id'),
  accountId: uuid('account_id'),
  reason: text('reason').notNull(),
  suspendedBy: uuid('suspended_by'),
  suspendedAt: timestamp('suspended_at', { withTimezone: true }).notNull(),
  liftedBy: uuid('lifted_by'),
  liftedAt: timestamp('lifted_at', { withTimezone: true }),
  liftReason: text('lift_reason'),
});
export type SuspensionRow = typeof npdSuspensions.$inferSelect;

export const npdUpstream = pgTable('npd_upstream', {
  id: boolean('id').primaryKey().default(true),
  disconnectedAt: timestamp('disconnected_at', { withTimezone: true }),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
});

export const integrationClients = pgTable('integration_clients', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  unitId: uuid('unit_id').notNull(),
  keyHash: bytea('key_hash').notNull(),
  procedures: text('procedures').array().notNull(),
  fields: text('fields').array().notNull(),
  createdBy: uuid('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  revokedBy: uuid('revoked_by'),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});
export type IntegrationClientRow = typeof integrationClients.$inferSelect;


export const npdLookups = pgTable(
  'npd_lookups',
  {
    id: uuid('id').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    accountId: uuid('account_id'),
    clientId: uuid('client_id'),
    unitId: uuid('unit_id').notNull(),
    dossierId: uuid('dossier_id').notNull(),
    procedureVersionId: uuid('procedure_version_id').notNull(),
    procedureCode: text('procedure_code').notNull(),
    service: text('service').$type<LookupService>().notNull(),
    subject: text('subject').notNull(),
    citizen: text('citizen').notNull(),
    purpose: text('purpose').notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    outcome: text('outcome'),
    fieldsReturned: text('fields_returned').array(),
  },
  (t) => [primaryKey({ columns: [t.id, t.startedAt] })],
);
export type LookupRow = typeof npdLookups.$inferSelect;

export const npdLookupCounts = pgTable(
  'npd_lookup_counts',
  {
    key: text('key').notNull(),
    span: text('span').$type<'minute' | 'day'>().notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.span, t.windowStart] })],
);
