import type { Ctx } from '../../platform/context.ts';
import { journalPublication, latestCheckpointRow } from './sequencer.ts';

/** R25/R36: the journal has gone too long unpublished, so NPD lookups must stop until it recovers. */
export async function journalFailClosed(ctx: Ctx): Promise<boolean> {
  return (await journalPublication(ctx.tx, ctx.clock.now(), ctx.config.journal.failClosedMs, ctx.config.journal.witnessUrl)).failClosed;
}

/** The latest signed checkpoint, the witness's view of it and whether lookups fail closed; callers decide who may see it. */
export async function journalState(ctx: Ctx) {
  const [cp] = await latestCheckpointRow(ctx.tx);
  const { witness, failClosed } = await journalPublication(ctx.tx, ctx.clock.now(), ctx.config.journal.failClosedMs, ctx.config.journal.witnessUrl);
  return {
    checkpoint: cp ? { size: cp.size, root: cp.root.toString('hex'), note: cp.note, at: cp.createdAt.toISOString() } : null,
    witness,
    failClosed,
  };
}
