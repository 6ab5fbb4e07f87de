import crypto from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { requireActor, type Ctx, type InTx } from '../../platform/context.ts';
import { sha256, type Keys, type SealedDocument } from '../../platform/crypto.ts';
import { AppError, conflict, forbidden } from '../../platform/errors.ts';
import { citizensOf, dossierRef, type DossierRef } from '../dossiers/index.ts';
import { record, type JournalEvent } from '../journal/index.ts';
import { documentPolicy, seatedOn } from './documents.policy.ts';
import { sealedResult } from './documents.repo.ts';
import { documentContents, documents, type DocumentRow } from './documents.tables.ts';
import { checkFileName, declaredType, inspectContent } from './inspect.ts';
import { tooLarge, type RawUpload } from '../../platform/upload.ts';
import type { DocumentKind, DocumentType } from './types.ts';
import { contentDisposition, downloadName, stampedCopy, type Stamp } from './watermark.ts';
import { officersView } from '../accounts/index.ts';
import { OPEN_STATUSES } from '../../../common/dossier-workflow.ts';

const accounts = officersView('accounts');

// ——— The dossier a document belongs to, as its policy sees it ———

/** The dossier, if the actor may see it; 404 exactly like a missing one otherwise (R18). */
export async function visibleOwner(ctx: Ctx, dossierId: string): Promise<DossierRef> {
  const owner = await dossierRef(ctx.tx, dossierId);
  documentPolicy.authorize(requireActor(ctx), 'read', owner?.scope);
  return owner!;
}

/** Adding a paper: 404 if the dossier is not visible, 409 once it is closed, 403 for an officer not seated on it. */
export async function uploadTarget(ctx: Ctx, dossierId: string): Promise<DossierRef> {
  const owner = await visibleOwner(ctx, dossierId);
  if (!OPEN_STATUSES.includes(owner.scope.status)) {
    throw conflict('dossier_closed', 'Hồ sơ đã kết thúc, không thể thêm tài liệu.', 'The dossier is closed: no document can be added.');
  }
  if (!seatedOn(requireActor(ctx), owner.scope)) throw forbidden();
  return owner;
}

const uploader = officersView('uploader');

export function present(row: DocumentRow, by: { fullName: string; username: string } | null) {
  return {
    id: row.id,
    dossierId: row.dossierId,
    kind: row.kind,
    component: row.component,
    /** a component reused from an earlier dossier's electronic result: that result (no copy of its bytes here) */
    reusedResultId: row.reusedResultId,
    name: row.fileName,
    mediaType: row.mediaType,
    size: row.size,
    sha256: row.sha256.toString('hex'),
    uploadedAt: row.uploadedAt.toISOString(),
    uploadedBy: by,
  };
}

// ——— Upload ———

export interface UploadInput extends RawUpload {
  name: string;
  kind: DocumentKind;
  component?: string;
}

/**
 * Reads and checks an uploaded file (name, declared type, size, content: see inspect.ts) outside any transaction. A
 * refusal is journaled under `refusal.type` with the dossier's citizens before it is thrown; nothing is stored.
 */
export async function receiveFile(
  inTx: InTx,
  owner: DossierRef,
  input: Pick<UploadInput, 'name' | 'contentType' | 'contentLength' | 'read'>,
  max: number,
  refusal: { type: string; unitId: string | null; accept?: (type: DocumentType) => void },
): Promise<{ bytes: Buffer; type: DocumentType; name: string }> {
  let type: DocumentType | undefined;
  let bytes: Buffer | undefined;
  try {
    type = declaredType(input.contentType);
    refusal.accept?.(type);
    const name = checkFileName(input.name, type);
    if (input.contentLength !== undefined && input.contentLength > max) throw tooLarge(max);
    bytes = await input.read(max);
    await inspectContent(bytes, type, max);
    return { bytes, type, name };
  } catch (err) {
    if (err instanceof AppError) {
      await inTx(async (ctx) =>
        record(ctx, {
          type: refusal.type,
          outcome: 'refused',
          target: { type: 'dossier', id: owner.id },
          unitId: refusal.unitId,
          details: { dossierCode: owner.code, refusal: err.code, declaredType: type ?? String(input.contentType ?? '').slice(0, 100), size: bytes?.length ?? input.contentLength ?? null },
          citizens: await citizensOf(ctx.tx, owner),
        }),
      );
    }
    throw err;
  }
}

/**
 * Issue 4, item 5: a paper is added to a dossier in three steps, so that neither a slow upload nor the checks hold
 * a database connection: who may add it (before a byte is read), what it is (name, declared type, size, content:
 * see inspect.ts), then in one transaction the encrypted bytes, their hash, the metadata and the journal entry.
 * A refusal leaves nothing stored, and is journaled.
 */
export async function uploadDocument(inTx: InTx, dossierId: string, input: UploadInput) {
  const { owner, max } = await inTx(async (ctx) => ({ owner: await uploadTarget(ctx, dossierId), max: ctx.config.documents.maxBytes }));
  const { bytes: content, type: mediaType, name } = await receiveFile(inTx, owner, input, max, { type: 'document.upload', unitId: owner.receivedUnitId });
  return inTx(async (ctx) => {
    const actor = requireActor(ctx);
    // the dossier may have moved or closed while the bytes came in
    const target = await uploadTarget(ctx, dossierId);
    const id = crypto.randomUUID();
    const now = ctx.clock.now();
    const digest = sha256(content);
    const sealed = ctx.keys.sealDocument(id, content);
    const component = input.component?.trim() || null;
    const [row] = await ctx.tx
      .insert(documents)
      .values({ id, dossierId, kind: input.kind, component, fileName: name, mediaType, size: content.length, sha256: digest, uploadedBy: actor.accountId, uploadedAt: now })
      .returning();
    await ctx.tx.insert(documentContents).values({ documentId: id, wrappedKey: sealed.wrappedKey, ciphertext: sealed.ciphertext });
    await record(ctx, {
      type: 'document.upload',
      target: { type: 'document', id },
      unitId: target.receivedUnitId,
      // never the file name: it may name the citizen; the hash identifies the exact bytes
      details: { dossierId, dossierCode: target.code, kind: input.kind, mediaType, size: content.length, sha256: digest.toString('hex') },
      citizens: await citizensOf(ctx.tx, target),
    });
    const [by] = await ctx.tx.select({ fullName: accounts.fullName, username: accounts.username }).from(accounts).where(eq(accounts.id, actor.accountId));
    return present(row!, by ?? null);
  });
}

/**
 * Issue 4 item 6: a component reused from an earlier dossier's electronic result (results.service decides whether it
 * may be: same citizen, result still held). The row points at the result; its bytes are not copied.
 */
export async function insertReusedDocument(ctx: Ctx, dossierId: string, result: { id: string; fileName: string; mediaType: DocumentType; size: number; sha256: Buffer }, component: string | null) {
  const actor = requireActor(ctx);
  const [row] = await ctx.tx
    .insert(documents)
    .values({
      id: crypto.randomUUID(),
      dossierId,
      kind: 'reused',
      component,
      fileName: result.fileName,
      mediaType: result.mediaType,
      size: result.size,
      sha256: result.sha256,
      uploadedBy: actor.accountId,
      uploadedAt: ctx.clock.now(),
      reusedResultId: result.id,
    })
    .returning();
  const [by] = await ctx.tx.select({ fullName: accounts.fullName, username: accounts.username }).from(accounts).where(eq(accounts.id, actor.accountId));
  return present(row!, by ?? null);
}

// ——— Listing ———

/** The papers of a dossier, metadata only (opening one is journaled, see openDocument), and whether one may add. */
export async function listDocuments(ctx: Ctx, dossierId: string) {
  const owner = await visibleOwner(ctx, dossierId);
  const rows = await ctx.tx
    .select({ document: documents, by: { fullName: uploader.fullName, username: uploader.username } })
    .from(documents)
    .leftJoin(uploader, eq(uploader.id, documents.uploadedBy))
    .where(eq(documents.dossierId, dossierId))
    .orderBy(asc(documents.uploadedAt), asc(documents.id));
  return {
    items: rows.map((r) => present(r.document, r.by)),
    abilities: { upload: seatedOn(requireActor(ctx), owner.scope) && OPEN_STATUSES.includes(owner.scope.status) },
  };
}

// ——— Viewing and downloading ———

export const purged = () => new AppError(410, 'document_purged', 'Tài liệu đã hết thời hạn lưu trữ và đã bị xóa.', 'The document was purged at the end of its retention period.');

/**
 * Decrypts bytes sealed under `id` (Keys.sealDocument) and checks them against their SHA-256. Fails on a changed
 * ciphertext or a wrapped key from another row ('decryption'), or bytes that do not match their hash ('sha256').
 */
export function openVerified(keys: Keys, id: string, sealed: SealedDocument, expectedSha256: Buffer): { plain: Buffer } | { failed: 'decryption' | 'sha256' } {
  let plain: Buffer;
  try {
    plain = keys.openDocument(id, sealed);
  } catch {
    return { failed: 'decryption' };
  }
  return crypto.timingSafeEqual(sha256(plain), expectedSha256.length === 32 ? expectedSha256 : Buffer.alloc(32)) ? { plain } : { failed: 'sha256' };
}

export type OpenMode = 'view' | 'download';

/**
 * R05/R25: a document leaves the system only for an officer who may see its dossier, with a reason, journaled
 * before a byte is sent; its bytes are decrypted and checked against their SHA-256 first. A mismatch (or a
 * ciphertext that does not authenticate) answers 500 without details, and is journaled as an integrity failure.
 * PDFs and images come back stamped with the officer's name and the time, and every name carries them.
 */
export async function openDocument(inTx: InTx, documentId: string, mode: OpenMode, reason: string) {
  const opened = await inTx(async (ctx) => {
    const actor = requireActor(ctx);
    const [row] = await ctx.tx.select().from(documents).where(eq(documents.id, documentId));
    const owner = row ? await dossierRef(ctx.tx, row.dossierId) : undefined;
    documentPolicy.authorize(actor, 'open', owner?.scope);
    const doc = row!;
    const dossier = owner!;
    const citizens = await citizensOf(ctx.tx, dossier);
    const about: Pick<JournalEvent, 'target' | 'unitId' | 'citizens'> = { target: { type: 'document', id: doc.id }, unitId: dossier.receivedUnitId, citizens };

    // a reused component is the earlier result itself, sealed under the result's id: its bytes are not copied here
    const sealedUnder = doc.reusedResultId ?? doc.id;
    const content = dossier.purgedAt
      ? undefined
      : doc.reusedResultId
        ? await sealedResult(ctx.tx, doc.reusedResultId)
        : (await ctx.tx.select().from(documentContents).where(eq(documentContents.documentId, doc.id)))[0];
    if (!content) throw purged();
    const checked = openVerified(ctx.keys, sealedUnder, content, doc.sha256);
    if ('failed' in checked) {
      throw new AppError(
        500,
        'document_integrity',
        'Tài liệu không vượt qua kiểm tra toàn vẹn nên không được trả về. Sự việc đã được ghi nhật ký; vui lòng báo quản trị hệ thống.',
        'The document failed its integrity check and was not returned. This was journaled; please tell the system administrator.',
      ).recording({ type: 'document.integrity_failure', outcome: 'failure', ...about, reason, details: { mode, dossierId: dossier.id, dossierCode: dossier.code, check: checked.failed, ...(doc.reusedResultId ? { reusedResultId: doc.reusedResultId } : {}) } });
    }
    const plain = checked.plain;
    const [officer] = await ctx.tx.select({ fullName: accounts.fullName, username: accounts.username }).from(accounts).where(eq(accounts.id, actor.accountId));
    const stamp: Stamp = { fullName: officer?.fullName ?? actor.username, username: actor.username, at: ctx.clock.now(), dossierCode: dossier.code };
    await record(ctx, { type: `document.${mode}`, ...about, reason, details: { dossierId: dossier.id, dossierCode: dossier.code, kind: doc.kind, mediaType: doc.mediaType, size: doc.size, sha256: doc.sha256.toString('hex') } });
    return { doc, plain, stamp };
  });
  const { doc, plain, stamp } = opened;
  const name = downloadName(doc.fileName, doc.mediaType, stamp);
  return {
    bytes: await stampedCopy(plain, doc.mediaType, stamp),
    mediaType: doc.mediaType,
    fileName: name,
    contentDisposition: contentDisposition(mode === 'view' ? 'inline' : 'attachment', name),
  };
}
