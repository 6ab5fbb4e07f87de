import type { WorkCalendar } from '../../calendar/index.ts';
import type { MonitoredEvent } from '../detection.ts';
import { callerKey, FAILED_OUTCOMES, type AccountFacts, type Caller, type ClientFacts, type DossierFacts, type History, type LookupFact, type WindowCount } from '../history.ts';
import { clientName, officerName, type Name } from './explain.ts';

export type LookupEvent = Extract<MonitoredEvent, { kind: 'lookup' }>;

export const MINUTE = 60_000;
export const DAY = 86_400_000;

export const unique = <T>(items: Iterable<T>): T[] => [...new Set(items)];
export const bucket = (at: Date, minutes: number) => Math.floor(at.getTime() / (minutes * MINUTE));

/** What the rules of one evaluate() call share: the batch's events and the answers already fetched. */
export class Batch {
  readonly lookups: LookupEvent[];
  readonly firstAt: number;
  readonly lastAt: number;
  readonly #memo = new Map<string, Promise<unknown>>();
  readonly #accounts = new Map<string, AccountFacts>();
  readonly #clients = new Map<string, ClientFacts>();
  readonly #asked = new Set<string>();

  constructor(
    readonly history: History,
    readonly events: MonitoredEvent[],
  ) {
    this.lookups = events.filter((e): e is LookupEvent => e.kind === 'lookup');
    const times = events.map((e) => e.at.getTime());
    this.firstAt = Math.min(...times);
    this.lastAt = Math.max(...times);
  }

  once<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.#memo.has(key)) this.#memo.set(key, load());
    return this.#memo.get(key) as Promise<T>;
  }

  async accounts(ids: Iterable<string | null>): Promise<Map<string, AccountFacts>> {
    const missing = unique(ids).filter((id): id is string => id !== null && !this.#asked.has(`account:${id}`));
    if (missing.length > 0) {
      for (const id of missing) this.#asked.add(`account:${id}`);
      for (const [id, facts] of await this.history.accounts(missing)) this.#accounts.set(id, facts);
    }
    return this.#accounts;
  }

  async clients(ids: Iterable<string | null>): Promise<Map<string, ClientFacts>> {
    const missing = unique(ids).filter((id): id is string => id !== null && !this.#asked.has(`client:${id}`));
    if (missing.length > 0) {
      for (const id of missing) this.#asked.add(`client:${id}`);
      for (const [id, facts] of await this.history.clients(missing)) this.#clients.set(id, facts);
    }
    return this.#clients;
  }

  /** Names every caller: officers by full name and username, integration keys by name. */
  async names(callers: readonly Caller[]): Promise<(c: Caller) => Name> {
    const accounts = await this.accounts(callers.map((c) => c.accountId));
    const clients = await this.clients(callers.map((c) => (c.accountId ? null : c.clientId)));
    return (c) => (c.accountId ? officerName(accounts.get(c.accountId), c.accountId) : clientName(clients.get(c.clientId!), c.clientId!));
  }

  calendar(): Promise<WorkCalendar> {
    return this.once('calendar', () => this.history.workCalendar());
  }

  dossiers(): Promise<Map<string, DossierFacts>> {
    return this.once('dossiers', () => this.history.dossiers(unique(this.lookups.map((e) => e.dossierId))));
  }

  /** The batch's callers' lookups from the batch's first event to its last. */
  batchLookups(): Promise<Map<string, LookupFact[]>> {
    return this.once('batchLookups', async () =>
      groupBy(await this.history.lookupsBy(uniqueCallers(this.lookups), new Date(this.firstAt), new Date(this.lastAt)), callerKey),
    );
  }

  /**
   * For each lookup event, its caller's lookups (and failed answers) in the window of `minutes` ending at it. The
   * window before the batch is counted by the database, once per caller; it then slides along the batch's own
   * lookups (entering) and those one window earlier (leaving). Rows read: about twice the batch, whatever the
   * callers' volume.
   */
  windows(minutes: number): Promise<(e: LookupEvent) => WindowCount> {
    return this.once(`windows:${minutes}`, async () => {
      const W = minutes * MINUTE;
      const callers = uniqueCallers(this.lookups);
      const before = await this.history.windowCounts(callers, new Date(this.firstAt - W), new Date(this.firstAt));
      const leaving = this.lastAt > this.firstAt ? await this.history.lookupsBy(callers, new Date(this.firstAt - W), new Date(this.lastAt - W)) : [];
      const leave = new Map([...groupBy(leaving, callerKey)].map(([k, list]) => [k, new Tally(list)]));
      const enter = new Map([...(await this.batchLookups())].map(([k, list]) => [k, new Tally(list)]));
      const none = new Tally([]);
      return (e) => {
        const key = callerKey(e);
        const base = before.get(key) ?? { lookups: 0, failed: 0 };
        const entered = (enter.get(key) ?? none).upTo(e.at.getTime());
        const left = (leave.get(key) ?? none).upTo(e.at.getTime() - W);
        return { lookups: base.lookups + entered.lookups - left.lookups, failed: base.failed + entered.failed - left.failed };
      };
    });
  }

  /** The citizens in the windows of the alerts being raised (they go into the alerts): one question per alert. */
  async citizensInWindows(raised: readonly { e: LookupEvent }[], minutes: number, failedOnly = false): Promise<string[][]> {
    return this.history.citizensLookedUp(
      raised.map(({ e }) => ({ caller: { accountId: e.accountId, clientId: e.clientId }, from: new Date(e.at.getTime() - minutes * MINUTE), to: e.at, failedOnly })),
    );
  }
}

/** Lookups sorted by time, with their failed answers, counted up to an instant. */
class Tally {
  readonly #failedBefore: Int32Array;
  constructor(readonly sorted: readonly LookupFact[]) {
    this.#failedBefore = new Int32Array(sorted.length + 1);
    sorted.forEach((l, i) => (this.#failedBefore[i + 1] = this.#failedBefore[i]! + (l.outcome !== null && FAILED_OUTCOMES.has(l.outcome) ? 1 : 0)));
  }
  upTo(t: number): WindowCount {
    const n = countUpTo(this.sorted, t);
    return { lookups: n, failed: this.#failedBefore[n]! };
  }
}

export function uniqueCallers(events: readonly Caller[]): Caller[] {
  const byKey = new Map<string, Caller>();
  for (const e of events) byKey.set(callerKey(e), { accountId: e.accountId, clientId: e.accountId ? null : e.clientId });
  return [...byKey.values()];
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** How many items of a list sorted by time are at or before `t`. */
function countUpTo(sorted: readonly { at: Date }[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.at.getTime() <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The items of a list sorted by time that fall in (from, to]. */
export function inWindow<T extends { at: Date }>(sorted: readonly T[] | undefined, from: number, to: number): T[] {
  return sorted ? sorted.slice(countUpTo(sorted, from), countUpTo(sorted, to)) : [];
}

/**
 * A burst of events raising the same alert: the last one's figures are kept (the latest state of the behaviour),
 * with every event's journal entry and the first one's time, so that a 5,000-event burst stays linear.
 */
export function latestPerKey<T extends { e: { seq: number; at: Date } }>(items: readonly T[], key: (item: T) => string): (T & { seqs: number[]; firstAt: Date })[] {
  const byKey = new Map<string, T & { seqs: number[]; firstAt: Date }>();
  for (const item of items) {
    const k = key(item);
    const seen = byKey.get(k);
    if (seen) seen.seqs.push(item.e.seq);
    byKey.set(k, { ...item, seqs: seen?.seqs ?? [item.e.seq], firstAt: seen?.firstAt ?? item.e.at });
  }
  return [...byKey.values()];
}
