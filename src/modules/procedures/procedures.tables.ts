import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { LookupStages } from '../../../common/lookup-stages.ts';

export type CatalogueLevel = 'ministry' | 'province' | 'commune' | 'other';
export type OfferLevel = 'province' | 'commune';
export type OfferStatus = 'offered' | 'withdrawn';

export interface ProcessingTime {
  channel: string;
  value: number | null;
  unit: string | null;
  unparsed?: boolean;
}

export interface RequiredDocument {
  name: string;
  required: boolean;
  copies: number;
}

export const procedureCatalogue = pgTable('procedure_catalogue', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  field: text('field').notNull(),
  levels: text('levels').array().$type<CatalogueLevel[]>().notNull(),
  procedureType: text('procedure_type').notNull(),
  decisionNumber: text('decision_number').notNull(),
  issuingBody: text('issuing_body').notNull(),
  targetSubjects: text('target_subjects').notNull(),
  competentAgency: text('competent_agency').notNull(),
  implementingAgency: text('implementing_agency').notNull(),
  processingTimes: jsonb('processing_times').$type<ProcessingTime[]>().notNull(),
  submissionMethods: text('submission_methods').notNull(),
  suggestedWorkingDays: integer('suggested_working_days'),
  dossierText: text('dossier_text'),
  legalBasisText: text('legal_basis_text'),
  sourceUrl: text('source_url'),
  searchText: text('search_text').notNull(),
  sourceVersion: text('source_version').notNull(),
});

export const offeredProcedures = pgTable('offered_procedures', {
  id: uuid('id').primaryKey(),
  provinceId: uuid('province_id').notNull(),
  procedureCode: text('procedure_code').notNull(),
  level: text('level').$type<OfferLevel>().notNull(),
  status: text('status').$type<OfferStatus>().notNull(),
  currentVersion: integer('current_version').notNull(),
  statusReason: text('status_reason'),
  statusChangedAt: timestamp('status_changed_at', { withTimezone: true }).notNull(),
  statusChangedBy: uuid('status_changed_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export const procedureVersions = pgTable('procedure_versions', {
  id: uuid('id').primaryKey(),
  offeredProcedureId: uuid('offered_procedure_id').notNull(),
  provinceId: uuid('province_id').notNull(),
  version: integer('version').notNull(),
  processingDays: integer('processing_days').notNull(),
  documents: jsonb('documents').$type<RequiredDocument[]>().notNull(),
  purpose: text('purpose').notNull(),
  npdFields: text('npd_fields').array().notNull(),
  /** who may look up at which stage of the dossier (issue 13, migration 0018) */
  lookupStages: jsonb('npd_lookup_stages').$type<LookupStages>().notNull(),
  retentionYears: integer('retention_years'),
  note: text('note').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by'),
});

export type CatalogueRow = typeof procedureCatalogue.$inferSelect;
export type OfferedRow = typeof offeredProcedures.$inferSelect;
export type VersionRow = typeof procedureVersions.$inferSelect;
