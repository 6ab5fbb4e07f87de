import { eq, inArray } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import { columnsWithout, readView } from '../../platform/views.ts';
import { documentContents, documents } from './documents.tables.ts';

/** Documents as other modules list them: never their sealed contents. */
export const documentsView = readView(documents, columnsWithout(documents));

/** Retention (issue 4 item 8): the contents of a dossier's papers are deleted; their rows stay as the record of what was. */
export async function purgeDossierPapers(ctx: Ctx, dossierId: string): Promise<number> {
  const papers = ctx.tx.select({ id: documents.id }).from(documents).where(eq(documents.dossierId, dossierId));
  const purged = await ctx.tx.delete(documentContents).where(inArray(documentContents.documentId, papers)).returning({ id: documentContents.documentId });
  return purged.length;
}
