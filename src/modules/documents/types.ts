/**
 * Circular 01/2023/TT-VPCP and Decree 45/2020: where a component of a dossier comes from: digitised from the paper
 * the citizen brought, reused from the result of an earlier dossier, or taken from the National Population Database.
 */
import { DOCUMENT_KINDS } from '../../../common/schemas/dossiers.ts';

export { DOCUMENT_KINDS };
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** What the content really is, from its first bytes (and, for a zip, its entries). */
export type Sniffed = 'pdf' | 'jpeg' | 'png' | 'docx' | 'xlsx';

export interface TypeRule {
  sniffed: Sniffed;
  /** the file name must end with one of these */
  extensions: readonly string[];
  /** PDFs and images carry the downloader's name and time across the page */
  watermark: 'pdf' | 'image' | null;
  label: string;
}

/** The types an officer may upload: scans and photos of papers, and the Office files some procedures ask for. */
export const DOCUMENT_TYPES = {
  'application/pdf': { sniffed: 'pdf', extensions: ['pdf'], watermark: 'pdf', label: 'PDF' },
  'image/jpeg': { sniffed: 'jpeg', extensions: ['jpg', 'jpeg'], watermark: 'image', label: 'JPEG' },
  'image/png': { sniffed: 'png', extensions: ['png'], watermark: 'image', label: 'PNG' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { sniffed: 'docx', extensions: ['docx'], watermark: null, label: 'Word (.docx)' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { sniffed: 'xlsx', extensions: ['xlsx'], watermark: null, label: 'Excel (.xlsx)' },
} as const satisfies Record<string, TypeRule>;
export type DocumentType = keyof typeof DOCUMENT_TYPES;
export const DOCUMENT_TYPE_NAMES = Object.keys(DOCUMENT_TYPES) as DocumentType[];

export function isDocumentType(mediaType: string): mediaType is DocumentType {
  return Object.hasOwn(DOCUMENT_TYPES, mediaType);
}

export const ALLOWED_LABELS = DOCUMENT_TYPE_NAMES.map((t) => DOCUMENT_TYPES[t].label).join(', ');
