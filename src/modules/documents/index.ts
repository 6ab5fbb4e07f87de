export { seatedOn } from './documents.policy.ts';
export { documentSchema, readLimited } from './documents.routes.ts';
export { citizensOf, insertReusedDocument, openVerified, ownerOf, purged, receiveFile, uploadTarget, visibleOwner } from './documents.service.ts';
export type { Owner, UploadInput } from './documents.service.ts';
export { contentDisposition, downloadName, stampedCopy } from './watermark.ts';
export type { Stamp } from './watermark.ts';
