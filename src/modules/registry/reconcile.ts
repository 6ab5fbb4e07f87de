import { and, gte, inArray, lt } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import { mayReconcile } from './registry.policy.ts';
import { AppError, forbidden } from '../../platform/errors.ts';
import { record } from '../journal/index.ts';
import type { NpdGateway } from './gateway.ts';
import { NpdError } from './npd-client.ts';
import { npdLookups } from './registry.tables.ts';

/** The two clocks (ours and the NPD's) may differ a little: the NPD's log is read this much wider than the period. */
const SKEW_MS = 5 * 60_000;

/**
 * Issue 5 item 7 (R35, R36): the NPD's own log of our requests against our lookup records for a period. A request
 * the NPD received that we never recorded means something called the NPD with our credentials outside the
 * gateway; a record the NPD never received is an unfinished call or a call that never left.
 */
export async function reconcile(ctx: Ctx, gateway: NpdGateway, from: Date, to: Date) {
  // the NPD's log is the whole province's (one connection): read at the province, or on the server's machine (CLI)
  if (ctx.actor && !mayReconcile(ctx.actor)) {
    throw forbidden().recording({ type: 'npd.reconcile', outcome: 'refused', reason: 'not_province_auditor', details: { from: from.toISOString(), to: to.toISOString() } });
  }
  const adapter = await gateway.adapter(ctx);
  if (!adapter) throw new AppError(503, 'npd_not_configured', 'Chưa thiết lập kết nối CSDLQG về dân cư.', 'The population-database connection is not set up.');
  let npdLog;
  try {
    npdLog = await adapter.requestLog(new Date(from.getTime() - SKEW_MS), new Date(to.getTime() + SKEW_MS));
  } catch (err) {
    if (!(err instanceof NpdError)) throw err;
    throw new AppError(503, 'npd_unavailable', 'Không lấy được nhật ký của CSDLQG về dân cư để đối soát. Hãy thử lại sau.', 'The population database’s log cannot be read now. Try again later.');
  }
  const ours = await ctx.tx.select().from(npdLookups).where(and(gte(npdLookups.startedAt, from), lt(npdLookups.startedAt, to)));
  const theirIds = new Set(npdLog.map((e) => e.requestId));
  const ourIds = new Set(ours.map((l) => l.id));
  const inPeriod = npdLog.filter((e) => Date.parse(e.at) >= from.getTime() && Date.parse(e.at) < to.getTime());
  // an NPD request of the period may belong to one of our records just outside it: look those ids up before accusing
  const candidates = [...new Set(inPeriod.map((e) => e.requestId))].filter((id) => !ourIds.has(id));
  const known = new Set<string>();
  for (let i = 0; i < candidates.length; i += 1000) {
    const ids = candidates.slice(i, i + 1000).filter((id) => /^[0-9a-f-]{36}$/.test(id));
    if (ids.length === 0) continue;
    for (const row of await ctx.tx.select({ id: npdLookups.id }).from(npdLookups).where(inArray(npdLookups.id, ids))) known.add(row.id);
  }
  const unrecorded = inPeriod.filter((e) => !ourIds.has(e.requestId) && !known.has(e.requestId));
  const unanswered = ours
    .filter((l) => !theirIds.has(l.id))
    .map((l) => ({
      id: l.id,
      startedAt: l.startedAt.toISOString(),
      outcome: l.outcome,
      // a call the breaker stopped never left; an unfinished record is a crash between record and call
      explanation: l.outcome === null ? ('unfinished' as const) : l.outcome === 'error:unavailable' ? ('not_sent' as const) : ('missing_at_npd' as const),
    }));
  const report = {
    from: from.toISOString(),
    to: to.toISOString(),
    npdRequests: inPeriod.length,
    records: ours.length,
    matched: ours.filter((l) => theirIds.has(l.id)).length,
    unrecorded,
    unanswered,
  };
  await record(ctx, {
    type: 'npd.reconcile',
    outcome: unrecorded.length > 0 ? 'failure' : 'success',
    details: { from: report.from, to: report.to, npdRequests: report.npdRequests, records: report.records, unrecorded: unrecorded.length, unanswered: unanswered.length },
  });
  return report;
}
