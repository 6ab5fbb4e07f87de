import { z } from 'zod';

/** A signed checkpoint of the journal's Merkle tree: its size, root and the signed note (C2SP tlog-checkpoint). */
export const checkpoint = z.object({ size: z.number(), root: z.string(), note: z.string() });

/** The journal's publication (journalState): latest checkpoint, the witness's view of it, whether lookups fail closed. */
export const journalStatus = z.object({
  checkpoint: checkpoint.extend({ at: z.string() }).nullable(),
  witness: z.object({ url: z.string(), size: z.number(), at: z.string().nullable() }).nullable(),
  failClosed: z.boolean(),
});
