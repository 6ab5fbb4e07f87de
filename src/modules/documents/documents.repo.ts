import { eq, inArray } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import type { SealedDocument } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db.ts';
import { columnsWithout, readView } from '../../platform/views.ts';
import { documentContents, documents, resultContents } from './documents.tables.ts';

/** Documents as other modules list them: never their sealed contents. */
export const documentsView = readView(documents, columnsWithout(documents));

/** Retention (issue 4 item 8): the contents of a dossier's papers are deleted; their rows stay as the record of what was. */
export async function purgeDossierPapers(ctx: Ctx, dossierId: string): Promise<number> {
  const papers = ctx.tx.select({ id: documents.id }).from(documents).where(eq(documents.dossierId, dossierId));
  const purged = await ctx.tx.delete(documentContents).where(inArray(documentContents.documentId, papers)).returning({ id: documentContents.documentId });
  return purged.length;
}

export async function storeResultContent(tx: Executor, resultId: string, sealed: SealedDocument) {
  await tx.insert(resultContents).values({ resultId, wrappedKey: sealed.wrappedKey, ciphertext: sealed.ciphertext });
}

export async function sealedResult(tx: Executor, resultId: string): Promise<SealedDocument | undefined> {
  const [row] = await tx.select({ wrappedKey: resultContents.wrappedKey, ciphertext: resultContents.ciphertext }).from(resultContents).where(eq(resultContents.resultId, resultId));
  return row;
}

/** Which results' bytes are still held, for the results module's own queries. */
export const heldResultsView = readView(resultContents, { resultId: resultContents.resultId });
