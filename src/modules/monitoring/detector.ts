import { and, asc, gt, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import { storeAlerts } from './alerts.service.ts';
import type { MonitoredEvent, RuleSettings } from './detection.ts';
import { REFUSAL_TYPES, refusalOf, sqlHistory } from './history.ts';
import { monitoringCursor, monitoringRules } from './monitoring.tables.ts';
import { DEFAULT_RULES, evaluate } from './rules/index.ts';
import { entriesView, positionsView, type JournalRow } from '../journal/index.ts';
import { lookupsView, type LookupRow } from '../registry/index.ts';
import type { RuleName } from '../../../common/detection-rules.ts';

const journal = entriesView('journal');
const journalIndex = positionsView('journal_index');
const npdLookups = lookupsView('npd_lookups');

/** The journal entries the rules look at. */
const WATCHED = ['npd.lookup.complete', ...REFUSAL_TYPES, 'auth.sign_in', 'session.concurrent'];
/** Entries read per run: at 1,000 lookups/s and a run a second, a run keeps up. */
const BATCH = 5000;

/** The rules as configured: the defaults in code, overridden by what the security officer saved. */
export async function ruleSettings(ctx: Ctx): Promise<Record<RuleName, RuleSettings>> {
  const saved = await ctx.tx.select().from(monitoringRules);
  const settings = structuredClone(DEFAULT_RULES);
  for (const row of saved) {
    if (row.rule in settings) settings[row.rule] = { enabled: row.enabled, severity: row.severity, params: { ...settings[row.rule].params, ...row.params } };
  }
  return settings;
}

/**
 * Issue 6: follows the journal as the sequencer publishes it (journal_index order, the order entries committed in, so
 * nothing is skipped and nothing read twice), turns each watched entry into an event, runs the rules and stores what
 * they raise. One run at a time across processes (an advisory lock); returns how many entries it read.
 */
export async function detect(ctx: Ctx): Promise<number> {
  const lock = (await ctx.tx.execute(sql`SELECT pg_try_advisory_xact_lock(hashtext('motcua monitoring')) AS locked`)) as unknown as { rows: { locked: boolean }[] };
  if (!lock.rows[0]?.locked) return 0;
  const [cursor] = await ctx.tx.select().from(monitoringCursor).for('update');
  const from = cursor?.position ?? -1;
  const batch = await nextBatch(ctx, from);
  if (batch.length === 0) return 0;
  const watched = await watchedEntries(ctx, batch.map((b) => b.seq));
  const events = await toEvents(ctx, watched);
  if (events.length > 0) {
    const drafts = await evaluate(sqlHistory(ctx), events, await ruleSettings(ctx));
    await storeAlerts(ctx, drafts);
  }
  const position = batch.at(-1)!.idx;
  await ctx.tx
    .insert(monitoringCursor)
    .values({ id: true, position, updatedAt: ctx.clock.now() })
    .onConflictDoUpdate({ target: monitoringCursor.id, set: { position, updatedAt: ctx.clock.now() } });
  return batch.length;
}

/** The next entries the sequencer published after the cursor, in journal_index order (the primary key). */
function nextBatch(ctx: Ctx, from: number) {
  return ctx.tx.select({ idx: journalIndex.idx, seq: journalIndex.seq }).from(journalIndex).where(gt(journalIndex.idx, from)).orderBy(asc(journalIndex.idx)).limit(BATCH);
}

/**
 * The batch's watched entries, in the batch's order. Read by their seqs, not joined to journal_index: the journal is
 * partitioned by month, so a join on seq merges every partition's seq index from its first entry (the whole journal,
 * every second) instead of probing each one for the batch.
 */
async function watchedEntries(ctx: Ctx, seqs: number[]): Promise<JournalRow[]> {
  if (seqs.length === 0) return [];
  const rows = await ctx.tx
    .select()
    .from(journal)
    .where(and(sql`${journal.seq} = ANY(${sql.param(seqs)}::bigint[])`, inArray(journal.type, WATCHED)));
  const bySeq = new Map(rows.map((e) => [e.seq, e]));
  return seqs.flatMap((seq) => (bySeq.has(seq) ? [bySeq.get(seq)!] : []));
}

/** A lookup record as the rules see it; `seq` is the journal entry that completed it. */
export function lookupEvent(l: LookupRow, seq: number): MonitoredEvent {
  return {
    kind: 'lookup',
    seq,
    at: l.startedAt,
    lookupId: l.id,
    accountId: l.accountId,
    clientId: l.clientId,
    unitId: l.unitId,
    dossierId: l.dossierId,
    citizen: l.citizen,
    service: l.service,
    procedureCode: l.procedureCode,
    outcome: l.outcome ?? 'unfinished',
  };
}

async function toEvents(ctx: Ctx, entries: JournalRow[]): Promise<MonitoredEvent[]> {
  const completions = entries.filter((e) => e.type === 'npd.lookup.complete');
  const lookupIds = completions.map((e) => String(e.details.lookup)).filter((id) => /^[0-9a-f-]{36}$/.test(id));
  const byId = new Map<string, LookupRow>();
  if (lookupIds.length > 0) {
    // a lookup is completed within seconds of its start (the NPD timeout): searched in the day before the batch's
    // completions, so that only the month or two it can be in are probed, not every monthly partition since the first;
    // any not found there (a clock set back) is searched everywhere
    const earliest = new Date(Math.min(...completions.map((e) => e.at.getTime())) - 86_400_000);
    const latest = new Date(Math.max(...completions.map((e) => e.at.getTime())));
    const byIds = (ids: string[], window?: SQL) =>
      ctx.tx.select().from(npdLookups).where(and(sql`${npdLookups.id} = ANY(${sql.param(ids)}::uuid[])`, window));
    for (const l of await byIds(lookupIds, and(gte(npdLookups.startedAt, earliest), lte(npdLookups.startedAt, latest)))) byId.set(l.id, l);
    const missing = lookupIds.filter((id) => !byId.has(id));
    if (missing.length > 0) for (const l of await byIds(missing)) byId.set(l.id, l);
  }
  const events: MonitoredEvent[] = [];
  for (const e of entries) {
    if (e.type === 'npd.lookup.complete') {
      const l = byId.get(String(e.details.lookup));
      if (!l) continue;
      events.push(lookupEvent(l, e.seq));
    } else if ((REFUSAL_TYPES as readonly string[]).includes(e.type)) {
      events.push({ kind: 'refused', ...refusalOf(e), unitId: e.actorUnitId, reason: e.reason ?? 'refused' });
    } else if (e.type === 'auth.sign_in' && e.actorAccountId && (e.outcome === 'success' || e.outcome === 'failure')) {
      events.push({ kind: 'sign_in', seq: e.seq, at: e.at, accountId: e.actorAccountId, ip: e.ip ?? '', outcome: e.outcome });
    } else if (e.type === 'session.concurrent' && e.actorAccountId) {
      events.push({ kind: 'concurrent_session', seq: e.seq, at: e.at, accountId: e.actorAccountId, ip: e.ip ?? '' });
    }
  }
  return events;
}

/** How far behind the journal the detector is, in entries (the dashboard shows it). */
export async function detectorLag(ctx: Ctx): Promise<{ position: number; behind: number }> {
  const [cursor] = await ctx.tx.select().from(monitoringCursor);
  const position = cursor?.position ?? -1;
  const [latest] = await ctx.tx.select({ idx: sql<number>`coalesce(max(${journalIndex.idx}), -1)`.mapWith(Number) }).from(journalIndex);
  return { position, behind: Math.max(0, (latest?.idx ?? -1) - position) };
}
