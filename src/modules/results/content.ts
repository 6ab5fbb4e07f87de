import { eq } from 'drizzle-orm';
import type { SealedDocument } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db.ts';
import { resultContents } from './results.tables.ts';

/**
 * The sealed bytes of an electronic result (Keys.sealDocument under the result's id), for the documents service to
 * serve a component reused from it. Kept apart from results.service so that documents does not import it back.
 */
export async function sealedResult(tx: Executor, resultId: string): Promise<SealedDocument | undefined> {
  const [row] = await tx.select({ wrappedKey: resultContents.wrappedKey, ciphertext: resultContents.ciphertext }).from(resultContents).where(eq(resultContents.resultId, resultId));
  return row;
}
