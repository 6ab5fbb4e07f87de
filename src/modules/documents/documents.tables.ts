import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/columns.ts';
import type { DocumentKind, DocumentType } from './types.ts';

export const documents = pgTable('documents', {
  id: uuid('id').primaryKey(),
  dossierId: uuid('dossier_id').notNull(),
  kind: text('kind').$type<DocumentKind>().notNull(),
  component: text('component'),
  fileName: text('file_name').notNull(),
  mediaType: text('media_type').$type<DocumentType>().notNull(),
  size: integer('size').notNull(),
  sha256: bytea('sha256').notNull(),
  uploadedBy: uuid('uploaded_by').notNull(),
  uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull(),
  /** kind 'reused': the earlier electronic result this component is (migration 0011); its bytes are the result's */
  reusedResultId: uuid('reused_result_id'),
});
export type DocumentRow = typeof documents.$inferSelect;

export const documentContents = pgTable('document_contents', {
  documentId: uuid('document_id').primaryKey(),
  wrappedKey: bytea('wrapped_key').notNull(),
  ciphertext: bytea('ciphertext').notNull(),
});

/**
 * The sealed bytes of electronic results (Keys.sealDocument under the result's id). Documents keep every sealed file:
 * a result reused as a later dossier's component is served from here, without a copy, and the results module, built
 * on documents, stores and reads its files through documents' face.
 */
export const resultContents = pgTable('result_contents', {
  resultId: uuid('result_id').primaryKey(),
  wrappedKey: bytea('wrapped_key').notNull(),
  ciphertext: bytea('ciphertext').notNull(),
});
