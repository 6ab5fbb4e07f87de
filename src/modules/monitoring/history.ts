import { and, asc, count, eq, exists, gt, inArray, isNotNull, lte, max, min, or, sql, type SQLWrapper } from 'drizzle-orm';
import type { Role } from '../../authz/roles.ts';
import type { Ctx } from '../../platform/context.ts';
import { RESET_TAKES_EFFECT, grantsView, officersView } from '../accounts/index.ts';
import { loadWorkCalendar, type WorkCalendar } from '../calendar/index.ts';
import { integrationClientsView, lookupsView, type LookupService } from '../registry/index.ts';
import { getProvince, unitsView } from '../units/index.ts';
import { dossierPersonsView, dossiersView } from '../dossiers/index.ts';
import { entriesView, type JournalRow } from '../journal/index.ts';

const accounts = officersView('accounts');
const roleGrants = grantsView('role_grants');
const dossierPersons = dossierPersonsView('dossier_persons');
const dossiers = dossiersView('dossiers');
const journal = entriesView('journal');
const integrationClients = integrationClientsView('integration_clients');
const npdLookups = lookupsView('npd_lookups');
const units = unitsView('units');

/**
 * Issue 6: what the detection rules ask about the past. Every question takes a whole batch of keys, so that a batch
 * of events costs one query per question, not one per event. Time ranges are half-open, (from, to]: after `from`, up
 * to and including `to`, the way a sliding window ending at an event includes the event itself. Citizens are named by
 * their keyed hash (Keys.citizenDigest) only; no answer carries a personal ID.
 */
export interface History {
  /** The province's working days (weekends, holidays, make-up working days). */
  workCalendar(): Promise<WorkCalendar>;
  accounts(ids: readonly string[]): Promise<Map<string, AccountFacts>>;
  clients(ids: readonly string[]): Promise<Map<string, ClientFacts>>;
  dossiers(ids: readonly string[]): Promise<Map<string, DossierFacts>>;
  /** The accounts whose own personal ID is one of these citizens, looked up in these dossiers; keyed by citizen. */
  accountsOfCitizens(seen: readonly { citizen: string; dossierId: string }[]): Promise<Map<string, AccountRef>>;
  /** Per caller (callerKey): lookups in (from, to], and how many of them got a failed answer (FAILED_OUTCOMES). */
  windowCounts(callers: readonly Caller[], from: Date, to: Date): Promise<Map<string, WindowCount>>;
  /** The lookups made by these callers in (from, to], oldest first. */
  lookupsBy(callers: readonly Caller[], from: Date, to: Date): Promise<LookupFact[]>;
  /** For each question, in order: the distinct citizens the caller looked up in (from, to] (only those with a failed answer, if asked). */
  citizensLookedUp(questions: readonly { caller: Caller; from: Date; to: Date; failedOnly: boolean }[]): Promise<string[][]>;
  /** The lookups of these citizens, by anyone, in (from, to], oldest first. */
  lookupsOf(citizens: readonly string[], from: Date, to: Date): Promise<LookupFact[]>;
  /** Who looked these citizens up in (from, to]: one row per citizen, caller and unit, with the latest time. */
  citizenCallers(citizens: readonly string[], from: Date, to: Date): Promise<CitizenCaller[]>;
  /** Each dossier's distinct looked-up citizens, with when each was first looked up in it. */
  citizensInDossiers(dossierIds: readonly string[]): Promise<Map<string, { citizen: string; firstAt: Date }[]>>;
  /** Per caller (callerKey): lookups in (from, to] and in how many distinct windows of that length (epoch-aligned) they fell. */
  activity(callers: readonly Caller[], from: Date, to: Date, windowMinutes: number): Promise<Map<string, Activity>>;
  /** Lookups in (from, to] made from one unit, per account holding one of these roles (accounts without any are absent). */
  unitActivity(unitId: string, roles: readonly Role[], from: Date, to: Date): Promise<Map<string, number>>;
  /** For each question, in order: had the account looked up for that procedure / with that service before, other than that lookup? */
  priorUse(questions: readonly PriorUseQuestion[]): Promise<PriorUse[]>;
  /** Per account, the addresses of its successful sign-ins after `since`, each with the journal seq of its first use there. */
  signInAddresses(accountIds: readonly string[], since: Date): Promise<Map<string, Map<string, number>>>;
  /** The refusals (REFUSAL_TYPES) of these callers in (from, to], oldest first. */
  refusals(callers: readonly Caller[], from: Date, to: Date): Promise<Refusal[]>;
  /** The password and one-time-code resets of these accounts that took effect in (from, to], made by someone else than the account; oldest first. */
  resetsOf(accountIds: readonly string[], from: Date, to: Date): Promise<CredentialReset[]>;
}

/** Who makes a lookup: an officer's account or an integration key (exactly one is set). */
export interface Caller {
  accountId: string | null;
  clientId: string | null;
}

export const callerKey = (c: Caller): string => (c.accountId ? `account:${c.accountId}` : `client:${c.clientId}`);

export interface LookupFact {
  lookupId: string;
  /** when the lookup started (as the detector's events: the record written before the NPD is asked) */
  at: Date;
  accountId: string | null;
  clientId: string | null;
  unitId: string;
  dossierId: string;
  citizen: string;
  service: LookupService;
  procedureCode: string;
  /** null while the NPD has not answered */
  outcome: string | null;
}

export interface AccountFacts {
  id: string;
  username: string;
  fullName: string;
  unitId: string;
  unitPath: string;
  /** the commune the account's unit belongs to (or is); null above the communes (province departments) */
  communeId: string | null;
  roles: Role[];
  /** the keyed hash of the officer's own personal ID */
  citizen: string;
  firstLookupAt: Date | null;
}

export type AccountRef = Pick<AccountFacts, 'id' | 'username' | 'fullName' | 'unitId'>;

export interface ClientFacts {
  id: string;
  name: string;
  unitId: string;
}

export interface DossierFacts {
  id: string;
  code: string;
  procedureCode: string;
  receivedUnitId: string;
  receivedCommuneId: string | null;
  /** the applicant (relation `applicant`) and the related persons */
  subjects: { citizen: string; fullName: string; relation: string }[];
}

/** The NPD's answers that say the ID and the particulars did not lead to one person: guessing when they pile up. */
export const FAILED_OUTCOMES: ReadonlySet<string> = new Set(['not_found', 'mismatch', 'ambiguous']);

export interface WindowCount {
  lookups: number;
  failed: number;
}

export interface CitizenCaller extends Caller {
  citizen: string;
  unitId: string;
  lastAt: Date;
}

export interface Activity {
  lookups: number;
  windows: number;
}

export interface PriorUseQuestion {
  accountId: string;
  procedureCode: string;
  service: LookupService;
  /** lookups started up to this instant count… */
  before: Date;
  /** …except this one (the lookup being judged) */
  lookupId: string;
}

export interface PriorUse {
  procedure: boolean;
  service: boolean;
}

/** The journal entries of refusals: refused lookups, and any other request refused (403, 404) to a signed-in caller. */
export const REFUSAL_TYPES = ['npd.lookup.refused', 'request.refused'] as const;

export interface Refusal extends Caller {
  seq: number;
  at: Date;
  reason: string | null;
  /** a refused request's method and route template (`GET /api/accounts/:id`); null for a refused lookup */
  route: string | null;
}

/** A refusal as the journal records it: an integration key has no account, so the entry names it in its details. */
export function refusalOf(e: Pick<JournalRow, 'seq' | 'at' | 'type' | 'actorAccountId' | 'reason' | 'details'>): Refusal {
  const client = typeof e.details.client === 'string' ? e.details.client : null;
  return {
    seq: e.seq,
    at: e.at,
    accountId: e.actorAccountId,
    clientId: e.actorAccountId ? null : client,
    reason: e.reason,
    route: e.type === 'request.refused' ? `${String(e.details.method)} ${String(e.details.route)}` : null,
  };
}

/** The key journal_refusals_by_client is built on (migration 0023): written the same way, or the index is not used. */
const refusedClient = sql`(${journal.details} ->> 'client')`;

/** A reset of an account's credentials as the journal recorded it taking effect (issue 13, finding 4). */
export interface CredentialReset {
  seq: number;
  at: Date;
  accountId: string;
  kind: 'password' | 'otp';
  /** who made it take effect (the approver); null for the system */
  resetBy: string | null;
  /** who asked for it, when a second admin approved it */
  requestedBy: string | null;
}

/** The commune a unit path runs through: its second segment, when that unit is a commune (paths are /province/commune/…/). */
const communeOfPath = (path: SQLWrapper) =>
  sql<string | null>`(SELECT c.id FROM units c WHERE c.kind = 'commune' AND c.id = nullif(split_part(${path}, '/', 3), '')::uuid)`;

const lookupColumns = {
  lookupId: npdLookups.id,
  at: npdLookups.startedAt,
  accountId: npdLookups.accountId,
  clientId: npdLookups.clientId,
  unitId: npdLookups.unitId,
  dossierId: npdLookups.dossierId,
  citizen: npdLookups.citizen,
  service: npdLookups.service,
  procedureCode: npdLookups.procedureCode,
  outcome: npdLookups.outcome,
};

const unique = <T>(items: Iterable<T>): T[] => [...new Set(items)];

/**
 * The rules' questions answered from the tables, inside the detector's transaction. Cost per evaluate() call, whatever
 * the batch size: about 18 queries with every rule on (3 of them the province calendar), i.e. 18 per event for a
 * batch of one and 0.02 per event for a batch of 1,000; the baseline, peer and alert-citizen questions come on top
 * only for callers already above a rule's threshold. Rows read stay near the batch's own: windows are counted in the
 * database and slid along the batch. Indexes used: npd_lookups (account_id, started_at), (unit_id, started_at),
 * (dossier_id), (citizen); journal (actor_account_id, at), and for refusals (actor_account_id, at) and
 * (details ->> 'client', at); primary and unique keys elsewhere. Dossiers and the
 * calendar are cached for the life of this object (one evaluate() call).
 */
export function sqlHistory(ctx: Ctx): History {
  const { tx, keys } = ctx;
  const dossierCache = new Map<string, DossierFacts>();
  /** digest → personal ID of the dossier subjects read in this call: how colleagues are found, never returned */
  const personalIds = new Map<string, string>();
  let calendar: Promise<WorkCalendar> | undefined;

  const callerCondition = (callers: readonly Caller[]) => {
    const accountIds = unique(callers.flatMap((c) => (c.accountId ? [c.accountId] : [])));
    const clientIds = unique(callers.flatMap((c) => (!c.accountId && c.clientId ? [c.clientId] : [])));
    return or(
      accountIds.length > 0 ? inArray(npdLookups.accountId, accountIds) : undefined,
      clientIds.length > 0 ? inArray(npdLookups.clientId, clientIds) : undefined,
    );
  };
  const within = (column: typeof npdLookups.startedAt | typeof journal.at, from: Date, to: Date) => and(gt(column, from), lte(column, to));

  return {
    workCalendar() {
      calendar ??= (async () => {
        const province = await getProvince(tx);
        if (!province) return { holidays: new Set<string>(), workingWeekends: new Set<string>() };
        const { holidays, workingWeekends } = await loadWorkCalendar(tx, province.id);
        return { holidays, workingWeekends };
      })();
      return calendar;
    },

    async accounts(ids) {
      if (ids.length === 0) return new Map();
      const rows = await tx
        .select({
          id: accounts.id,
          username: accounts.username,
          fullName: accounts.fullName,
          personalId: accounts.personalId,
          unitId: accounts.unitId,
          unitPath: units.path,
          communeId: communeOfPath(units.path),
          roles: sql<string[]>`ARRAY(SELECT DISTINCT g.role FROM role_grants g WHERE g.account_id = ${accounts.id} ORDER BY 1)`,
          firstLookupAt: sql<Date | null>`(SELECT min(l.started_at) FROM npd_lookups l WHERE l.account_id = ${accounts.id})`.mapWith(npdLookups.startedAt),
        })
        .from(accounts)
        .innerJoin(units, eq(units.id, accounts.unitId))
        .where(inArray(accounts.id, unique(ids)));
      return new Map(
        rows.map(({ personalId, roles, ...r }) => [r.id, { ...r, roles: roles as Role[], citizen: keys.citizenDigest(personalId.trim()) }]),
      );
    },

    async clients(ids) {
      if (ids.length === 0) return new Map();
      const rows = await tx
        .select({ id: integrationClients.id, name: integrationClients.name, unitId: integrationClients.unitId })
        .from(integrationClients)
        .where(inArray(integrationClients.id, unique(ids)));
      return new Map(rows.map((r) => [r.id, r]));
    },

    async dossiers(ids) {
      const missing = unique(ids).filter((id) => !dossierCache.has(id));
      if (missing.length > 0) {
        const rows = await tx
          .select({
            id: dossiers.id,
            code: dossiers.code,
            procedureCode: dossiers.procedureCode,
            receivedUnitId: dossiers.receivedUnitId,
            receivedCommuneId: communeOfPath(units.path),
            applicantPersonalId: dossiers.applicantPersonalId,
            applicantName: dossiers.applicantName,
          })
          .from(dossiers)
          .innerJoin(units, eq(units.id, dossiers.receivedUnitId))
          .where(inArray(dossiers.id, missing));
        const persons = await tx
          .select({ dossierId: dossierPersons.dossierId, relation: dossierPersons.relation, personalId: dossierPersons.personalId, fullName: dossierPersons.fullName })
          .from(dossierPersons)
          .where(inArray(dossierPersons.dossierId, missing));
        const subject = (personalId: string, fullName: string, relation: string) => {
          const citizen = keys.citizenDigest(personalId);
          personalIds.set(citizen, personalId);
          return { citizen, fullName, relation };
        };
        for (const { applicantPersonalId, applicantName, ...d } of rows) {
          dossierCache.set(d.id, {
            ...d,
            subjects: [
              subject(applicantPersonalId, applicantName, 'applicant'),
              ...persons.filter((p) => p.dossierId === d.id).map((p) => subject(p.personalId, p.fullName, p.relation)),
            ],
          });
        }
      }
      return new Map(ids.flatMap((id) => (dossierCache.has(id) ? [[id, dossierCache.get(id)!] as const] : [])));
    },

    // A looked-up citizen is always someone the dossier names (the gateway refuses anyone else), so the dossiers give
    // the personal IDs to match against the accounts: a few rows per batch instead of hashing every account's ID.
    async accountsOfCitizens(seen) {
      await this.dossiers(unique(seen.map((s) => s.dossierId)));
      const wanted = unique(seen.flatMap((s) => (personalIds.has(s.citizen) ? [personalIds.get(s.citizen)!] : [])));
      if (wanted.length === 0) return new Map();
      const rows = await tx
        .select({ id: accounts.id, username: accounts.username, fullName: accounts.fullName, unitId: accounts.unitId, personalId: accounts.personalId })
        .from(accounts)
        .where(inArray(accounts.personalId, wanted));
      return new Map(rows.map(({ personalId, ...r }) => [keys.citizenDigest(personalId.trim()), r]));
    },

    // counted in the database (index on caller and started_at), so a busy caller's hour is not carried over the wire
    async windowCounts(callers, from, to) {
      if (callers.length === 0) return new Map();
      const rows = await tx
        .select({
          accountId: npdLookups.accountId,
          clientId: npdLookups.clientId,
          lookups: count(),
          failed: sql<number>`count(*) FILTER (WHERE ${inArray(npdLookups.outcome, [...FAILED_OUTCOMES])})`.mapWith(Number),
        })
        .from(npdLookups)
        .where(and(callerCondition(callers), within(npdLookups.startedAt, from, to)))
        .groupBy(npdLookups.accountId, npdLookups.clientId);
      return new Map(rows.map((r) => [callerKey(r), { lookups: r.lookups, failed: r.failed }]));
    },

    async lookupsBy(callers, from, to) {
      if (callers.length === 0) return [];
      return tx
        .select(lookupColumns)
        .from(npdLookups)
        .where(and(callerCondition(callers), within(npdLookups.startedAt, from, to)))
        .orderBy(asc(npdLookups.startedAt), asc(npdLookups.id));
    },

    async citizensLookedUp(questions) {
      if (questions.length === 0) return [];
      const column = <T>(pick: (q: (typeof questions)[number], i: number) => T) => sql.param(questions.map(pick));
      const failed = sql.join([...FAILED_OUTCOMES].map((o) => sql`${o}`), sql`, `);
      // one statement for the batch's alerts: each question reads its caller's window through (account_id | client_id, started_at)
      const result = (await tx.execute(sql`
        SELECT q.i, coalesce(c.citizens, '{}') AS citizens
        FROM unnest(${column((_, i) => i)}::int[], ${column((q) => q.caller.accountId)}::uuid[], ${column((q) => (q.caller.accountId ? null : q.caller.clientId))}::uuid[],
                    ${column((q) => q.from.toISOString())}::timestamptz[], ${column((q) => q.to.toISOString())}::timestamptz[], ${column((q) => q.failedOnly)}::boolean[])
          AS q(i, a, c, f, t, failed)
        CROSS JOIN LATERAL (
          -- two branches, not (account_id = a OR client_id = c): an OR keeps PostgreSQL off the (account_id, started_at)
          -- index and walks the whole window (4.4 s against 124 ms for 50 questions over 400k lookups)
          SELECT array_agg(DISTINCT x.citizen) AS citizens FROM (
            SELECT l.citizen FROM npd_lookups l
            WHERE q.a IS NOT NULL AND l.account_id = q.a AND l.started_at > q.f AND l.started_at <= q.t AND (NOT q.failed OR l.outcome IN (${failed}))
            UNION ALL
            SELECT l.citizen FROM npd_lookups l
            WHERE q.c IS NOT NULL AND l.client_id = q.c AND l.started_at > q.f AND l.started_at <= q.t AND (NOT q.failed OR l.outcome IN (${failed}))
          ) AS x
        ) AS c
        ORDER BY q.i`)) as unknown as { rows: { i: number; citizens: string[] }[] };
      return result.rows.map((r) => [...r.citizens].sort());
    },

    async citizenCallers(citizens, from, to) {
      if (citizens.length === 0) return [];
      const rows = await tx
        .select({ citizen: npdLookups.citizen, accountId: npdLookups.accountId, clientId: npdLookups.clientId, unitId: npdLookups.unitId, lastAt: max(npdLookups.startedAt) })
        .from(npdLookups)
        .where(and(inArray(npdLookups.citizen, unique(citizens)), within(npdLookups.startedAt, from, to)))
        .groupBy(npdLookups.citizen, npdLookups.accountId, npdLookups.clientId, npdLookups.unitId);
      return rows.map((r) => ({ ...r, lastAt: r.lastAt! }));
    },

    async lookupsOf(citizens, from, to) {
      if (citizens.length === 0) return [];
      return tx
        .select(lookupColumns)
        .from(npdLookups)
        .where(and(inArray(npdLookups.citizen, unique(citizens)), within(npdLookups.startedAt, from, to)))
        .orderBy(asc(npdLookups.startedAt), asc(npdLookups.id));
    },

    async citizensInDossiers(dossierIds) {
      if (dossierIds.length === 0) return new Map();
      // one dossier at a time through (dossier_id): a batch names hundreds of dossiers, and as a plain IN list
      // PostgreSQL may prefer reading every monthly partition whole to probing each one that many times
      const result = (await tx.execute(sql`
        SELECT d.id AS dossier_id, c.citizen, c.first_at
        FROM unnest(${sql.param(unique(dossierIds))}::uuid[]) AS d(id)
        CROSS JOIN LATERAL (SELECT l.citizen, min(l.started_at) AS first_at FROM npd_lookups l WHERE l.dossier_id = d.id GROUP BY l.citizen) AS c`)) as unknown as {
        rows: { dossier_id: string; citizen: string; first_at: Date | string }[];
      };
      const answer = new Map<string, { citizen: string; firstAt: Date }[]>();
      for (const r of result.rows) {
        const list = answer.get(r.dossier_id) ?? [];
        list.push({ citizen: r.citizen, firstAt: new Date(r.first_at) });
        answer.set(r.dossier_id, list);
      }
      return answer;
    },

    async activity(callers, from, to, windowMinutes) {
      if (callers.length === 0) return new Map();
      const windowSeconds = sql.raw(String(Math.max(1, Math.round(windowMinutes * 60))));
      const rows = await tx
        .select({
          accountId: npdLookups.accountId,
          clientId: npdLookups.clientId,
          lookups: count(),
          windows: sql<number>`count(DISTINCT floor(extract(epoch FROM ${npdLookups.startedAt}) / ${windowSeconds}))`.mapWith(Number),
        })
        .from(npdLookups)
        .where(and(callerCondition(callers), within(npdLookups.startedAt, from, to)))
        .groupBy(npdLookups.accountId, npdLookups.clientId);
      return new Map(rows.map((r) => [callerKey(r), { lookups: r.lookups, windows: r.windows }]));
    },

    async unitActivity(unitId, roles, from, to) {
      if (roles.length === 0) return new Map();
      const rows = await tx
        .select({ accountId: npdLookups.accountId, lookups: count() })
        .from(npdLookups)
        .where(
          and(
            eq(npdLookups.unitId, unitId),
            isNotNull(npdLookups.accountId),
            within(npdLookups.startedAt, from, to),
            exists(
              tx
                .select({ one: sql`1` })
                .from(roleGrants)
                .where(and(eq(roleGrants.accountId, npdLookups.accountId), inArray(roleGrants.role, [...roles]))),
            ),
          ),
        )
        .groupBy(npdLookups.accountId);
      return new Map(rows.map((r) => [r.accountId!, r.lookups]));
    },

    async priorUse(questions) {
      if (questions.length === 0) return [];
      const column = <T>(pick: (q: PriorUseQuestion, i: number) => T) => sql.param(questions.map(pick));
      // one statement for the whole batch: each question probes the account's lookups through (account_id, started_at)
      const result = (await tx.execute(sql`
        SELECT q.i,
          EXISTS (SELECT 1 FROM npd_lookups l WHERE l.account_id = q.a AND l.started_at <= q.b AND l.id <> q.l AND l.procedure_code = q.p) AS procedure,
          EXISTS (SELECT 1 FROM npd_lookups l WHERE l.account_id = q.a AND l.started_at <= q.b AND l.id <> q.l AND l.service = q.s) AS service
        FROM unnest(${column((_, i) => i)}::int[], ${column((q) => q.accountId)}::uuid[], ${column((q) => q.procedureCode)}::text[],
                    ${column((q) => q.service)}::text[], ${column((q) => q.before.toISOString())}::timestamptz[], ${column((q) => q.lookupId)}::uuid[])
          AS q(i, a, p, s, b, l)
        ORDER BY q.i`)) as unknown as { rows: { i: number; procedure: boolean; service: boolean }[] };
      return result.rows.map((r) => ({ procedure: r.procedure, service: r.service }));
    },

    async signInAddresses(accountIds, since) {
      if (accountIds.length === 0) return new Map();
      const rows = await tx
        .select({ accountId: journal.actorAccountId, ip: journal.ip, firstSeq: min(journal.seq) })
        .from(journal)
        .where(
          and(
            eq(journal.type, 'auth.sign_in'),
            eq(journal.outcome, 'success'),
            inArray(journal.actorAccountId, unique(accountIds)),
            gt(journal.at, since),
            isNotNull(journal.ip),
          ),
        )
        .groupBy(journal.actorAccountId, journal.ip);
      const answer = new Map<string, Map<string, number>>();
      for (const r of rows) {
        const addresses = answer.get(r.accountId!) ?? new Map<string, number>();
        addresses.set(r.ip!, Number(r.firstSeq));
        answer.set(r.accountId!, addresses);
      }
      return answer;
    },

    // one statement per kind of caller, each through its own partial index (migration 0023): an OR of the two would
    // keep PostgreSQL off both
    async refusals(callers, from, to) {
      const accountIds = unique(callers.flatMap((c) => (c.accountId ? [c.accountId] : [])));
      const clientIds = unique(callers.flatMap((c) => (!c.accountId && c.clientId ? [c.clientId] : [])));
      const of = (caller: SQLWrapper) =>
        tx
          .select({ seq: journal.seq, at: journal.at, type: journal.type, actorAccountId: journal.actorAccountId, reason: journal.reason, details: journal.details })
          .from(journal)
          .where(and(inArray(journal.type, [...REFUSAL_TYPES]), caller, within(journal.at, from, to)));
      const rows = [
        ...(accountIds.length > 0 ? await of(inArray(journal.actorAccountId, accountIds)) : []),
        ...(clientIds.length > 0 ? await of(inArray(refusedClient, clientIds)) : []),
      ];
      return rows.sort((a, b) => a.seq - b.seq).map(refusalOf);
    },

    // resets are rare: the (type, at) index finds the window's few, then the accounts are matched
    async resetsOf(accountIds, from, to) {
      if (accountIds.length === 0) return [];
      const kindOf = new Map(Object.entries(RESET_TAKES_EFFECT).map(([kind, type]) => [type, kind as CredentialReset['kind']]));
      const rows = await tx
        .select({ seq: journal.seq, at: journal.at, type: journal.type, accountId: journal.targetId, resetBy: journal.actorAccountId, details: journal.details })
        .from(journal)
        .where(
          and(
            inArray(journal.type, [...kindOf.keys()]),
            eq(journal.outcome, 'success'),
            eq(journal.targetType, 'account'),
            inArray(journal.targetId, unique(accountIds)),
            within(journal.at, from, to),
            // compared as text: target_id holds ids of other kinds too, which a cast to uuid would choke on
            sql`${journal.actorAccountId}::text IS DISTINCT FROM ${journal.targetId}`,
          ),
        )
        .orderBy(asc(journal.seq));
      return rows.map(({ type, details, ...r }) => ({
        ...r,
        accountId: r.accountId!,
        kind: kindOf.get(type)!,
        requestedBy: typeof details.requestedBy === 'string' ? details.requestedBy : null,
      }));
    },
  };
}
