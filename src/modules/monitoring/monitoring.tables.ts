import { bigint, bigserial, boolean, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { RuleName, Severity } from '../../../common/detection-rules.ts';
import type { CaseStatus } from '../../../common/schemas/monitoring.ts';

/** Migration 0014. */
export const monitoringRules = pgTable('monitoring_rules', {
  rule: text('rule').$type<RuleName>().primaryKey(),
  enabled: boolean('enabled').notNull(),
  severity: text('severity').$type<Severity>().notNull(),
  params: jsonb('params').$type<Record<string, number>>().notNull(),
  updatedBy: uuid('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export const monitoringCursor = pgTable('monitoring_cursor', {
  id: boolean('id').primaryKey().default(true),
  position: bigint('position', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export type { CaseStatus };

export const monitoringCases = pgTable('monitoring_cases', {
  id: uuid('id').primaryKey(),
  accountId: uuid('account_id'),
  clientId: uuid('client_id'),
  /** for alerts about a citizen rather than a caller (looked up by many accounts): its keyed hash */
  citizen: text('citizen'),
  unitId: uuid('unit_id'),
  status: text('status').$type<CaseStatus>().notNull(),
  severity: text('severity').$type<Severity>().notNull(),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
export type CaseRow = typeof monitoringCases.$inferSelect;

export const monitoringAlerts = pgTable('monitoring_alerts', {
  id: uuid('id').primaryKey(),
  caseId: uuid('case_id').notNull(),
  rule: text('rule').$type<RuleName>().notNull(),
  severity: text('severity').$type<Severity>().notNull(),
  accountId: uuid('account_id'),
  clientId: uuid('client_id'),
  unitId: uuid('unit_id'),
  at: timestamp('at', { withTimezone: true }).notNull(),
  raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
  explanationVi: text('explanation_vi').notNull(),
  explanationEn: text('explanation_en').notNull(),
  details: jsonb('details').$type<Record<string, unknown>>().notNull(),
  citizens: text('citizens').array().notNull(),
  seqs: bigint('seqs', { mode: 'number' }).array().notNull(),
  dedupeKey: text('dedupe_key').notNull(),
});
export type AlertRow = typeof monitoringAlerts.$inferSelect;

export const monitoringCaseNotes = pgTable('monitoring_case_notes', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  caseId: uuid('case_id').notNull(),
  authorId: uuid('author_id'),
  at: timestamp('at', { withTimezone: true }).notNull(),
  status: text('status').$type<CaseStatus>(),
  note: text('note').notNull(),
});

export type IncidentStatus = 'open' | 'notified' | 'closed';

export const incidents = pgTable('incidents', {
  id: uuid('id').primaryKey(),
  code: text('code').notNull(),
  caseId: uuid('case_id'),
  unitId: uuid('unit_id').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  detectedAt: timestamp('detected_at', { withTimezone: true }).notNull(),
  notifyBy: timestamp('notify_by', { withTimezone: true }).notNull(),
  status: text('status').$type<IncidentStatus>().notNull(),
  openedBy: uuid('opened_by').notNull(),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  notifiedBy: uuid('notified_by'),
  notifiedAt: timestamp('notified_at', { withTimezone: true }),
  closedBy: uuid('closed_by'),
  closedAt: timestamp('closed_at', { withTimezone: true }),
});
export type IncidentRow = typeof incidents.$inferSelect;

export const incidentCitizens = pgTable(
  'incident_citizens',
  {
    incidentId: uuid('incident_id').notNull(),
    citizen: text('citizen').notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.citizen] })],
);

export const notifications = pgTable('notifications', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  accountId: uuid('account_id').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  kind: text('kind').notNull(),
  targetType: text('target_type').notNull(),
  targetId: uuid('target_id').notNull(),
  textVi: text('text_vi').notNull(),
  textEn: text('text_en').notNull(),
  readAt: timestamp('read_at', { withTimezone: true }),
  emailedAt: timestamp('emailed_at', { withTimezone: true }),
});
