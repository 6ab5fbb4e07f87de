import { and, arrayContains, asc, desc, eq, gte, inArray, lt, or } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import { forbidden, invalid, notFound } from '../../platform/errors.ts';
import { journal, journalCheckpoints, journalIndex, type JournalRow } from './journal.tables.ts';
import { consistencyRanges, inclusionRanges } from './merkle.ts';
import { rangeRoots } from './nodes.ts';
import { record } from './record.ts';
import { mayReadJournal } from './journal.policy.ts';
import { latestCheckpointRow } from './sequencer.ts';
import { journalState } from './state.ts';
import { SELECTION_FORMAT, type JournalSelection } from './exports.ts';
import { officersView } from '../accounts/index.ts';
import { unitsView } from '../units/index.ts';

const accounts = officersView('accounts');

// ——— Reading the journal (inspectors, R21/R25): entries, checkpoints and proofs an outsider can check ———

export interface JournalFilter {
  type?: string;
  actorAccountId?: string;
  unitId?: string;
  /** a citizen's personal ID, matched through its keyed hash */
  citizenId?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
}

export interface JournalQuery extends JournalFilter {
  limit: number;
  beforeSeq?: number;
}

async function requireJournalReader(ctx: Ctx) {
  if (!mayReadJournal(ctx.actor)) throw forbidden();
}

function matching(ctx: Ctx, q: JournalFilter & { beforeSeq?: number }) {
  return and(
    q.type ? eq(journal.type, q.type) : undefined,
    q.actorAccountId ? eq(journal.actorAccountId, q.actorAccountId) : undefined,
    q.unitId ? or(eq(journal.unitId, q.unitId), eq(journal.actorUnitId, q.unitId)) : undefined,
    q.citizenId ? arrayContains(journal.citizens, [ctx.keys.citizenDigest(q.citizenId)]) : undefined,
    q.targetId ? eq(journal.targetId, q.targetId) : undefined,
    q.from ? gte(journal.at, q.from) : undefined,
    q.to ? lt(journal.at, q.to) : undefined,
    q.beforeSeq ? lt(journal.seq, q.beforeSeq) : undefined,
  );
}

const actorUnit = unitsView('actor_unit');
const targetUnit = unitsView('target_unit');

/** Entries with the names an inspector reads (actor, units) instead of ids. */
function entriesWithNames(ctx: Ctx) {
  return ctx.tx
    .select({
      entry: journal,
      idx: journalIndex.idx,
      leafHash: journalIndex.leafHash,
      actor: { id: accounts.id, username: accounts.username, fullName: accounts.fullName },
      actorUnit: { id: actorUnit.id, name: actorUnit.name },
      unit: { id: targetUnit.id, name: targetUnit.name },
    })
    .from(journal)
    .leftJoin(journalIndex, eq(journalIndex.seq, journal.seq))
    .leftJoin(accounts, eq(accounts.id, journal.actorAccountId))
    .leftJoin(actorUnit, eq(actorUnit.id, journal.actorUnitId))
    .leftJoin(targetUnit, eq(targetUnit.id, journal.unitId));
}

export async function searchJournal(ctx: Ctx, q: JournalQuery) {
  await requireJournalReader(ctx);
  const rows = await entriesWithNames(ctx).where(matching(ctx, q)).orderBy(desc(journal.seq)).limit(q.limit);
  // R21/R25: reading what was done about a citizen is itself a read of their data (other searches would flood the journal)
  if (q.citizenId) {
    const { limit: _limit, beforeSeq: _before, ...filter } = q;
    await record(ctx, { type: 'journal.search', details: { filter: described(filter), entries: rows.length }, citizens: [q.citizenId] });
  }
  return rows.map(presentNamed);
}

/** A filter as the journal records it: the citizen's personal ID only as "keyed hash" (the entry carries the hash itself). */
function described(filter: JournalFilter): Record<string, string> {
  const { citizenId, ...rest } = filter;
  return Object.fromEntries(
    Object.entries({ ...rest, ...(citizenId ? { citizen: 'keyed hash' } : {}) })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : String(v)]),
  );
}

type Named = { id: string; name: string } | null;

function presentNamed({ entry, idx, actor, actorUnit, unit }: { entry: JournalRow; idx: number | null; actor: { id: string; username: string; fullName: string } | null; actorUnit: Named; unit: Named }) {
  return { ...presentEntry(entry, idx), actor, actorUnit, unit };
}

function presentEntry(e: JournalRow, idx: number | null) {
  return {
    seq: e.seq,
    position: idx,
    at: e.at.toISOString(),
    type: e.type,
    outcome: e.outcome,
    actorAccountId: e.actorAccountId,
    actorUnitId: e.actorUnitId,
    actorRoles: e.actorRoles,
    targetType: e.targetType,
    targetId: e.targetId,
    unitId: e.unitId,
    reason: e.reason,
    details: e.details,
    ip: e.ip,
    userAgent: e.userAgent,
    requestId: e.requestId,
    // keyed hashes, part of the bytes the tree commits to; without the server's key they name nobody
    citizens: e.citizens,
  };
}

async function latestCheckpointOf(ctx: Ctx) {
  const [cp] = await latestCheckpointRow(ctx.tx);
  return cp;
}

export async function latestCheckpoint(ctx: Ctx) {
  await requireJournalReader(ctx);
  return journalState(ctx);
}

/** An entry with its inclusion proof against the latest checkpoint (RFC 9162 audit path, hex). */
export async function entryWithProof(ctx: Ctx, seq: number) {
  await requireJournalReader(ctx);
  const [row] = await entriesWithNames(ctx).where(eq(journal.seq, seq));
  if (!row) throw notFound();
  const cp = await latestCheckpointOf(ctx);
  const position = row.idx;
  return {
    entry: presentNamed(row),
    leafHash: row.leafHash?.toString('hex') ?? null,
    checkpoint: cp ? { size: cp.size, root: cp.root.toString('hex'), note: cp.note } : null,
    inclusionProof: position !== null && cp && position < cp.size ? (await rangeRoots(ctx.tx, inclusionRanges(position, cp.size))).map((h) => h.toString('hex')) : null,
  };
}

/** Proof that the checkpoint of size `from` is a prefix of the checkpoint of size `to`. */
export async function consistency(ctx: Ctx, from: number, to: number) {
  await requireJournalReader(ctx);
  const sizes = await ctx.tx.select().from(journalCheckpoints).where(inArray(journalCheckpoints.size, [from, to]));
  if (from > to || sizes.length !== (from === to ? 1 : 2)) throw notFound();
  return { from, to, proof: (await rangeRoots(ctx.tx, consistencyRanges(from, to))).map((h) => h.toString('hex')) };
}

/** At most this many entries per exported selection: a larger audit narrows the dates or uses `journal export`. */
export const SELECTION_LIMIT = 10_000;

/**
 * R21/R25: the entries matching a search, each with its inclusion proof against the latest checkpoint, as a file the
 * inspector verifies offline (`motcua journal verify-export`). Entries not yet in a checkpoint are left out.
 */
export async function exportSelection(ctx: Ctx, filter: JournalFilter): Promise<JournalSelection> {
  await requireJournalReader(ctx);
  const cp = await latestCheckpointOf(ctx);
  const rows = cp
    ? await ctx.tx
        .select({ entry: journal, idx: journalIndex.idx })
        .from(journal)
        .innerJoin(journalIndex, eq(journalIndex.seq, journal.seq))
        .where(and(matching(ctx, filter), lt(journalIndex.idx, cp.size)))
        .orderBy(asc(journalIndex.idx))
        .limit(SELECTION_LIMIT + 1)
    : [];
  if (rows.length > SELECTION_LIMIT) {
    throw invalid('selection_too_large', `Lựa chọn quá ${SELECTION_LIMIT} bản ghi: hãy thu hẹp khoảng thời gian.`, `More than ${SELECTION_LIMIT} entries: narrow the dates.`);
  }
  const entries: JournalSelection['entries'] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const proofs = await rangeRoots(ctx.tx, chunk.flatMap(({ idx }) => inclusionRanges(idx, cp!.size)));
    for (const { entry, idx } of chunk) {
      const proof = proofs.splice(0, inclusionRanges(idx, cp!.size).length);
      entries.push({ position: idx, entry: { ...entry, at: entry.at.toISOString() }, inclusionProof: proof.map((h) => h.toString('hex')) });
    }
  }
  const words = described(filter);
  await record(ctx, { type: 'journal.export', details: { filter: words, entries: entries.length, checkpointSize: cp?.size ?? 0 }, citizens: filter.citizenId ? [filter.citizenId] : [] });
  return { format: SELECTION_FORMAT, filter: words, checkpoint: { size: cp?.size ?? 0, note: cp?.note ?? '' }, entries };
}
