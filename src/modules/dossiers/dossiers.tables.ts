import { bigserial, date, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Channel, DossierStatus } from '../../../common/dossier-workflow.ts';

export const dossierCounters = pgTable(
  'dossier_counters',
  { unitId: uuid('unit_id').notNull(), day: date('day', { mode: 'string' }).notNull(), last: integer('last').notNull() },
  (t) => [primaryKey({ columns: [t.unitId, t.day] })],
);

export const dossiers = pgTable('dossiers', {
  id: uuid('id').primaryKey(),
  code: text('code').notNull(),
  procedureVersionId: uuid('procedure_version_id').notNull(),
  procedureCode: text('procedure_code').notNull(),
  receivedUnitId: uuid('received_unit_id').notNull(),
  processingUnitId: uuid('processing_unit_id'),
  assigneeId: uuid('assignee_id'),
  status: text('status').$type<DossierStatus>().notNull(),
  statusReason: text('status_reason'),
  channel: text('channel').$type<Channel>().notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  receivedBy: uuid('received_by').notNull(),
  workingDays: integer('working_days').notNull(),
  dueAt: timestamp('due_at', { withTimezone: true }),
  apologyDueAt: timestamp('apology_due_at', { withTimezone: true }),
  settledAt: timestamp('settled_at', { withTimezone: true }),
  returnedAt: timestamp('returned_at', { withTimezone: true }),
  applicantPersonalId: text('applicant_personal_id').notNull(),
  applicantName: text('applicant_name').notNull(),
  /** null once purged */
  applicantBirthDate: date('applicant_birth_date', { mode: 'string' }),
  applicantPhone: text('applicant_phone').notNull(),
  applicantEmail: text('applicant_email').notNull(),
  applicantAddress: text('applicant_address').notNull(),
  searchText: text('search_text').notNull(),
  searchWords: text('search_words').array().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  closedAt: timestamp('closed_at', { withTimezone: true }),
  receivedPapers: text('received_papers').array().notNull().default([]),
  purgedAt: timestamp('purged_at', { withTimezone: true }),
  /** its documents, all / digital copies / reused results: kept by triggers on documents (migration 0012), for statistics */
  papers: integer('papers').notNull().default(0),
  papersDigital: integer('papers_digital').notNull().default(0),
  papersReused: integer('papers_reused').notNull().default(0),
});
export type DossierRow = typeof dossiers.$inferSelect;

export const dossierPersons = pgTable('dossier_persons', {
  dossierId: uuid('dossier_id').notNull(),
  relation: text('relation').notNull(),
  personalId: text('personal_id').notNull(),
  fullName: text('full_name').notNull(),
  birthDate: date('birth_date', { mode: 'string' }),
});

export const dossierPauses = pgTable('dossier_pauses', {
  dossierId: uuid('dossier_id').notNull(),
  fromAt: timestamp('from_at', { withTimezone: true }).notNull(),
  toAt: timestamp('to_at', { withTimezone: true }),
  kind: text('kind').$type<'supplement' | 'financial_obligation'>().notNull(),
});

export const dossierEvents = pgTable('dossier_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  dossierId: uuid('dossier_id').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  actorId: uuid('actor_id'),
  action: text('action').notNull(),
  fromStatus: text('from_status'),
  toStatus: text('to_status').notNull(),
  unitId: uuid('unit_id'),
  note: text('note'),
  details: jsonb('details').$type<Record<string, unknown>>().notNull(),
});
