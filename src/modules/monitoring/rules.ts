import { ROLES, type Permission, type Role } from '../../authz/roles.ts';
import { isWorkingDay, VIETNAM_UTC_OFFSET_MS, vietnamDate, weekday, type WorkCalendar } from '../calendar/deadline.ts';
import { SEVERITIES, type AlertDraft, type MonitoredEvent, type RuleName, type RuleSettings, type Severity } from './detection.ts';
import { callerKey, FAILED_OUTCOMES, type AccountFacts, type AccountRef, type Caller, type ClientFacts, type DossierFacts, type History, type LookupFact, type WindowCount, type CredentialReset } from './history.ts';

/**
 * Issue 6 item 1: the detection rules and their defaults. Every parameter is a number; its unit is in the comment.
 * Critical, which suspends the account's lookups, are: a lookup soon after someone else reset the account's
 * credentials (lookup_after_reset), and one escalation: a volume spike at `criticalFactor` times the officer's own
 * usual level (and at least `criticalMinimum` lookups).
 */
export const DEFAULT_RULES: Record<RuleName, RuleSettings> = {
  // Lookups in a sliding window against the caller's own usual level: the mean per active window (a window of the
  // same length with at least one lookup) over the days before today. Without any history, only factor × minimum counts.
  volume_spike: {
    enabled: true,
    severity: 'high',
    params: {
      windowMinutes: 60, // minutes: the sliding window
      baselineDays: 14, // days before today (Vietnam) the usual level is taken from
      factor: 3, // times the usual level
      minimum: 20, // lookups in the window: below this, nothing is raised
      criticalFactor: 10, // times the usual level from which the alert is critical; 0: never critical
      criticalMinimum: 100, // lookups in the window needed as well for critical
    },
  },
  // Lookups in a sliding window against the median of the peers who looked up in the same window from the same unit
  // with the same role (reception, processing, leader).
  peer_outlier: {
    enabled: true,
    severity: 'medium',
    params: {
      windowMinutes: 60, // minutes: the sliding window
      factor: 3, // times the peers' median
      minimum: 20, // lookups in the window: below this, nothing is raised
      minPeers: 2, // peers active in the window needed for a comparison
    },
  },
  // An officer's lookup on a day off of the province calendar (weekend not made up, holiday) or outside the hours.
  // Integration keys are exempt: the public-service portal works at night.
  off_hours: {
    enabled: true,
    severity: 'medium',
    params: {
      startHour: 7, // hour of the day, Vietnam time (7.5 = 7:30): working hours begin
      endHour: 18, // hour of the day, Vietnam time: working hours end
    },
  },
  // A dossier names its applicant and a few related persons; many of them looked up suggests a cover dossier.
  many_citizens_in_dossier: {
    enabled: true,
    severity: 'medium',
    params: {
      minimum: 6, // distinct citizens looked up in one dossier
    },
  },
  // The same citizen looked up by many callers or from many units in a short time (a person in the news).
  citizen_many_accounts: {
    enabled: true,
    severity: 'medium',
    params: {
      windowMinutes: 1440, // minutes: the sliding window
      accounts: 4, // distinct accounts or integration keys
      units: 3, // distinct units of the callers
    },
  },
  // An officer looking up their own personal ID.
  self_lookup: { enabled: true, severity: 'high', params: {} },
  // An officer looking up a citizen whose personal ID is another account's.
  colleague_lookup: { enabled: true, severity: 'high', params: {} },
  // An officer looking up a citizen of their own family name (first word of the full name) in a dossier received in
  // their own commune. Low: Vietnamese family names are concentrated (Nguyễn alone is about four in ten).
  // Officers above the communes (province departments) are not judged by it.
  family_lookup: { enabled: true, severity: 'low', params: {} },
  // A burst of not_found / mismatch / ambiguous answers: guessing personal IDs or scraping (R35), per account or key.
  enumeration: {
    enabled: true,
    severity: 'high',
    params: {
      windowMinutes: 10, // minutes: the sliding window
      minimum: 10, // failed answers in the window
      ratio: 0.5, // share of failed answers among the window's lookups (0–1)
    },
  },
  // The first lookup an officer ever makes for a procedure, or with a service (verify, find). Not in the officer's
  // first days of lookups, when everything is a first.
  first_use: {
    enabled: true,
    severity: 'low',
    params: {
      graceDays: 30, // days after the officer's first lookup ever during which nothing is raised
    },
  },
  // A successful sign-in from an address the account has not signed in from lately; not the first sign-in seen.
  new_address: {
    enabled: true,
    severity: 'low',
    params: {
      lookbackDays: 90, // days of sign-ins that make an address known
    },
  },
  // A second live session of the account from another device (R16), as the journal records it.
  concurrent_session: { enabled: true, severity: 'medium', params: {} },
  // Refusals of one account or integration key in a window (R14): refused lookups, and any other request refused with
  // 403 or 404 (a dossier, an account… out of reach); refusals for the state of the system are not counted.
  repeated_refusals: {
    enabled: true,
    severity: 'high',
    params: {
      windowMinutes: 60, // minutes: the sliding window
      minimum: 5, // refusals in the window
    },
  },
  // A lookup by an account after someone else reset its password or one-time code (the journal entry of the reset
  // taking effect): whoever holds the new credentials may not be the officer, the way one admin took an officer over
  // and looked citizens up under their name (issue 13, finding 4). Critical: the lookups stop until a person checks.
  lookup_after_reset: {
    enabled: true,
    severity: 'critical',
    params: {
      windowMinutes: 1440, // minutes after the reset took effect during which a lookup raises the alert
    },
  },
};

/**
 * Runs every enabled rule on every event. The history already holds the events themselves (the detector reads
 * committed journal entries), so windows ending at an event include it. One alert per dedupe key: the same behaviour
 * in the same window, raised by several events of the batch, is merged into one draft (latest figures, first time,
 * all journal entries and citizens). While the behaviour lasts, later batches raise the same key again, with newer
 * figures: the stored alert can take them with mergeAlert, or stay as first raised.
 */
export async function evaluate(history: History, events: MonitoredEvent[], settings: Record<RuleName, RuleSettings>): Promise<AlertDraft[]> {
  if (events.length === 0) return [];
  const batch = new Batch(history, events);
  const drafts: AlertDraft[] = [];
  for (const [rule, run] of Object.entries(RULES) as [RuleName, Rule][]) {
    const s = settings[rule] ?? DEFAULT_RULES[rule];
    if (s.enabled) drafts.push(...(await run(batch, s, paramsOf(rule, s))));
  }
  return mergeByKey(drafts);
}

type LookupEvent = Extract<MonitoredEvent, { kind: 'lookup' }>;
type Params = Record<string, number>;
type Rule = (b: Batch, s: RuleSettings, p: Params) => Promise<AlertDraft[]>;

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Refusals for the state of the system, not for what the officer tried. */
const SYSTEM_REFUSALS = new Set(['npd_suspended', 'npd_disconnected', 'npd_not_configured', 'journal_fail_closed']);

const paramsOf = (rule: RuleName, s: RuleSettings): Params => ({ ...DEFAULT_RULES[rule].params, ...s.params });
const unique = <T>(items: Iterable<T>): T[] => [...new Set(items)];
const bucket = (at: Date, minutes: number) => Math.floor(at.getTime() / (minutes * MINUTE));

/** What the rules of one evaluate() call share: the batch's events and the answers already fetched. */
class Batch {
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

interface Name {
  vi: string;
  en: string;
  /** "cán bộ này" / "hệ thống này": how the sentence refers back to them */
  viSelf: string;
  enSelf: string;
}

const officerName = (f: AccountFacts | AccountRef | undefined, id: string): Name => {
  const label = f ? `${f.fullName} (${f.username})` : `#${id.slice(0, 8)}`;
  return { vi: `cán bộ ${label}`, en: `officer ${label}`, viSelf: 'cán bộ này', enSelf: 'this officer' };
};

const clientName = (f: ClientFacts | undefined, id: string): Name => {
  const label = f ? `«${f.name}»` : `#${id.slice(0, 8)}`;
  return { vi: `hệ thống kết nối ${label}`, en: `integration ${label}`, viSelf: 'hệ thống này', enSelf: 'this integration' };
};

function uniqueCallers(events: readonly Caller[]): Caller[] {
  const byKey = new Map<string, Caller>();
  for (const e of events) byKey.set(callerKey(e), { accountId: e.accountId, clientId: e.accountId ? null : e.clientId });
  return [...byKey.values()];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
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
function inWindow<T extends { at: Date }>(sorted: readonly T[] | undefined, from: number, to: number): T[] {
  return sorted ? sorted.slice(countUpTo(sorted, from), countUpTo(sorted, to)) : [];
}

/**
 * A burst of events raising the same alert: the last one's figures are kept (the latest state of the behaviour),
 * with every event's journal entry and the first one's time, so that a 5,000-event burst stays linear.
 */
function latestPerKey<T extends { e: { seq: number; at: Date } }>(items: readonly T[], key: (item: T) => string): (T & { seqs: number[]; firstAt: Date })[] {
  const byKey = new Map<string, T & { seqs: number[]; firstAt: Date }>();
  for (const item of items) {
    const k = key(item);
    const seen = byKey.get(k);
    if (seen) seen.seqs.push(item.e.seq);
    byKey.set(k, { ...item, seqs: seen?.seqs ?? [item.e.seq], firstAt: seen?.firstAt ?? item.e.at });
  }
  return [...byKey.values()];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >>> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const capitalize = (text: string) => text.charAt(0).toLocaleUpperCase('vi') + text.slice(1);
const pad = (n: number) => String(n).padStart(2, '0');
const local = (at: Date) => new Date(at.getTime() + VIETNAM_UTC_OFFSET_MS);
const startOfVietnamDay = (at: Date) => new Date(Date.parse(`${vietnamDate(at)}T00:00:00Z`) - VIETNAM_UTC_OFFSET_MS);
const viTime = (at: Date) => {
  const d = local(at);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} ngày ${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
};
const enTime = (at: Date) => {
  const d = local(at);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} ICT`;
};
const viNumber = (x: number) => x.toLocaleString('vi-VN', { maximumFractionDigits: 1 });
const enNumber = (x: number) => x.toLocaleString('en-GB', { maximumFractionDigits: 1 });
const viSpan = (minutes: number) => (minutes >= 120 && minutes % 60 === 0 ? `${minutes / 60} giờ` : `${minutes} phút`);
const enSpan = (minutes: number) => (minutes >= 120 && minutes % 60 === 0 ? `${minutes / 60} hours` : `${minutes} minutes`);
const clock = (hour: number) => `${Math.floor(hour)}:${pad(Math.round((hour % 1) * 60))}`;
const VI_WEEKDAYS = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];
const EN_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const SERVICES = { verify: { vi: 'xác thực thông tin công dân', en: 'verify' }, find: { vi: 'tìm số định danh cá nhân', en: 'find' } };
const REFUSALS: Record<string, { vi: string; en: string }> = {
  not_found: { vi: 'hồ sơ không có hoặc không được xem', en: 'dossier not found or not visible' },
  lookup_not_permitted: { vi: 'không có quyền tra cứu', en: 'not permitted to look up' },
  procedure_not_allowed: { vi: 'thủ tục không được phép', en: 'procedure not allowed' },
  dossier_not_open: { vi: 'hồ sơ đã kết thúc', en: 'dossier closed' },
  citizen_not_in_dossier: { vi: 'công dân không có tên trong hồ sơ', en: 'citizen not named in the dossier' },
  service_not_declared: { vi: 'thủ tục không đăng ký dịch vụ, trường dữ liệu', en: 'service or fields not declared' },
  lookup_rate_limited: { vi: 'tra cứu quá nhanh', en: 'too fast' },
  lookup_quota_exceeded: { vi: 'hết hạn mức trong ngày', en: 'daily quota used up' },
};
/** The codes of the other requests refused to a signed-in caller (auth.plugin.ts refusedRequest). */
const REQUEST_REFUSALS: Record<string, { vi: string; en: string }> = {
  forbidden: { vi: 'không có quyền', en: 'not allowed' },
  not_found: { vi: 'không có hoặc không được xem', en: 'not found or not visible' },
};

function listNames(names: readonly string[], max = 8): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')}… (+${names.length - max})`;
}

/** The family name: the first word of the full name, compared without regard to case or Unicode form. */
const familyName = (fullName: string) => fullName.normalize('NFC').trim().split(/\s+/)[0]!.toLocaleLowerCase('vi');

const LOOKUP_ROLES = (Object.keys(ROLES) as Role[]).filter((r) => (ROLES[r].permissions as readonly Permission[]).includes('npd.lookup'));

function alert(
  rule: RuleName,
  severity: Severity,
  a: { caller: Caller | null; unitId: string | null; at: Date; vi: string; en: string; details: Record<string, unknown>; citizens: readonly string[]; seqs: readonly number[]; key: string },
): AlertDraft {
  return {
    rule,
    severity,
    accountId: a.caller?.accountId ?? null,
    clientId: a.caller && !a.caller.accountId ? a.caller.clientId : null,
    unitId: a.unitId,
    at: a.at,
    explanationVi: a.vi,
    explanationEn: a.en,
    details: a.details,
    citizens: unique(a.citizens),
    seqs: unique(a.seqs),
    dedupeKey: `${rule}:${a.key}`,
  };
}

/**
 * The same alert raised again (same dedupe key, later event): the later figures, the earlier time, the higher
 * severity, and the journal entries and citizens of both. For the detector, when a key is already stored.
 */
export function mergeAlert(earlier: AlertDraft, later: AlertDraft): AlertDraft {
  return {
    ...later,
    at: earlier.at < later.at ? earlier.at : later.at,
    severity: higher(earlier.severity, later.severity),
    citizens: unique([...earlier.citizens, ...later.citizens]),
    seqs: unique([...earlier.seqs, ...later.seqs]),
  };
}

const higher = (a: Severity, b: Severity) => (SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b);

/** mergeAlert over a whole batch, with sets so that thousands of drafts of one key stay linear. */
function mergeByKey(drafts: readonly AlertDraft[]): AlertDraft[] {
  const byKey = new Map<string, { last: AlertDraft; at: Date; severity: Severity; citizens: Set<string>; seqs: Set<number> }>();
  for (const d of drafts) {
    const seen = byKey.get(d.dedupeKey);
    if (!seen) {
      byKey.set(d.dedupeKey, { last: d, at: d.at, severity: d.severity, citizens: new Set(d.citizens), seqs: new Set(d.seqs) });
      continue;
    }
    seen.last = d;
    if (d.at < seen.at) seen.at = d.at;
    seen.severity = higher(seen.severity, d.severity);
    for (const c of d.citizens) seen.citizens.add(c);
    for (const q of d.seqs) seen.seqs.add(q);
  }
  return [...byKey.values()].map((m) => ({ ...m.last, at: m.at, severity: m.severity, citizens: [...m.citizens], seqs: [...m.seqs] }));
}

// ——— The rules ———

const volumeSpike: Rule = async (b, s, p) => {
  const W = p.windowMinutes!;
  if (b.lookups.length === 0) return [];
  const countOf = await b.windows(W);
  const over = b.lookups.flatMap((e) => {
    const n = countOf(e).lookups;
    return n >= p.minimum! ? [{ e, n }] : [];
  });
  if (over.length === 0) return [];
  // the usual level, asked only for callers above the minimum: the days before today (Vietnam), so that today's
  // behaviour never dilutes its own yardstick and the level stays the same all day
  const today = startOfVietnamDay(new Date(Math.min(...over.map((o) => o.e.at.getTime()))));
  const usualOf = await b.history.activity(uniqueCallers(over.map((o) => o.e)), new Date(today.getTime() - p.baselineDays! * DAY), today, W);
  const judged = over.flatMap((o) => {
    const activity = usualOf.get(callerKey(o.e));
    const usual = activity && activity.windows > 0 ? activity.lookups / activity.windows : null;
    if (usual === null ? o.n < p.factor! * p.minimum! : o.n < p.factor! * usual) return [];
    const critical = usual !== null && p.criticalFactor! > 0 && o.n >= p.criticalFactor! * usual && o.n >= p.criticalMinimum!;
    return [{ ...o, usual, critical }];
  });
  if (judged.length === 0) return [];
  const spikes = latestPerKey(judged, (j) => `${callerKey(j.e)}:${bucket(j.e.at, W)}${j.critical ? ':critical' : ''}`);
  const name = await b.names(spikes.map((j) => j.e));
  const citizens = await b.citizensInWindows(spikes, W);
  return spikes.map(({ e, n, usual, critical, seqs, firstAt }, i) => {
    const who = name(e);
    const ratio = usual === null ? null : n / usual;
    const vi =
      usual === null
        ? `${capitalize(who.vi)} đã thực hiện ${n} lượt tra cứu CSDLQG về dân cư trong ${viSpan(W)} (đến ${viTime(e.at)}), trong khi ${p.baselineDays} ngày trước đó ${who.viSelf} không tra cứu lần nào (ngưỡng khi chưa có mức thường ngày: ${p.factor! * p.minimum!} lượt).`
        : `${capitalize(who.vi)} đã thực hiện ${n} lượt tra cứu CSDLQG về dân cư trong ${viSpan(W)} (đến ${viTime(e.at)}), gấp ${viNumber(ratio!)} lần mức thường ngày của chính ${who.viSelf} (${viNumber(usual)} lượt/${viSpan(W)}, trung bình ${p.baselineDays} ngày qua).` +
          (critical ? ` Mức nghiêm trọng: từ ${p.criticalFactor} lần và ${p.criticalMinimum} lượt trở lên.` : '');
    const en =
      usual === null
        ? `${capitalize(who.en)} made ${n} population-database lookups in ${enSpan(W)} (to ${enTime(e.at)}) after none in the ${p.baselineDays} days before (threshold without a usual level: ${p.factor! * p.minimum!}).`
        : `${capitalize(who.en)} made ${n} population-database lookups in ${enSpan(W)} (to ${enTime(e.at)}), ${enNumber(ratio!)} times ${who.enSelf}'s own usual level (${enNumber(usual)} per ${enSpan(W)} over the last ${p.baselineDays} days).` +
          (critical ? ` Critical: at least ${p.criticalFactor} times and ${p.criticalMinimum} lookups.` : '');
    return alert('volume_spike', critical ? 'critical' : s.severity, {
      caller: e,
      unitId: e.unitId,
      at: firstAt,
      vi,
      en,
      details: { lookups: n, windowMinutes: W, usualPerWindow: usual, ratio, baselineDays: p.baselineDays, critical },
      citizens: citizens[i]!,
      seqs,
      key: `${callerKey(e)}:${bucket(e.at, W)}${critical ? ':critical' : ''}`,
    });
  });
};

const peerOutlier: Rule = async (b, s, p) => {
  const W = p.windowMinutes!;
  if (!b.lookups.some((e) => e.accountId)) return [];
  const countOf = await b.windows(W);
  const over = b.lookups.flatMap((e) => {
    const n = countOf(e).lookups;
    return e.accountId && n >= p.minimum! ? [{ e, accountId: e.accountId, n }] : [];
  });
  if (over.length === 0) return [];
  const accounts = await b.accounts(over.map((o) => o.accountId));
  const rolesOf = (accountId: string) => (accounts.get(accountId)?.roles ?? []).filter((r) => LOOKUP_ROLES.includes(r));
  // only officers already above the minimum: one question per unit and roles, in the window of its first such lookup
  const groupOf = (o: (typeof over)[number]) => `${o.e.unitId}|${rolesOf(o.accountId).join(',')}`;
  const peersIn = new Map<string, Map<string, number>>();
  for (const o of over) {
    const group = groupOf(o);
    if (!peersIn.has(group)) peersIn.set(group, await b.history.unitActivity(o.e.unitId, rolesOf(o.accountId), new Date(o.e.at.getTime() - W * MINUTE), o.e.at));
  }
  const judged = over.flatMap((o) => {
    const peers = [...peersIn.get(groupOf(o))!].filter(([id]) => id !== o.accountId).map(([, n]) => n);
    if (peers.length < p.minPeers!) return [];
    const level = median(peers);
    return o.n >= p.factor! * Math.max(level, 1) ? [{ ...o, peers: peers.length, level }] : [];
  });
  if (judged.length === 0) return [];
  const outliers = latestPerKey(judged, (j) => `${callerKey(j.e)}:${bucket(j.e.at, W)}`);
  const name = await b.names(outliers.map((j) => j.e));
  const citizens = await b.citizensInWindows(outliers, W);
  return outliers.map(({ e, n, peers, level, seqs, firstAt }, i) => {
    const who = name(e);
    const ratio = n / Math.max(level, 1);
    return alert('peer_outlier', s.severity, {
      caller: e,
      unitId: e.unitId,
      at: firstAt,
      vi: `${capitalize(who.vi)} đã thực hiện ${n} lượt tra cứu CSDLQG về dân cư trong ${viSpan(W)} (đến ${viTime(e.at)}), gấp ${viNumber(ratio)} lần mức trung vị của ${peers} cán bộ cùng đơn vị, cùng vai trò trong cùng khoảng thời gian (${viNumber(level)} lượt).`,
      en: `${capitalize(who.en)} made ${n} population-database lookups in ${enSpan(W)} (to ${enTime(e.at)}), ${enNumber(ratio)} times the median of ${peers} peers of the same unit and role in the same window (${enNumber(level)}).`,
      details: { lookups: n, windowMinutes: W, peers, peerMedian: level, ratio },
      citizens: citizens[i]!,
      seqs,
      key: `${callerKey(e)}:${bucket(e.at, W)}`,
    });
  });
};

const offHours: Rule = async (b, s, p) => {
  const officers = b.lookups.filter((e) => e.accountId);
  if (officers.length === 0) return [];
  const calendar = await b.calendar();
  const judged = officers.flatMap((e) => {
    const day = vietnamDate(e.at);
    const d = local(e.at);
    const hour = d.getUTCHours() + d.getUTCMinutes() / 60;
    if (isWorkingDay(day, calendar) && hour >= p.startHour! && hour < p.endHour!) return [];
    const why = !isWorkingDay(day, calendar) ? (calendar.holidays.has(day) ? 'holiday' : 'weekend') : 'hours';
    return [{ e, day, why }];
  });
  if (judged.length === 0) return [];
  const name = await b.names(judged.map((j) => j.e));
  return judged.map(({ e, day, why }) => {
    const who = name(e);
    const wd = weekday(day);
    const viWhy = { hours: `ngoài giờ làm việc (${clock(p.startHour!)}–${clock(p.endHour!)})`, weekend: 'vào ngày nghỉ cuối tuần', holiday: 'vào ngày nghỉ lễ, tết theo lịch làm việc của tỉnh' }[why];
    const enWhy = { hours: `outside working hours (${clock(p.startHour!)}–${clock(p.endHour!)})`, weekend: 'on a weekend', holiday: 'on a public holiday of the province calendar' }[why];
    return alert('off_hours', s.severity, {
      caller: e,
      unitId: e.unitId,
      at: e.at,
      vi: `${capitalize(who.vi)} đã tra cứu CSDLQG về dân cư lúc ${viTime(e.at)} (${VI_WEEKDAYS[wd]}), ${viWhy}.`,
      en: `${capitalize(who.en)} looked up the population database at ${enTime(e.at)} (${EN_WEEKDAYS[wd]}), ${enWhy}.`,
      details: { day, reason: why, startHour: p.startHour, endHour: p.endHour },
      citizens: [e.citizen],
      seqs: [e.seq],
      key: `${callerKey(e)}:${day}`,
    });
  });
};

const manyCitizensInDossier: Rule = async (b, s, p) => {
  if (b.lookups.length === 0) return [];
  const inDossier = await b.history.citizensInDossiers(unique(b.lookups.map((e) => e.dossierId)));
  const over = b.lookups.flatMap((e) => {
    const citizens = (inDossier.get(e.dossierId) ?? []).filter((c) => c.firstAt.getTime() <= e.at.getTime()).map((c) => c.citizen);
    return citizens.length >= p.minimum! ? [{ e, citizens }] : [];
  });
  if (over.length === 0) return [];
  const dossiers = await b.dossiers();
  const name = await b.names(over.map((o) => o.e));
  return over.map(({ e, citizens }) => {
    const who = name(e);
    const code = dossiers.get(e.dossierId)?.code ?? e.dossierId;
    return alert('many_citizens_in_dossier', s.severity, {
      caller: e,
      unitId: e.unitId,
      at: e.at,
      vi: `Hồ sơ ${code} đã có ${citizens.length} công dân khác nhau được tra cứu CSDLQG về dân cư (ngưỡng: ${p.minimum}); lượt mới nhất do ${who.vi} thực hiện lúc ${viTime(e.at)}.`,
      en: `Dossier ${code} has had ${citizens.length} distinct citizens looked up (threshold: ${p.minimum}); the latest by ${who.en} at ${enTime(e.at)}.`,
      details: { dossierId: e.dossierId, dossierCode: code, citizens: citizens.length },
      citizens,
      seqs: [e.seq],
      key: e.dossierId,
    });
  });
};

// About a citizen, not one caller: accountId and clientId are null, the callers are listed in the details.
const citizenManyAccounts: Rule = async (b, s, p) => {
  if (b.lookups.length === 0) return [];
  const W = p.windowMinutes!;
  const citizens = unique(b.lookups.map((e) => e.citizen));
  // who looked each citizen up in the window before the batch (one row per caller and unit), then the batch's own lookups
  const before = groupBy(await b.history.citizenCallers(citizens, new Date(b.firstAt - W * MINUTE), new Date(b.firstAt)), (c) => c.citizen);
  const during = groupBy(await b.history.lookupsOf(citizens, new Date(b.firstAt), new Date(b.lastAt)), (l) => l.citizen);
  const over: { e: LookupEvent; callers: Caller[]; unitIds: string[] }[] = [];
  for (const [citizen, events] of groupBy(b.lookups, (e) => e.citizen)) {
    const callerLast = new Map<string, { caller: Caller; at: number }>();
    const unitLast = new Map<string, number>();
    const seen = (c: Caller & { unitId: string }, at: number) => {
      const key = callerKey(c);
      if ((callerLast.get(key)?.at ?? -Infinity) < at) callerLast.set(key, { caller: { accountId: c.accountId, clientId: c.accountId ? null : c.clientId }, at });
      if ((unitLast.get(c.unitId) ?? -Infinity) < at) unitLast.set(c.unitId, at);
    };
    for (const c of before.get(citizen) ?? []) seen(c, c.lastAt.getTime());
    const rows = during.get(citizen) ?? [];
    let next = 0;
    for (const e of [...events].sort((x, y) => x.at.getTime() - y.at.getTime())) {
      const t = e.at.getTime();
      for (; next < rows.length && rows[next]!.at.getTime() <= t; next++) seen(rows[next]!, rows[next]!.at.getTime());
      const callers = [...callerLast.values()].filter((c) => c.at > t - W * MINUTE).map((c) => c.caller);
      const unitIds = [...unitLast].filter(([, at]) => at > t - W * MINUTE).map(([unitId]) => unitId).sort();
      if (callers.length >= p.accounts! || unitIds.length >= p.units!) over.push({ e, callers, unitIds });
    }
  }
  if (over.length === 0) return [];
  const crowds = latestPerKey(over, (o) => `${o.e.citizen}:${bucket(o.e.at, W)}`);
  const name = await b.names(crowds.flatMap((o) => o.callers));
  return crowds.map(({ e, callers: unsorted, unitIds, seqs, firstAt }) => {
    const callers = [...unsorted].sort((x, y) => name(x).en.localeCompare(name(y).en, 'vi') || callerKey(x).localeCompare(callerKey(y)));
    const names = callers.map((c) => name(c));
    return alert('citizen_many_accounts', s.severity, {
      caller: null,
      unitId: null,
      at: firstAt,
      vi: `Cùng một công dân đã được ${callers.length} tài khoản thuộc ${unitIds.length} đơn vị tra cứu CSDLQG về dân cư trong ${viSpan(W)} (đến ${viTime(e.at)}): ${listNames(names.map((n) => n.vi))}.`,
      en: `The same citizen was looked up by ${callers.length} accounts of ${unitIds.length} units in ${enSpan(W)} (to ${enTime(e.at)}): ${listNames(names.map((n) => n.en))}.`,
      details: { windowMinutes: W, callers: callers.map((c) => ({ accountId: c.accountId, clientId: c.clientId })), units: unitIds },
      citizens: [e.citizen],
      seqs,
      key: `${e.citizen}:${bucket(e.at, W)}`,
    });
  });
};

const selfLookup: Rule = async (b, s) => {
  const officers = b.lookups.filter((e) => e.accountId);
  if (officers.length === 0) return [];
  const accounts = await b.accounts(officers.map((e) => e.accountId));
  const hits = officers.filter((e) => accounts.get(e.accountId!)?.citizen === e.citizen);
  if (hits.length === 0) return [];
  const dossiers = await b.dossiers();
  return hits.map((e) => {
    const who = officerName(accounts.get(e.accountId!), e.accountId!);
    const code = dossiers.get(e.dossierId)?.code ?? e.dossierId;
    return alert('self_lookup', s.severity, {
      caller: e,
      unitId: e.unitId,
      at: e.at,
      vi: `${capitalize(who.vi)} đã tra cứu CSDLQG về dân cư thông tin của chính mình, trong hồ sơ ${code}, lúc ${viTime(e.at)}.`,
      en: `${capitalize(who.en)} looked up their own record in the population database, in dossier ${code}, at ${enTime(e.at)}.`,
      details: { dossierId: e.dossierId, dossierCode: code },
      citizens: [e.citizen],
      seqs: [e.seq],
      key: `${e.accountId}:${vietnamDate(e.at)}`,
    });
  });
};

const colleagueLookup: Rule = async (b, s) => {
  const officers = b.lookups.filter((e) => e.accountId);
  if (officers.length === 0) return [];
  const owners = await b.history.accountsOfCitizens(officers.map((e) => ({ citizen: e.citizen, dossierId: e.dossierId })));
  const hits = officers.flatMap((e) => {
    const owner = owners.get(e.citizen);
    return owner && owner.id !== e.accountId ? [{ e, owner }] : [];
  });
  if (hits.length === 0) return [];
  const dossiers = await b.dossiers();
  const accounts = await b.accounts(hits.map((h) => h.e.accountId));
  return hits.map(({ e, owner }) => {
    const who = officerName(accounts.get(e.accountId!), e.accountId!);
    const colleague = officerName(owner, owner.id);
    const code = dossiers.get(e.dossierId)?.code ?? e.dossierId;
    return alert('colleague_lookup', s.severity, {
      caller: e,
      unitId: e.unitId,
      at: e.at,
      vi: `${capitalize(who.vi)} đã tra cứu CSDLQG về dân cư thông tin của ${colleague.vi} (người có tài khoản trên hệ thống), trong hồ sơ ${code}, lúc ${viTime(e.at)}.`,
      en: `${capitalize(who.en)} looked up ${colleague.en} (who holds an account in the system) in the population database, in dossier ${code}, at ${enTime(e.at)}.`,
      details: { dossierId: e.dossierId, dossierCode: code, colleagueAccountId: owner.id },
      citizens: [e.citizen],
      seqs: [e.seq],
      key: `${e.accountId}:${owner.id}:${vietnamDate(e.at)}`,
    });
  });
};

const familyLookup: Rule = async (b, s) => {
  const officers = b.lookups.filter((e) => e.accountId);
  if (officers.length === 0) return [];
  const accounts = await b.accounts(officers.map((e) => e.accountId));
  const dossiers = await b.dossiers();
  const hits = officers.flatMap((e) => {
    const officer = accounts.get(e.accountId!);
    const dossier = dossiers.get(e.dossierId);
    const subject = dossier?.subjects.find((p) => p.citizen === e.citizen);
    if (!officer || !dossier || !subject || officer.citizen === e.citizen) return [];
    if (officer.communeId === null || officer.communeId !== dossier.receivedCommuneId) return [];
    return familyName(subject.fullName) === familyName(officer.fullName) ? [{ e, officer, dossier, subject }] : [];
  });
  return hits.map(({ e, officer, dossier, subject }) => {
    const who = officerName(officer, officer.id);
    const surname = officer.fullName.normalize('NFC').trim().split(/\s+/)[0]!;
    const viRelation = subject.relation === 'applicant' ? 'người nộp hồ sơ' : subject.relation;
    const enRelation = subject.relation === 'applicant' ? 'the applicant' : subject.relation;
    return alert('family_lookup', s.severity, {
      caller: e,
      unitId: e.unitId,
      at: e.at,
      vi: `${capitalize(who.vi)} đã tra cứu một công dân cùng họ ${surname} (${viRelation}) trong hồ sơ ${dossier.code} tiếp nhận tại chính xã, phường của cán bộ này, lúc ${viTime(e.at)}: có thể là người thân. Mức thấp vì nhiều người cùng họ.`,
      en: `${capitalize(who.en)} looked up a citizen of the same family name, ${surname} (${enRelation}), in dossier ${dossier.code} received in the officer's own commune, at ${enTime(e.at)}: possibly a relative. Low: family names are widely shared.`,
      details: { dossierId: dossier.id, dossierCode: dossier.code, familyName: surname, communeId: officer.communeId },
      citizens: [e.citizen],
      seqs: [e.seq],
      key: `${e.accountId}:${vietnamDate(e.at)}`,
    });
  });
};

const enumeration: Rule = async (b, s, p) => {
  const W = p.windowMinutes!;
  if (!b.lookups.some((e) => FAILED_OUTCOMES.has(e.outcome))) return [];
  const countOf = await b.windows(W);
  const over = b.lookups.flatMap((e) => {
    if (!FAILED_OUTCOMES.has(e.outcome)) return [];
    const { lookups, failed } = countOf(e);
    return failed >= p.minimum! && failed >= p.ratio! * lookups ? [{ e, lookups, failed }] : [];
  });
  if (over.length === 0) return [];
  const bursts = latestPerKey(over, (o) => `${callerKey(o.e)}:${bucket(o.e.at, W)}`);
  const name = await b.names(bursts.map((o) => o.e));
  const citizens = await b.citizensInWindows(bursts, W, true);
  return bursts.map(({ e, lookups, failed, seqs, firstAt }, i) => {
    const who = name(e);
    const share = Math.round((100 * failed) / lookups);
    return alert('enumeration', s.severity, {
      caller: e,
      unitId: e.unitId,
      at: firstAt,
      vi: `${capitalize(who.vi)} nhận ${failed} kết quả "không tìm thấy", "không khớp" hoặc "không xác định được" trên ${lookups} lượt tra cứu trong ${viSpan(W)} (${share}%, đến ${viTime(e.at)}): dấu hiệu dò tìm, thu thập dữ liệu hàng loạt.`,
      en: `${capitalize(who.en)} got ${failed} not-found, mismatch or ambiguous answers out of ${lookups} lookups in ${enSpan(W)} (${share}%, to ${enTime(e.at)}): a sign of guessing or scraping.`,
      details: { failed, lookups, windowMinutes: W },
      citizens: citizens[i]!,
      seqs,
      key: `${callerKey(e)}:${bucket(e.at, W)}`,
    });
  });
};

const firstUse: Rule = async (b, s, p) => {
  const officers = b.lookups.filter((e) => e.accountId);
  if (officers.length === 0) return [];
  const accounts = await b.accounts(officers.map((e) => e.accountId));
  // the earliest event per account, procedure and service: later ones of the batch have it as their prior use
  const candidates = new Map<string, LookupEvent>();
  for (const e of officers) {
    const first = accounts.get(e.accountId!)?.firstLookupAt;
    if (!first || e.at.getTime() - first.getTime() < p.graceDays! * DAY) continue;
    const key = `${e.accountId}:${e.procedureCode}:${e.service}`;
    const seen = candidates.get(key);
    if (!seen || e.at < seen.at) candidates.set(key, e);
  }
  if (candidates.size === 0) return [];
  const events = [...candidates.values()];
  const answers = await b.history.priorUse(events.map((e) => ({ accountId: e.accountId!, procedureCode: e.procedureCode, service: e.service, before: e.at, lookupId: e.lookupId })));
  const dossiers = await b.dossiers();
  return events.flatMap((e, i) => {
    const used = answers[i]!;
    const who = officerName(accounts.get(e.accountId!), e.accountId!);
    const code = dossiers.get(e.dossierId)?.code ?? e.dossierId;
    const base = { caller: e, unitId: e.unitId, at: e.at, citizens: [e.citizen], seqs: [e.seq] };
    const drafts: AlertDraft[] = [];
    if (!used.procedure) {
      drafts.push(
        alert('first_use', s.severity, {
          ...base,
          vi: `${capitalize(who.vi)} lần đầu tiên tra cứu CSDLQG về dân cư cho thủ tục ${e.procedureCode} (hồ sơ ${code}, lúc ${viTime(e.at)}).`,
          en: `${capitalize(who.en)} looked up the population database for procedure ${e.procedureCode} for the first time (dossier ${code}, at ${enTime(e.at)}).`,
          details: { procedureCode: e.procedureCode, dossierId: e.dossierId, dossierCode: code },
          key: `${e.accountId}:procedure:${e.procedureCode}`,
        }),
      );
    }
    if (!used.service) {
      drafts.push(
        alert('first_use', s.severity, {
          ...base,
          vi: `${capitalize(who.vi)} lần đầu tiên dùng dịch vụ ${SERVICES[e.service].vi} của CSDLQG về dân cư (hồ sơ ${code}, lúc ${viTime(e.at)}).`,
          en: `${capitalize(who.en)} used the population-database service "${SERVICES[e.service].en}" for the first time (dossier ${code}, at ${enTime(e.at)}).`,
          details: { service: e.service, dossierId: e.dossierId, dossierCode: code },
          key: `${e.accountId}:service:${e.service}`,
        }),
      );
    }
    return drafts;
  });
};

const newAddress: Rule = async (b, s, p) => {
  const signIns = b.events.filter((e): e is Extract<MonitoredEvent, { kind: 'sign_in' }> => e.kind === 'sign_in' && e.outcome === 'success');
  if (signIns.length === 0) return [];
  const known = await b.history.signInAddresses(unique(signIns.map((e) => e.accountId)), new Date(b.firstAt - p.lookbackDays! * DAY));
  const hits = signIns.flatMap((e) => {
    const before = [...(known.get(e.accountId) ?? new Map<string, number>())].filter(([, firstSeq]) => firstSeq < e.seq).map(([ip]) => ip);
    return before.length > 0 && !before.includes(e.ip) ? [{ e, before }] : [];
  });
  if (hits.length === 0) return [];
  const accounts = await b.accounts(hits.map((h) => h.e.accountId));
  return hits.map(({ e, before }) => {
    const who = officerName(accounts.get(e.accountId), e.accountId);
    return alert('new_address', s.severity, {
      caller: { accountId: e.accountId, clientId: null },
      unitId: accounts.get(e.accountId)?.unitId ?? null,
      at: e.at,
      vi: `Tài khoản của ${who.vi} đăng nhập thành công từ địa chỉ ${e.ip} lúc ${viTime(e.at)}, địa chỉ chưa dùng lần nào trong ${p.lookbackDays} ngày qua (trước đó: ${before.length} địa chỉ khác).`,
      en: `The account of ${who.en} signed in from ${e.ip} at ${enTime(e.at)}, an address not used in the last ${p.lookbackDays} days (${before.length} other address${before.length === 1 ? '' : 'es'} before).`,
      details: { ip: e.ip, knownAddresses: before.length, lookbackDays: p.lookbackDays },
      citizens: [],
      seqs: [e.seq],
      key: `${e.accountId}:${e.ip}`,
    });
  });
};

const concurrentSession: Rule = async (b, s) => {
  const hits = b.events.filter((e): e is Extract<MonitoredEvent, { kind: 'concurrent_session' }> => e.kind === 'concurrent_session');
  if (hits.length === 0) return [];
  const accounts = await b.accounts(hits.map((e) => e.accountId));
  return hits.map((e) => {
    const who = officerName(accounts.get(e.accountId), e.accountId);
    return alert('concurrent_session', s.severity, {
      caller: { accountId: e.accountId, clientId: null },
      unitId: accounts.get(e.accountId)?.unitId ?? null,
      at: e.at,
      vi: `Tài khoản của ${who.vi} có thêm một phiên đăng nhập trong khi phiên khác trên thiết bị khác vẫn đang dùng (địa chỉ ${e.ip}, lúc ${viTime(e.at)}): dấu hiệu cho mượn hoặc dùng chung tài khoản.`,
      en: `The account of ${who.en} opened a session while another one on another device was live (from ${e.ip} at ${enTime(e.at)}): a sign of a lent or shared account.`,
      details: { ip: e.ip },
      citizens: [],
      seqs: [e.seq],
      key: `${e.accountId}:${vietnamDate(e.at)}`,
    });
  });
};

const repeatedRefusals: Rule = async (b, s, p) => {
  const W = p.windowMinutes!;
  const refused = b.events.filter(
    (e): e is Extract<MonitoredEvent, { kind: 'refused' }> => e.kind === 'refused' && (e.accountId !== null || e.clientId !== null) && !SYSTEM_REFUSALS.has(e.reason),
  );
  if (refused.length === 0) return [];
  const rows = await b.history.refusals(uniqueCallers(refused), new Date(b.firstAt - W * MINUTE), new Date(b.lastAt));
  const byCaller = groupBy(
    rows.filter((r) => !SYSTEM_REFUSALS.has(r.reason ?? '')),
    callerKey,
  );
  const over = refused.flatMap((e) => {
    const window = inWindow(byCaller.get(callerKey(e)), e.at.getTime() - W * MINUTE, e.at.getTime());
    return window.length >= p.minimum! ? [{ e, window }] : [];
  });
  if (over.length === 0) return [];
  const name = await b.names(over.map((o) => o.e));
  const accounts = await b.accounts(over.map((o) => o.e.accountId));
  const clients = await b.clients(over.map((o) => (o.e.accountId ? null : o.e.clientId)));
  return over.map(({ e, window }) => {
    const who = name(e);
    const reasons = [...groupBy(window, (r) => `${r.reason ?? 'refused'} ${r.route ?? ''}`)]
      .map(([, list]) => ({ reason: list[0]!.reason ?? 'refused', route: list[0]!.route, times: list.length }))
      .sort((x, y) => y.times - x.times);
    const vi = ({ reason, route, times }: (typeof reasons)[number]) =>
      route ? `${times} lần "${REQUEST_REFUSALS[reason]?.vi ?? reason}" (${route})` : `${times} lần tra cứu CSDLQG "${REFUSALS[reason]?.vi ?? reason}"`;
    const en = ({ reason, route, times }: (typeof reasons)[number]) =>
      route ? `${times} × "${REQUEST_REFUSALS[reason]?.en ?? reason}" (${route})` : `${times} × lookup "${REFUSALS[reason]?.en ?? reason}"`;
    return alert('repeated_refusals', s.severity, {
      caller: e,
      unitId: (e.accountId ? accounts.get(e.accountId)?.unitId : clients.get(e.clientId!)?.unitId) ?? e.unitId,
      at: e.at,
      vi: `${capitalize(who.vi)} đã bị từ chối ${window.length} lần trong ${viSpan(W)} (đến ${viTime(e.at)}): ${reasons.map(vi).join(', ')}. Dấu hiệu cố truy cập vượt thẩm quyền.`,
      en: `${capitalize(who.en)} was refused ${window.length} times in ${enSpan(W)} (to ${enTime(e.at)}): ${reasons.map(en).join(', ')}. A sign of attempts beyond the authority granted.`,
      details: { refusals: window.length, windowMinutes: W, reasons },
      citizens: [],
      seqs: [...window.map((r) => r.seq), e.seq],
      key: `${callerKey(e)}:${bucket(e.at, W)}`,
    });
  });
};

const RESET_KINDS = { password: { vi: 'mật khẩu', en: 'password' }, otp: { vi: 'xác thực hai lớp', en: 'two-step verification' } };

const lookupAfterReset: Rule = async (b, s, p) => {
  const W = p.windowMinutes! * MINUTE;
  const officers = b.lookups.filter((e) => e.accountId);
  if (officers.length === 0) return [];
  const resets = groupBy(await b.history.resetsOf(unique(officers.map((e) => e.accountId!)), new Date(b.firstAt - W), new Date(b.lastAt)), (r) => r.accountId);
  // each lookup against the latest reset before it, within the window: one alert per reset, with every lookup after it
  const hits = new Map<number, { reset: CredentialReset; first: LookupEvent; last: LookupEvent; citizens: Set<string>; seqs: number[] }>();
  for (const e of officers) {
    const before = inWindow(resets.get(e.accountId!), e.at.getTime() - W, e.at.getTime());
    const reset = before.at(-1);
    if (!reset) continue;
    const hit = hits.get(reset.seq);
    if (!hit) {
      hits.set(reset.seq, { reset, first: e, last: e, citizens: new Set([e.citizen]), seqs: [reset.seq, e.seq] });
      continue;
    }
    if (e.at < hit.first.at) hit.first = e;
    if (e.at >= hit.last.at) hit.last = e;
    hit.citizens.add(e.citizen);
    hit.seqs.push(e.seq);
  }
  if (hits.size === 0) return [];
  const accounts = await b.accounts([...hits.values()].flatMap(({ reset }) => [reset.accountId, reset.resetBy, reset.requestedBy]));
  return [...hits.values()].map(({ reset, first, last, citizens, seqs }) => {
    const who = officerName(accounts.get(reset.accountId), reset.accountId);
    const by = reset.resetBy ? officerName(accounts.get(reset.resetBy), reset.resetBy) : { vi: 'hệ thống', en: 'the system' };
    const asker = reset.requestedBy ? officerName(accounts.get(reset.requestedBy), reset.requestedBy) : null;
    const kind = RESET_KINDS[reset.kind];
    const hours = viNumber((first.at.getTime() - reset.at.getTime()) / (60 * MINUTE));
    const enHours = enNumber((first.at.getTime() - reset.at.getTime()) / (60 * MINUTE));
    const n = seqs.length - 1;
    return alert('lookup_after_reset', s.severity, {
      caller: first,
      unitId: first.unitId,
      at: first.at,
      vi:
        `Tài khoản của ${who.vi} đã tra cứu CSDLQG về dân cư lúc ${viTime(first.at)}${n > 1 ? ` (${n} lượt, lượt cuối lúc ${viTime(last.at)})` : ''}, ${hours} giờ sau khi ` +
        `${asker ? `${kind.vi} của tài khoản được đặt lại theo yêu cầu của ${asker.vi}, do ${by.vi} phê duyệt` : `${by.vi} đặt lại ${kind.vi} của tài khoản`} (lúc ${viTime(reset.at)}): ` +
        'người đang giữ thông tin đăng nhập mới có thể không phải chính cán bộ. Cần xác minh trực tiếp với cán bộ trước khi cho tra cứu tiếp.',
      en:
        `The account of ${who.en} looked up the population database at ${enTime(first.at)}${n > 1 ? ` (${n} lookups, the last at ${enTime(last.at)})` : ''}, ${enHours} hours after ` +
        `${asker ? `its ${kind.en} was reset at the request of ${asker.en}, approved by ${by.en}` : `${by.en} reset its ${kind.en}`} (at ${enTime(reset.at)}): ` +
        'whoever holds the new credentials may not be the officer. Check with the officer in person before lookups resume.',
      details: { kind: reset.kind, resetSeq: reset.seq, resetAt: reset.at.toISOString(), resetBy: reset.resetBy, requestedBy: reset.requestedBy, lookups: n, windowMinutes: p.windowMinutes },
      citizens: [...citizens],
      seqs,
      key: `${reset.accountId}:${reset.seq}`,
    });
  });
};

const RULES: Record<RuleName, Rule> = {
  volume_spike: volumeSpike,
  peer_outlier: peerOutlier,
  off_hours: offHours,
  many_citizens_in_dossier: manyCitizensInDossier,
  citizen_many_accounts: citizenManyAccounts,
  self_lookup: selfLookup,
  colleague_lookup: colleagueLookup,
  family_lookup: familyLookup,
  enumeration,
  first_use: firstUse,
  new_address: newAddress,
  concurrent_session: concurrentSession,
  repeated_refusals: repeatedRefusals,
  lookup_after_reset: lookupAfterReset,
};
