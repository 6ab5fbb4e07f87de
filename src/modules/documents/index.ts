export { seatedOn } from './documents.policy.ts';
export { documentSchema } from './documents.routes.ts';
export { insertReusedDocument, openVerified, purged, receiveFile, uploadTarget, visibleOwner } from './documents.service.ts';
export type { UploadInput } from './documents.service.ts';
export { contentDisposition, downloadName, stampedCopy } from './watermark.ts';
export type { Stamp } from './watermark.ts';
export { documentsView, heldResultsView, purgeDossierPapers, sealedResult, storeResultContent } from './documents.repo.ts';
