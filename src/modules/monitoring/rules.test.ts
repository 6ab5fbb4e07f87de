import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerBirthRegistration, personalId1990, receive } from '../../../test/dossier-fixtures.ts';
import { startTestSystem, type TestSystem } from '../../../test/harness.ts';
import type { Role } from '../../authz/roles.ts';
import { ManualClock } from '../../platform/clock.ts';
import { accounts } from '../accounts/accounts.tables.ts';
import { seedCalendar } from '../calendar/calendar.service.ts';
import { isWorkingDay, type WorkCalendar } from '../calendar/deadline.ts';
import { BUILT_IN_CALENDAR } from '../calendar/holidays.ts';
import { dossiers as dossiersTable } from '../dossiers/dossiers.tables.ts';
import { record } from '../journal/record.ts';
import { journal } from '../journal/journal.tables.ts';
import { integrationClients, npdLookups } from '../registry/registry.tables.ts';
import { units as unitsTable, type UnitKind } from '../units/units.tables.ts';
import type { AlertDraft, MonitoredEvent, RuleSettings } from './detection.ts';
import { callerKey, FAILED_OUTCOMES, REFUSAL_TYPES, refusalOf, sqlHistory, type AccountFacts, type CitizenCaller, type Caller, type ClientFacts, type DossierFacts, type History, type LookupFact, type Refusal, type CredentialReset } from './history.ts';
import { DEFAULT_RULES, evaluate } from './rules/index.ts';
import { addDays, type IsoDate } from '../../../common/vietnam-time.ts';
import { RULE_NAMES, type RuleName } from '../../../common/detection-rules.ts';

// ——— A fake history over plain arrays: the same questions, answered by filtering ———

interface World {
  units: { id: string; kind: UnitKind; path: string }[];
  accounts: { id: string; username: string; fullName: string; unitId: string; roles: Role[]; citizen: string }[];
  clients: ClientFacts[];
  dossiers: Omit<DossierFacts, 'receivedCommuneId'>[];
  lookups: LookupFact[];
  signIns: { seq: number; at: Date; accountId: string; ip: string }[];
  refusals: Refusal[];
  resets: CredentialReset[];
  calendar: WorkCalendar;
}

const within = (at: Date, from: Date, to: Date) => at > from && at <= to;
const byTime = (a: LookupFact, b: LookupFact) => a.at.getTime() - b.at.getTime() || (a.lookupId < b.lookupId ? -1 : 1);

function memoryHistory(w: World): History {
  const communeOf = (unitId: string) => {
    const path = w.units.find((u) => u.id === unitId)!.path;
    const second = path.split('/')[2];
    return w.units.find((u) => u.id === second && u.kind === 'commune')?.id ?? null;
  };
  const madeBy = (callers: readonly Caller[]) => {
    const keys = new Set(callers.map(callerKey));
    return (c: Caller) => keys.has(callerKey(c));
  };
  return {
    async workCalendar() {
      return w.calendar;
    },
    async accounts(ids) {
      return new Map(
        w.accounts
          .filter((a) => ids.includes(a.id))
          .map((a) => {
            const own = w.lookups.filter((l) => l.accountId === a.id).map((l) => l.at.getTime());
            const facts: AccountFacts = {
              ...a,
              roles: [...new Set(a.roles)].sort(),
              unitPath: w.units.find((u) => u.id === a.unitId)!.path,
              communeId: communeOf(a.unitId),
              firstLookupAt: own.length > 0 ? new Date(Math.min(...own)) : null,
            };
            return [a.id, facts];
          }),
      );
    },
    async clients(ids) {
      return new Map(w.clients.filter((c) => ids.includes(c.id)).map((c) => [c.id, c]));
    },
    async dossiers(ids) {
      return new Map(w.dossiers.filter((d) => ids.includes(d.id)).map((d) => [d.id, { ...d, receivedCommuneId: communeOf(d.receivedUnitId) }]));
    },
    async accountsOfCitizens(seen) {
      const answer = new Map<string, { id: string; username: string; fullName: string; unitId: string }>();
      for (const { citizen, dossierId } of seen) {
        const named = w.dossiers.find((d) => d.id === dossierId)?.subjects.some((s) => s.citizen === citizen);
        const owner = w.accounts.find((a) => a.citizen === citizen);
        if (named && owner) answer.set(citizen, { id: owner.id, username: owner.username, fullName: owner.fullName, unitId: owner.unitId });
      }
      return answer;
    },
    async windowCounts(callers, from, to) {
      const mine = madeBy(callers);
      const answer = new Map<string, { lookups: number; failed: number }>();
      for (const l of w.lookups.filter((l) => mine(l) && within(l.at, from, to))) {
        const c = answer.get(callerKey(l)) ?? { lookups: 0, failed: 0 };
        c.lookups += 1;
        if (l.outcome !== null && FAILED_OUTCOMES.has(l.outcome)) c.failed += 1;
        answer.set(callerKey(l), c);
      }
      return answer;
    },
    async lookupsBy(callers, from, to) {
      const mine = madeBy(callers);
      return w.lookups.filter((l) => mine(l) && within(l.at, from, to)).sort(byTime);
    },
    async citizensLookedUp(questions) {
      return questions.map((q) => {
        const mine = madeBy([q.caller]);
        const seen = w.lookups.filter((l) => mine(l) && within(l.at, q.from, q.to) && (!q.failedOnly || (l.outcome !== null && FAILED_OUTCOMES.has(l.outcome))));
        return [...new Set(seen.map((l) => l.citizen))].sort();
      });
    },
    async citizenCallers(citizens, from, to) {
      const answer = new Map<string, CitizenCaller>();
      for (const l of w.lookups.filter((l) => citizens.includes(l.citizen) && within(l.at, from, to))) {
        const key = `${l.citizen}|${callerKey(l)}|${l.unitId}`;
        const seen = answer.get(key);
        if (!seen || seen.lastAt < l.at) answer.set(key, { citizen: l.citizen, accountId: l.accountId, clientId: l.clientId, unitId: l.unitId, lastAt: l.at });
      }
      return [...answer.values()];
    },
    async lookupsOf(citizens, from, to) {
      return w.lookups.filter((l) => citizens.includes(l.citizen) && within(l.at, from, to)).sort(byTime);
    },
    async citizensInDossiers(ids) {
      const answer = new Map<string, { citizen: string; firstAt: Date }[]>();
      for (const l of w.lookups.filter((l) => ids.includes(l.dossierId))) {
        const list = answer.get(l.dossierId) ?? [];
        const seen = list.find((c) => c.citizen === l.citizen);
        if (!seen) list.push({ citizen: l.citizen, firstAt: l.at });
        else if (l.at < seen.firstAt) seen.firstAt = l.at;
        answer.set(l.dossierId, list);
      }
      return answer;
    },
    async activity(callers, from, to, windowMinutes) {
      const mine = madeBy(callers);
      const answer = new Map<string, { lookups: number; windows: Set<number> }>();
      for (const l of w.lookups.filter((l) => mine(l) && within(l.at, from, to))) {
        const a = answer.get(callerKey(l)) ?? { lookups: 0, windows: new Set<number>() };
        a.lookups += 1;
        a.windows.add(Math.floor(l.at.getTime() / 1000 / (windowMinutes * 60)));
        answer.set(callerKey(l), a);
      }
      return new Map([...answer].map(([k, a]) => [k, { lookups: a.lookups, windows: a.windows.size }]));
    },
    async unitActivity(unitId, roles, from, to) {
      const answer = new Map<string, number>();
      for (const l of w.lookups) {
        const account = w.accounts.find((a) => a.id === l.accountId);
        if (l.unitId !== unitId || !account || !account.roles.some((r) => roles.includes(r)) || !within(l.at, from, to)) continue;
        answer.set(account.id, (answer.get(account.id) ?? 0) + 1);
      }
      return answer;
    },
    async priorUse(questions) {
      return questions.map((q) => {
        const before = w.lookups.filter((l) => l.accountId === q.accountId && l.at <= q.before && l.lookupId !== q.lookupId);
        return { procedure: before.some((l) => l.procedureCode === q.procedureCode), service: before.some((l) => l.service === q.service) };
      });
    },
    async signInAddresses(accountIds, since) {
      const answer = new Map<string, Map<string, number>>();
      for (const s of w.signIns.filter((s) => accountIds.includes(s.accountId) && s.at > since)) {
        const addresses = answer.get(s.accountId) ?? new Map<string, number>();
        addresses.set(s.ip, Math.min(addresses.get(s.ip) ?? Infinity, s.seq));
        answer.set(s.accountId, addresses);
      }
      return answer;
    },
    async refusals(callers, from, to) {
      const mine = madeBy(callers);
      return w.refusals.filter((r) => mine(r) && within(r.at, from, to)).sort((a, b) => a.seq - b.seq);
    },
    async resetsOf(accountIds, from, to) {
      return w.resets.filter((r) => accountIds.includes(r.accountId) && r.resetBy !== r.accountId && within(r.at, from, to)).sort((a, b) => a.seq - b.seq);
    },
  };
}

// ——— A province in miniature: officers with weeks of ordinary work behind them ———

/** A Vietnam local time, `2026-04-28 10:15`. */
const vn = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`);
const MIN = 60_000;
const TODAY = '2026-04-28';
const PROCEDURES = ['1.001193', '1.000894', '2.000986'];
const SURNAMES = ['Nguyễn', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Trần'];
const GIVEN = ['Thị Lan', 'Văn Hùng', 'Minh Anh', 'Thị Hoa', 'Đức Thắng', 'Ngọc Mai', 'Quốc Bảo'];

const builtIn = Object.values(BUILT_IN_CALENDAR).flatMap((y) => y.days);
const calendar: WorkCalendar = {
  holidays: new Set(builtIn.filter((d) => d.kind === 'holiday').map((d) => d.date)),
  workingWeekends: new Set(builtIn.filter((d) => d.kind === 'working').map((d) => d.date)),
};

type Officer = World['accounts'][number];
type Dossier = World['dossiers'][number];
type By = Caller & { unitId: string };
type LookupEvent = Extract<MonitoredEvent, { kind: 'lookup' }>;

class Province {
  readonly clock = new ManualClock(vn(`${TODAY} 08:00`));
  readonly world: World;
  readonly commune1 = 'c0000001-0000-4000-8000-000000000001';
  readonly commune2 = 'c0000001-0000-4000-8000-000000000002';
  readonly department = 'd0000001-0000-4000-8000-000000000001';
  #seq = 1;
  #ids = 0;
  #random: () => number;

  constructor(seed = 7) {
    const p = 'a0000001-0000-4000-8000-000000000001';
    this.world = {
      units: [
        { id: p, kind: 'province', path: `/${p}/` },
        { id: this.commune1, kind: 'commune', path: `/${p}/${this.commune1}/` },
        { id: this.commune2, kind: 'commune', path: `/${p}/${this.commune2}/` },
        { id: this.department, kind: 'department', path: `/${p}/${this.department}/` },
      ],
      accounts: [],
      clients: [],
      dossiers: [],
      lookups: [],
      signIns: [],
      refusals: [],
      resets: [],
      calendar: calendar,
    };
    // mulberry32: the same "random" day every run
    let s = seed;
    this.#random = () => {
      s = (s + 0x6d2b79f5) | 0;
      let t = Math.imul(s ^ (s >>> 15), 1 | s);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  id(prefix: string) {
    this.#ids += 1;
    return `${prefix}${String(this.#ids).padStart(12, '0')}`.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5');
  }

  officer(username: string, fullName: string, unitId = this.commune1, roles: Role[] = ['reception_officer']): Officer {
    const o = { id: this.id('0ff1ce00000040008000'), username, fullName, unitId, roles, citizen: `digest:${username}` };
    this.world.accounts.push(o);
    return o;
  }

  client(name: string, unitId = this.department): ClientFacts {
    const c = { id: this.id('c11e0000000040008000'), name, unitId };
    this.world.clients.push(c);
    return c;
  }

  dossier(receivedUnitId: string, procedureCode: string, subjects: { fullName: string; relation?: string; citizen?: string }[]): Dossier {
    const id = this.id('d055100000004000800');
    const d = {
      id,
      code: `H${this.#ids}`,
      procedureCode,
      receivedUnitId,
      subjects: subjects.map((s, i) => ({ citizen: s.citizen ?? `digest:citizen-${this.id('')}`, fullName: s.fullName, relation: s.relation ?? (i === 0 ? 'applicant' : 'Cha') })),
    };
    this.world.dossiers.push(d);
    return d;
  }

  lookup(by: By, d: Dossier, subject = 0, o: { at?: Date; service?: 'verify' | 'find'; outcome?: string } = {}): LookupEvent {
    const fact: LookupFact = {
      lookupId: this.id('100c0000000040008000'),
      at: o.at ?? this.clock.now(),
      accountId: by.accountId,
      clientId: by.accountId ? null : by.clientId,
      unitId: by.unitId,
      dossierId: d.id,
      citizen: d.subjects[subject]!.citizen,
      service: o.service ?? 'verify',
      procedureCode: d.procedureCode,
      outcome: o.outcome ?? 'matched',
    };
    this.world.lookups.push(fact);
    const { outcome, ...rest } = fact;
    return { kind: 'lookup', seq: this.#seq++, ...rest, outcome: outcome! };
  }

  signIn(accountId: string, ip: string, at = this.clock.now()): MonitoredEvent {
    const seq = this.#seq++;
    this.world.signIns.push({ seq, at, accountId, ip });
    return { kind: 'sign_in', seq, at, accountId, ip, outcome: 'success' };
  }

  /** A refused lookup, or with `route` another request refused (403, 404). */
  refusal(by: By, reason: string, route: string | null = null, at = this.clock.now()): MonitoredEvent {
    const seq = this.#seq++;
    const caller = { accountId: by.accountId, clientId: by.accountId ? null : by.clientId };
    this.world.refusals.push({ seq, at, ...caller, reason, route });
    return { kind: 'refused', seq, at, ...caller, unitId: by.accountId ? by.unitId : null, reason, route };
  }

  /** The journal entry of a reset taking effect: `resetBy` approved what `requestedBy` asked for. */
  reset(accountId: string, resetBy: string, requestedBy: string | null, kind: CredentialReset['kind'] = 'password', at = this.clock.now()): CredentialReset {
    const r = { seq: this.#seq++, at, accountId, kind, resetBy, requestedBy };
    this.world.resets.push(r);
    return r;
  }

  concurrent(accountId: string, ip: string): MonitoredEvent {
    return { kind: 'concurrent_session', seq: this.#seq++, at: this.clock.now(), accountId, ip };
  }

  /** Citizens of other family names than the officer's (see family_lookup). */
  people(n: number, officer: Officer) {
    const mine = officer.fullName.split(' ')[0];
    const surnames = SURNAMES.filter((s) => s !== mine);
    return Array.from({ length: n }, (_, i) => ({
      fullName: `${surnames[Math.floor(this.#random() * surnames.length)]} ${GIVEN[Math.floor(this.#random() * GIVEN.length)]}`,
      relation: i === 0 ? 'applicant' : ['Cha', 'Mẹ'][i % 2]!,
    }));
  }

  /**
   * An ordinary day at the one-stop desk: a sign-in from the usual address before 8:00, then ten dossiers between
   * 8:00 and about 16:30, one to three citizens each, mostly verified, sometimes found, rarely a mismatch.
   */
  workDay(o: Officer, day: IsoDate, opts: { dossiers?: number; find?: boolean; perHour?: number } = {}): MonitoredEvent[] {
    const events: MonitoredEvent[] = [this.signIn(o.id, `10.1.0.${this.world.accounts.indexOf(o) + 1}`, vn(`${day} 07:50`))];
    const gap = opts.perHour ? 60 / opts.perHour : 0;
    this.clock.set(new Date(vn(`${day} 08:00`).getTime() + this.#random() * 15 * MIN));
    for (let i = 0; i < (opts.dossiers ?? 10); i++) {
      const d = this.dossier(o.unitId, PROCEDURES[i % PROCEDURES.length]!, this.people(1 + Math.floor(this.#random() * 3), o));
      for (let k = 0; k < d.subjects.length; k++) {
        const service = opts.find !== false && this.world.lookups.length % 7 === 3 ? 'find' : 'verify';
        events.push(this.lookup({ accountId: o.id, clientId: null, unitId: o.unitId }, d, k, { service, outcome: this.#random() < 0.04 ? 'mismatch' : 'matched' }));
        this.clock.advance(gap ? gap * MIN : (1 + this.#random() * 2) * MIN);
      }
      if (!gap) this.clock.advance((30 + this.#random() * 20) * MIN);
    }
    return events;
  }

  /** The working days before `day`, most recent first. */
  workingDaysBefore(day: IsoDate, n: number): IsoDate[] {
    const days: IsoDate[] = [];
    for (let d = addDays(day, -1); days.length < n; d = addDays(d, -1)) if (isWorkingDay(d, calendar)) days.push(d);
    return days;
  }

  /** Six weeks of ordinary work for these officers before `day` (history only: not evaluated). */
  past(officers: Officer[], day = TODAY, workingDays = 30, opts: Parameters<Province['workDay']>[2] = {}) {
    for (const d of this.workingDaysBefore(day, workingDays).reverse()) for (const o of officers) this.workDay(o, d, opts);
  }

  at(local: string) {
    this.clock.set(vn(local));
    return this;
  }
}

/** Four reception officers at one commune and one at another, with weeks of ordinary work behind them. */
function province() {
  const p = new Province();
  const an = p.officer('an.tv', 'Trần Văn An');
  const binh = p.officer('binh.lt', 'Lê Thị Bình');
  const chi = p.officer('chi.pm', 'Phạm Minh Chi');
  const dung = p.officer('dung.hv', 'Hoàng Văn Dũng');
  const em = p.officer('em.vt', 'Vũ Thị Em', p.commune2);
  p.past([an, binh, chi, dung, em]);
  const as = (o: Officer): By => ({ accountId: o.id, clientId: null, unitId: o.unitId });
  return { p, an, binh, chi, dung, em, as };
}

const run = (p: Province, events: MonitoredEvent[], settings: Record<RuleName, RuleSettings> = DEFAULT_RULES) => evaluate(memoryHistory(p.world), events, settings);
const of = (alerts: AlertDraft[], rule: RuleName) => alerts.filter((a) => a.rule === rule);

describe('detection rules on an ordinary day', () => {
  let alerts: AlertDraft[];
  let events: MonitoredEvent[];

  beforeAll(async () => {
    const { p, an, binh, chi, dung, em } = province();
    events = [an, binh, chi, dung, em].flatMap((o) => p.workDay(o, TODAY));
    events.sort((a, b) => a.at.getTime() - b.at.getTime());
    alerts = await run(p, events);
  });

  it('the day is ordinary: a few dozen lookups per officer in working hours, one to three citizens per dossier', () => {
    const lookups = events.filter((e) => e.kind === 'lookup');
    expect(lookups.length).toBeGreaterThan(5 * 10);
    expect(lookups.length).toBeLessThan(5 * 35);
  });

  it.each(RULE_NAMES)('%s: should not flag a normal day', (rule) => {
    expect(of(alerts, rule).map((a) => a.explanationEn)).toEqual([]);
  });
});

describe('detection rules fire on their behaviour', () => {
  it('volume_spike (R38): 57 lookups in an hour, several times the officer’s own usual level, raise ONE high alert with the figures', async () => {
    const { p, an, as } = province();
    p.at(`${TODAY} 14:00`);
    const events = Array.from({ length: 57 }, () => {
      const d = p.dossier(an.unitId, PROCEDURES[0]!, p.people(1, an));
      const e = p.lookup(as(an), d);
      p.clock.advance(55_000);
      return e;
    });
    const spikes = of(await run(p, events), 'volume_spike');
    expect(spikes).toHaveLength(1);
    const [spike] = spikes;
    expect(spike).toMatchObject({ severity: 'high', accountId: an.id, clientId: null, unitId: an.unitId, at: events[19]!.at });
    expect(spike!.explanationVi).toMatch(/^Cán bộ Trần Văn An \(an\.tv\) đã thực hiện 57 lượt tra cứu CSDLQG về dân cư trong 60 phút .* gấp [\d,]+ lần mức thường ngày của chính cán bộ này \([\d,]+ lượt\/60 phút, trung bình 14 ngày qua\)\.$/);
    expect(spike!.explanationEn).toContain('made 57 population-database lookups in 60 minutes');
    expect(spike!.details).toMatchObject({ lookups: 57, windowMinutes: 60 });
    expect(spike!.citizens).toHaveLength(57);
    expect(spike!.seqs).toEqual(events.slice(19).map((e) => e.seq));
  });

  it('volume_spike: an extreme spike (150 in an hour, over ten times the usual level) is critical', async () => {
    const { p, an, as } = province();
    p.at(`${TODAY} 09:00`);
    const events = Array.from({ length: 150 }, () => {
      const e = p.lookup(as(an), p.dossier(an.unitId, PROCEDURES[0]!, p.people(1, an)));
      p.clock.advance(20_000);
      return e;
    });
    const spikes = of(await run(p, events), 'volume_spike');
    expect(spikes.map((s) => s.severity)).toEqual(['high', 'critical']);
    expect(spikes[1]!.explanationVi).toContain('Mức nghiêm trọng');
  });

  it('volume_spike: a new officer without a usual level is judged against factor × minimum only', async () => {
    const { p, as } = province();
    const newcomer = p.officer('giang.dt', 'Đỗ Thu Giang');
    p.at(`${TODAY} 09:00`);
    const burst = (o: Officer, n: number) =>
      Array.from({ length: n }, () => {
        const e = p.lookup(as(o), p.dossier(o.unitId, PROCEDURES[0]!, p.people(1, o)));
        p.clock.advance(45_000);
        return e;
      });
    expect(of(await run(p, burst(newcomer, 25)), 'volume_spike')).toEqual([]);
    const another = p.officer('hai.nt', 'Ngô Thanh Hải');
    p.at(`${TODAY} 13:00`);
    const spikes = of(await run(p, burst(another, 70)), 'volume_spike');
    expect(spikes).toHaveLength(1);
    expect(spikes[0]!.explanationVi).toContain('không tra cứu lần nào');
  });

  it('peer_outlier: an officer at several times the pace of peers of the same unit and role is flagged, even when that pace is their own habit', async () => {
    const p = new Province();
    const fast = p.officer('an.tv', 'Trần Văn An');
    const peers = [p.officer('binh.lt', 'Lê Thị Bình'), p.officer('chi.pm', 'Phạm Minh Chi'), p.officer('dung.hv', 'Hoàng Văn Dũng')];
    p.past([fast], TODAY, 30, { dossiers: 25, perHour: 40 });
    p.past(peers);
    const events = [...p.workDay(fast, TODAY, { dossiers: 25, perHour: 40 }), ...peers.flatMap((o) => p.workDay(o, TODAY))];
    const alerts = await run(p, events);
    expect(of(alerts, 'volume_spike')).toEqual([]);
    const outliers = of(alerts, 'peer_outlier');
    expect(outliers.length).toBeGreaterThan(0);
    expect(outliers[0]).toMatchObject({ severity: 'medium', accountId: fast.id });
    expect(outliers[0]!.explanationVi).toMatch(/gấp [\d,]+ lần mức trung vị của 3 cán bộ cùng đơn vị, cùng vai trò/);
  });

  it.each([
    { when: `${TODAY} 21:30`, what: 'a weekday evening', reason: 'hours', text: 'ngoài giờ làm việc (7:00–18:00)' },
    { when: '2026-05-02 10:00', what: 'a Saturday', reason: 'weekend', text: 'vào ngày nghỉ cuối tuần' },
    { when: '2026-04-30 10:00', what: 'Reunification Day (a Thursday holiday)', reason: 'holiday', text: 'vào ngày nghỉ lễ, tết' },
    { when: `${TODAY} 06:15`, what: 'before office hours', reason: 'hours', text: 'ngoài giờ làm việc' },
  ])('off_hours: a lookup on $what raises a medium alert', async ({ when, reason, text }) => {
    const { p, an, as } = province();
    p.at(when);
    const e = p.lookup(as(an), p.dossier(an.unitId, PROCEDURES[0]!, p.people(1, an)));
    const alerts = of(await run(p, [e]), 'off_hours');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'medium', accountId: an.id, details: { reason }, citizens: [e.citizen], seqs: [e.seq] });
    expect(alerts[0]!.explanationVi).toContain(text);
  });

  it('off_hours: a make-up working Saturday (22/08/2026) is a working day; integration keys are not judged by the clock', async () => {
    const { p, an, as } = province();
    const portal = p.client('Cổng dịch vụ công');
    p.at('2026-08-22 10:00');
    const onMakeUpDay = p.lookup(as(an), p.dossier(an.unitId, PROCEDURES[0]!, p.people(1, an)));
    p.at(`${TODAY} 23:00`);
    const atNight = p.lookup({ accountId: null, clientId: portal.id, unitId: portal.unitId }, p.dossier(an.unitId, PROCEDURES[0]!, p.people(1, an)));
    expect(of(await run(p, [onMakeUpDay, atNight]), 'off_hours')).toEqual([]);
  });

  it('many_citizens_in_dossier: eight citizens looked up in one dossier raise one alert listing them', async () => {
    const { p, an, as } = province();
    p.at(`${TODAY} 10:00`);
    const d = p.dossier(an.unitId, PROCEDURES[1]!, p.people(8, an));
    const events = d.subjects.map((_, i) => {
      p.clock.advance(40_000);
      return p.lookup(as(an), d, i);
    });
    const alerts = of(await run(p, events), 'many_citizens_in_dossier');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'medium', accountId: an.id, details: { dossierCode: d.code, citizens: 8 } });
    expect(alerts[0]!.citizens.sort()).toEqual(d.subjects.map((s) => s.citizen).sort());
    expect(alerts[0]!.explanationVi).toMatch(new RegExp(`^Hồ sơ ${d.code} đã có 8 công dân khác nhau được tra cứu`));
  });

  it('citizen_many_accounts: one citizen looked up by five callers of three units within hours raises an alert about the citizen, naming them all', async () => {
    const { p, an, binh, chi, em, as } = province();
    const portal = p.client('Cổng dịch vụ công');
    const famous = 'digest:famous';
    const events: MonitoredEvent[] = [];
    p.at(`${TODAY} 09:00`);
    for (const [by, unit] of [
      [as(an), an.unitId],
      [as(binh), binh.unitId],
      [as(chi), chi.unitId],
      [as(em), em.unitId],
      [{ accountId: null, clientId: portal.id, unitId: portal.unitId }, portal.unitId],
    ] as const) {
      p.clock.advance(35 * MIN);
      events.push(p.lookup(by, p.dossier(unit, PROCEDURES[0]!, [{ fullName: 'Ngô Bảo Châu', citizen: famous }])));
    }
    const alerts = of(await run(p, events), 'citizen_many_accounts');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'medium', accountId: null, clientId: null, citizens: [famous] });
    expect(alerts[0]!.explanationVi).toMatch(/^Cùng một công dân đã được 5 tài khoản thuộc 3 đơn vị tra cứu CSDLQG về dân cư trong 24 giờ/);
    for (const name of ['Trần Văn An (an.tv)', 'Vũ Thị Em (em.vt)', '«Cổng dịch vụ công»']) expect(alerts[0]!.explanationVi).toContain(name);
  });

  it('citizen_many_accounts: reception, processing and a leader of one commune looking up the same applicant is normal', async () => {
    const { p, an, as } = province();
    const processor = p.officer('hung.nv', 'Ngô Văn Hùng', p.commune1, ['processing_officer']);
    const leader = p.officer('lanh.dt', 'Đặng Thị Lành', p.commune1, ['leader']);
    const d = p.dossier(an.unitId, PROCEDURES[0]!, p.people(1, an));
    const events = [an, processor, leader].map((o, i) => p.lookup(as(o), d, 0, { at: vn(`${TODAY} 1${i}:00`) }));
    expect(of(await run(p, events), 'citizen_many_accounts')).toEqual([]);
  });

  it('self_lookup: an officer looking up their own record raises a high alert that prints no personal ID', async () => {
    const { p, an, as } = province();
    p.at(`${TODAY} 10:00`);
    const d = p.dossier(an.unitId, PROCEDURES[0]!, [{ fullName: an.fullName, citizen: an.citizen }]);
    const alerts = of(await run(p, [p.lookup(as(an), d)]), 'self_lookup');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'high', accountId: an.id, citizens: [an.citizen] });
    expect(alerts[0]!.explanationVi).toBe(`Cán bộ Trần Văn An (an.tv) đã tra cứu CSDLQG về dân cư thông tin của chính mình, trong hồ sơ ${d.code}, lúc 10:00 ngày 28/04/2026.`);
  });

  it('colleague_lookup: an officer looking up a citizen who holds an account raises a high alert naming the colleague', async () => {
    const { p, an, binh, as } = province();
    p.at(`${TODAY} 10:00`);
    const d = p.dossier(an.unitId, PROCEDURES[0]!, [{ fullName: 'Lê Thị Bình', citizen: binh.citizen }]);
    const alerts = of(await run(p, [p.lookup(as(an), d)]), 'colleague_lookup');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'high', accountId: an.id, details: { colleagueAccountId: binh.id } });
    expect(alerts[0]!.explanationVi).toContain('thông tin của cán bộ Lê Thị Bình (binh.lt) (người có tài khoản trên hệ thống)');
  });

  it('family_lookup: a citizen of the officer’s family name in a dossier of the officer’s own commune raises a low alert; in another commune it does not', async () => {
    const { p, an, as } = province();
    p.at(`${TODAY} 10:00`);
    const here = p.dossier(p.commune1, PROCEDURES[0]!, [{ fullName: 'TRẦN Thị Mai' }]);
    const there = p.dossier(p.commune2, PROCEDURES[0]!, [{ fullName: 'Trần Văn Bảo' }]);
    const alerts = of(await run(p, [p.lookup(as(an), here), p.lookup(as(an), there)]), 'family_lookup');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'low', accountId: an.id, citizens: [here.subjects[0]!.citizen], details: { dossierCode: here.code, familyName: 'Trần' } });
    expect(alerts[0]!.explanationVi).not.toContain('Mai');
  });

  it('enumeration (R35): an integration key getting a burst of not-found answers raises a high alert about the key', async () => {
    const { p, an } = province();
    const tool = p.client('Phần mềm tự viết');
    const by = { accountId: null, clientId: tool.id, unitId: tool.unitId };
    p.at(`${TODAY} 10:00`);
    const events = Array.from({ length: 14 }, (_, i) => {
      p.clock.advance(30_000);
      return p.lookup(by, p.dossier(an.unitId, PROCEDURES[0]!, p.people(1, an)), 0, { outcome: i % 5 === 0 ? 'matched' : i % 2 ? 'not_found' : 'mismatch' });
    });
    const alerts = of(await run(p, events), 'enumeration');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'high', accountId: null, clientId: tool.id, details: { failed: 11, lookups: 14 } });
    expect(alerts[0]!.explanationVi).toMatch(/^Hệ thống kết nối «Phần mềm tự viết» nhận 11 kết quả/);
  });

  it('enumeration: a few mismatches among ordinary lookups are typing errors, not scraping', async () => {
    const { p, an, as } = province();
    p.at(`${TODAY} 10:00`);
    const events = Array.from({ length: 12 }, (_, i) => {
      p.clock.advance(2 * MIN);
      return p.lookup(as(an), p.dossier(an.unitId, PROCEDURES[0]!, p.people(1, an)), 0, { outcome: i < 4 ? 'mismatch' : 'matched' });
    });
    expect(of(await run(p, events), 'enumeration')).toEqual([]);
  });

  it('first_use: an experienced officer’s first lookup for a procedure, or with a service, raises a low alert; not in their first days', async () => {
    const p = new Province();
    const veteran = p.officer('an.tv', 'Trần Văn An');
    const newcomer = p.officer('giang.dt', 'Đỗ Thu Giang');
    p.past([veteran], TODAY, 30, { find: false });
    p.past([newcomer], TODAY, 3);
    const by = (o: Officer): By => ({ accountId: o.id, clientId: null, unitId: o.unitId });
    p.at(`${TODAY} 10:00`);
    const events = [veteran, newcomer].map((o) => p.lookup(by(o), p.dossier(o.unitId, '1.004227', p.people(1, o)), 0, { service: 'find' }));
    const alerts = of(await run(p, events), 'first_use');
    expect(alerts.map((a) => [a.accountId, a.severity, a.details.procedureCode ?? a.details.service])).toEqual([
      [veteran.id, 'low', '1.004227'],
      [veteran.id, 'low', 'find'],
    ]);
    expect(alerts[0]!.explanationVi).toMatch(/^Cán bộ Trần Văn An \(an\.tv\) lần đầu tiên tra cứu CSDLQG về dân cư cho thủ tục 1\.004227/);
  });

  it('new_address (R16): a sign-in from an address never used before raises a low alert; the usual address and a first sign-in ever do not', async () => {
    const { p, an } = province();
    const newcomer = p.officer('giang.dt', 'Đỗ Thu Giang');
    p.at(`${TODAY} 07:55`);
    const events = [p.signIn(an.id, '10.1.0.1'), p.signIn(an.id, '203.0.113.7'), p.signIn(newcomer.id, '10.1.0.9')];
    const alerts = of(await run(p, events), 'new_address');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'low', accountId: an.id, seqs: [events[1]!.seq], details: { ip: '203.0.113.7', knownAddresses: 1 } });
  });

  it('concurrent_session (R16): a second live session raises a medium alert', async () => {
    const { p, an } = province();
    p.at(`${TODAY} 09:00`);
    const alerts = of(await run(p, [p.concurrent(an.id, '10.9.9.9')]), 'concurrent_session');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'medium', accountId: an.id, unitId: an.unitId });
    expect(alerts[0]!.explanationVi).toContain('dấu hiệu cho mượn hoặc dùng chung tài khoản');
  });

  it('R14: repeated refused lookups raise an alert', async () => {
    const { p, an, as } = province();
    p.at(`${TODAY} 10:00`);
    const events = ['citizen_not_in_dossier', 'citizen_not_in_dossier', 'lookup_not_permitted', 'citizen_not_in_dossier', 'not_found'].map((reason) => {
      p.clock.advance(6 * MIN);
      return p.refusal(as(an), reason);
    });
    const alerts = of(await run(p, events), 'repeated_refusals');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'high', accountId: an.id, seqs: events.map((e) => e.seq), details: { refusals: 5 } });
    expect(alerts[0]!.explanationVi).toContain('3 lần tra cứu CSDLQG "công dân không có tên trong hồ sơ"');
  });

  it('R14: an officer refused again and again across routes (403/404 on dossiers, accounts…) raises repeated_refusals, lookups counted with the rest', async () => {
    const { p, an, binh, as } = province();
    p.at(`${TODAY} 10:00`);
    const tries: [string, string | null][] = [
      ['not_found', 'GET /api/dossiers/:id'],
      ['not_found', 'GET /api/accounts/:id'],
      ['forbidden', 'GET /api/journal/entries'],
      ['not_found', 'GET /api/dossiers/:id'],
      ['citizen_not_in_dossier', null],
    ];
    const events = tries.map(([reason, route]) => {
      p.clock.advance(5 * MIN);
      return p.refusal(as(an), reason, route);
    });
    // binh's four refusals stay below the minimum: they are binh's, not an's
    const others = Array.from({ length: 4 }, () => p.refusal(as(binh), 'not_found', 'GET /api/accounts/:id'));
    const alerts = of(await run(p, [...events, ...others]), 'repeated_refusals');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ accountId: an.id, clientId: null, unitId: an.unitId, seqs: events.map((e) => e.seq), details: { refusals: 5 } });
    expect(alerts[0]!.details.reasons).toEqual([
      { reason: 'not_found', route: 'GET /api/dossiers/:id', times: 2 },
      { reason: 'not_found', route: 'GET /api/accounts/:id', times: 1 },
      { reason: 'forbidden', route: 'GET /api/journal/entries', times: 1 },
      { reason: 'citizen_not_in_dossier', route: null, times: 1 },
    ]);
    expect(alerts[0]!.explanationVi).toContain('2 lần "không có hoặc không được xem" (GET /api/dossiers/:id)');
    expect(alerts[0]!.explanationVi).toContain('1 lần tra cứu CSDLQG "công dân không có tên trong hồ sơ"');
  });

  it('R14: an integration key refused repeatedly raises an alert on the key, not on an account', async () => {
    const { p } = province();
    const portal = p.client('Cổng dịch vụ công tỉnh');
    const other = p.client('Hệ thống một cửa điện tử cũ');
    const key = (c: ClientFacts): By => ({ accountId: null, clientId: c.id, unitId: c.unitId });
    p.at(`${TODAY} 22:00`);
    const events = ['procedure_not_allowed', 'not_found', 'not_found', 'procedure_not_allowed', 'citizen_not_in_dossier'].map((reason) => {
      p.clock.advance(3 * MIN);
      return p.refusal(key(portal), reason);
    });
    const quiet = [p.refusal(key(other), 'not_found'), p.refusal(key(other), 'not_found')];
    const alerts = of(await run(p, [...events, ...quiet]), 'repeated_refusals');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'high', accountId: null, clientId: portal.id, unitId: portal.unitId, seqs: events.map((e) => e.seq), details: { refusals: 5 } });
    expect(alerts[0]!.dedupeKey).toMatch(new RegExp(`^repeated_refusals:client:${portal.id}:`));
    expect(alerts[0]!.explanationVi).toMatch(/^Hệ thống kết nối «Cổng dịch vụ công tỉnh» đã bị từ chối 5 lần/);
  });

  it('lookup_after_reset (issue 13): should not let a lookup within 24 hours of someone else resetting the account pass: one critical alert per reset, naming both admins', async () => {
    const { p, an, binh, chi, as } = province();
    const admin = p.officer('qt.xa', 'Ngô Văn Quản', p.commune1, ['unit_admin']);
    const approver = p.officer('qt.tinh', 'Đỗ Thị Duyệt', p.commune1, ['system_admin']);
    p.at(`${TODAY} 09:00`);
    const reset = p.reset(an.id, approver.id, admin.id, 'password');
    p.at(`${TODAY} 09:20`);
    const d = p.dossier(an.unitId, PROCEDURES[0]!, p.people(2, an));
    const first = p.lookup(as(an), d, 0);
    p.clock.advance(3 * MIN);
    const second = p.lookup(as(an), d, 1);
    // binh's reset was made a day and a half ago; chi reset nothing
    p.reset(binh.id, approver.id, admin.id, 'otp', vn('2026-04-26 20:00'));
    const others = [p.lookup(as(binh), p.dossier(binh.unitId, PROCEDURES[0]!, p.people(1, binh)), 0), p.lookup(as(chi), p.dossier(chi.unitId, PROCEDURES[0]!, p.people(1, chi)), 0)];
    const alerts = of(await run(p, [first, second, ...others]), 'lookup_after_reset');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      severity: 'critical',
      accountId: an.id,
      unitId: an.unitId,
      at: first.at,
      seqs: [reset.seq, first.seq, second.seq],
      details: { kind: 'password', resetSeq: reset.seq, resetBy: approver.id, requestedBy: admin.id, lookups: 2 },
      dedupeKey: `lookup_after_reset:${an.id}:${reset.seq}`,
    });
    expect(alerts[0]!.citizens.sort()).toEqual([d.subjects[0]!.citizen, d.subjects[1]!.citizen].sort());
    expect(alerts[0]!.explanationVi).toContain('theo yêu cầu của cán bộ Ngô Văn Quản (qt.xa), do cán bộ Đỗ Thị Duyệt (qt.tinh) phê duyệt');
    expect(alerts[0]!.explanationVi).toContain('0,3 giờ sau khi mật khẩu của tài khoản được đặt lại');
    expect(alerts[0]!.explanationEn).toContain('whoever holds the new credentials may not be the officer');
  });

  it('lookup_after_reset: a lookup before the reset, after the window, or after the officer changed their own credentials raises nothing', async () => {
    const { p, an, binh, as } = province();
    const admin = p.officer('qt.xa', 'Ngô Văn Quản', p.commune1, ['unit_admin']);
    p.at(`${TODAY} 08:30`);
    const before = p.lookup(as(an), p.dossier(an.unitId, PROCEDURES[0]!, p.people(1, an)), 0);
    p.reset(an.id, admin.id, null, 'otp', vn(`${TODAY} 08:45`));
    p.reset(binh.id, binh.id, null, 'password', vn(`${TODAY} 08:45`));
    p.at(`${TODAY} 09:00`);
    const own = p.lookup(as(binh), p.dossier(binh.unitId, PROCEDURES[0]!, p.people(1, binh)), 0);
    p.at('2026-04-29 09:00');
    const dayAfter = p.lookup(as(an), p.dossier(an.unitId, PROCEDURES[0]!, p.people(1, an)), 0);
    expect(of(await run(p, [before, own, dayAfter]), 'lookup_after_reset')).toEqual([]);
    // the same lookup inside the window does raise it: what kept it quiet was the time
    const inside = { ...dayAfter, at: vn(`${TODAY} 20:00`) };
    expect(of(await run(p, [inside]), 'lookup_after_reset')).toHaveLength(1);
  });

  it('R14: four refusals, or refusals because the whole gateway is stopped, are not repeated attempts', async () => {
    const { p, an, as } = province();
    p.at(`${TODAY} 10:00`);
    const few = Array.from({ length: 4 }, () => {
      p.clock.advance(5 * MIN);
      return p.refusal(as(an), 'citizen_not_in_dossier');
    });
    const outage = Array.from({ length: 8 }, () => {
      p.clock.advance(MIN);
      return p.refusal(as(an), 'npd_disconnected');
    });
    expect(of(await run(p, [...few, ...outage]), 'repeated_refusals')).toEqual([]);
  });
});

describe('evaluate()', () => {
  it('one alert per behaviour and window whether the events come one by one or in one batch', async () => {
    const { p, an, as } = province();
    p.at(`${TODAY} 14:00`);
    const events = Array.from({ length: 40 }, (_, i) => {
      p.clock.advance(20_000);
      const d = p.dossier(an.unitId, PROCEDURES[0]!, [{ fullName: 'Trần Thị Mai' }]);
      return p.lookup(as(an), d, 0, { outcome: i % 4 === 0 ? 'matched' : 'not_found' });
    });
    const batch = await run(p, events);
    const oneByOne = new Map<string, AlertDraft>();
    for (const e of events) for (const a of await run(p, [e])) if (!oneByOne.has(a.dedupeKey)) oneByOne.set(a.dedupeKey, a);
    expect(batch.map((a) => a.dedupeKey).sort()).toEqual([...oneByOne.keys()].sort());
    expect(new Set(batch.map((a) => a.rule))).toEqual(new Set(['volume_spike', 'enumeration', 'family_lookup']));
    expect(new Set(batch.map((a) => a.dedupeKey)).size).toBe(batch.length);
  });

  it('a batch spanning hours counts each window as the last event alone would see it', async () => {
    const { p, an, as } = province();
    p.at(`${TODAY} 13:00`);
    const events = Array.from({ length: 150 }, () => {
      p.clock.advance(MIN);
      return p.lookup(as(an), p.dossier(an.unitId, PROCEDURES[0]!, p.people(1, an)), 0, { outcome: 'not_found' });
    });
    const batch = await run(p, events);
    const alone = await run(p, [events.at(-1)!]);
    for (const rule of ['volume_spike', 'enumeration'] as const) {
      expect(of(batch, rule).length).toBeGreaterThan(1);
      expect(of(batch, rule).at(-1)!.details).toEqual(of(alone, rule)[0]!.details);
      expect(of(batch, rule).at(-1)!.citizens.sort()).toEqual(of(alone, rule)[0]!.citizens.sort());
    }
    expect(of(alone, 'volume_spike')[0]!.details.lookups).toBe(60);
  });

  it('a disabled rule raises nothing and saved parameters replace the defaults', async () => {
    const { p, an, as } = province();
    p.at(`${TODAY} 21:00`);
    const e = p.lookup(as(an), p.dossier(an.unitId, PROCEDURES[0]!, p.people(1, an)));
    expect(of(await run(p, [e], { ...DEFAULT_RULES, off_hours: { ...DEFAULT_RULES.off_hours, enabled: false } }), 'off_hours')).toEqual([]);
    expect(of(await run(p, [e], { ...DEFAULT_RULES, off_hours: { ...DEFAULT_RULES.off_hours, params: { endHour: 22 } } }), 'off_hours')).toEqual([]);
    expect(of(await run(p, [e], { ...DEFAULT_RULES, off_hours: { ...DEFAULT_RULES.off_hours, severity: 'high' } }), 'off_hours')[0]?.severity).toBe('high');
  });

  it('every rule has a default, documented severity; only lookup_after_reset is critical by default, and volume_spike can escalate', () => {
    expect(Object.keys(DEFAULT_RULES).sort()).toEqual([...RULE_NAMES].sort());
    expect(Object.entries(DEFAULT_RULES).filter(([, r]) => r.severity === 'critical').map(([name]) => name)).toEqual(['lookup_after_reset']);
    expect(DEFAULT_RULES.volume_spike.params.criticalFactor).toBeGreaterThan(DEFAULT_RULES.volume_spike.params.factor!);
  });
});

// ——— The SQL history answers as the fake does, on the real tables ———

describe('sqlHistory on a real database', () => {
  let sys: TestSystem;
  const world: World = { units: [], accounts: [], clients: [], dossiers: [], lookups: [], signIns: [], refusals: [], resets: [], calendar: calendar };
  const events: MonitoredEvent[] = [];
  const personalIds: string[] = [];

  beforeAll(async () => {
    sys = await startTestSystem();
    await sys.inTx(seedCalendar);
    const offered = await offerBirthRegistration(sys);
    const [c1, c2] = sys.communes as [(typeof sys.communes)[number], (typeof sys.communes)[number]];
    const make = async (username: string, fullName: string, unit: typeof c1, roles: Role[] = ['reception_officer']) => {
      const o = await sys.officer({ username, fullName, unit, roles });
      const [row] = await sys.database.db.select().from(accounts).where(eq(accounts.id, o.id));
      personalIds.push(row!.personalId);
      world.accounts.push({ id: o.id, username, fullName, unitId: unit.id, roles, citizen: sys.keys.citizenDigest(row!.personalId) });
      return { officer: o, personalId: row!.personalId, id: o.id, accountId: o.id, clientId: null, unitId: unit.id };
    };
    const an = await make('an.tv', 'Trần Văn An', c1);
    const binh = await make('binh.lt', 'Lê Thị Bình', c1);
    const chi = await make('chi.pm', 'Phạm Minh Chi', c1, ['reception_officer', 'leader']);
    const em = await make('em.vt', 'Vũ Thị Em', c2);
    const admin = await sys.officer({ username: 'admin.x', unit: sys.province, roles: ['system_admin'] });
    world.units = (await sys.database.db.select({ id: unitsTable.id, kind: unitsTable.kind, path: unitsTable.path }).from(unitsTable)).map((u) => u);

    // dossiers through the application, as the desk receives them
    const desk1 = await sys.signedIn(an.officer, '10.1.0.1');
    const desk2 = await sys.signedIn(em.officer, '10.1.0.4');
    const person = (personalId: string, fullName: string, birthDate = '1990-04-12') => ({ personalId, fullName, birthDate, phone: '0912345678', email: '', address: 'Thái Nguyên' });
    const plan = [
      { desk: desk1, unit: c1, applicant: person(personalId1990(), 'Trần Thị Mai'), persons: [{ relation: 'Cha', ...person(personalId1990(), 'Phạm Văn Hùng') }] },
      { desk: desk1, unit: c1, applicant: person(binh.personalId, 'Lê Thị Bình', '1985-05-05'), persons: [] },
      { desk: desk1, unit: c1, applicant: person(an.personalId, 'Trần Văn An', '1985-05-05'), persons: [] },
      { desk: desk2, unit: c2, applicant: person(personalId1990(), 'Trần Văn Bảo'), persons: [] },
    ];
    const received: Dossier[] = [];
    const versionOf = new Map<string, string>();
    for (const d of plan) {
      const { id, code } = await receive(d.desk, offered, d.unit.id, { applicant: d.applicant, persons: d.persons.map(({ phone: _p, email: _e, address: _a, ...rest }) => rest) });
      personalIds.push(d.applicant.personalId, ...d.persons.map((x) => x.personalId));
      const [row] = await sys.database.db.select().from(dossiersTable).where(eq(dossiersTable.id, id));
      const dossier = {
        id,
        code,
        procedureCode: row!.procedureCode,
        receivedUnitId: d.unit.id,
        subjects: [{ citizen: sys.keys.citizenDigest(d.applicant.personalId), fullName: d.applicant.fullName, relation: 'applicant' }, ...d.persons.map((x) => ({ citizen: sys.keys.citizenDigest(x.personalId), fullName: x.fullName, relation: x.relation }))],
      };
      world.dossiers.push(dossier);
      received.push(dossier);
      versionOf.set(id, row!.procedureVersionId);
    }

    const [client] = await sys.database.db
      .insert(integrationClients)
      .values({ id: crypto.randomUUID(), name: 'Cổng dịch vụ công', unitId: sys.province.id, keyHash: Buffer.alloc(32), procedures: ['1.001193'], fields: ['ho_ten'], createdBy: admin.id, createdAt: sys.clock.now() })
      .returning();
    world.clients.push({ id: client!.id, name: client!.name, unitId: client!.unitId });

    // lookups written as the gateway writes them: weeks ago (a baseline, first uses), then today
    let seq = 1_000_000;
    const insert = async (by: { accountId: string | null; clientId: string | null; unitId: string }, d: Dossier, subject: number, at: Date, o: { service?: 'verify' | 'find'; outcome?: string; event?: boolean } = {}) => {
      const fact: LookupFact = {
        lookupId: crypto.randomUUID(),
        at,
        accountId: by.accountId,
        clientId: by.clientId,
        unitId: by.unitId,
        dossierId: d.id,
        citizen: d.subjects[subject]!.citizen,
        service: o.service ?? 'verify',
        procedureCode: d.procedureCode,
        outcome: o.outcome ?? 'matched',
      };
      await sys.database.db.insert(npdLookups).values({
        id: fact.lookupId,
        startedAt: at,
        accountId: fact.accountId,
        clientId: fact.clientId,
        unitId: fact.unitId,
        dossierId: fact.dossierId,
        procedureVersionId: versionOf.get(d.id)!,
        procedureCode: fact.procedureCode,
        service: fact.service,
        subject: d.subjects[subject]!.relation,
        citizen: fact.citizen,
        purpose: 'Đăng ký khai sinh',
        completedAt: new Date(at.getTime() + 800),
        outcome: fact.outcome,
        fieldsReturned: ['ho_ten'],
      });
      world.lookups.push(fact);
      if (o.event !== false) events.push({ kind: 'lookup', seq: seq++, ...fact, outcome: fact.outcome! });
    };
    const [mai, colleague, self, bao] = received as [Dossier, Dossier, Dossier, Dossier];
    const at = (day: string, minutes: number) => new Date(vn(`${day} 08:00`).getTime() + minutes * MIN);
    for (const day of ['2026-01-12', '2026-02-24', '2026-02-25', '2026-02-26']) {
      for (let i = 0; i < 6; i++) {
        await insert(an, mai, i % 2, at(day, i * 25), { event: false });
        await insert(binh, mai, 0, at(day, 10 + i * 40), { event: false });
      }
      await insert(chi, mai, 1, at(day, 200), { event: false });
    }
    const today = '2026-03-02';
    for (let i = 0; i < 24; i++) await insert(an, mai, i % 2, at(today, 60 + i / 3), { outcome: i % 3 ? 'not_found' : 'matched' });
    await insert(binh, mai, 0, at(today, 50));
    await insert(chi, mai, 0, at(today, 55), { service: 'find' });
    await insert(an, colleague, 0, at(today, 130));
    await insert(an, self, 0, at(today, 140));
    await insert(an, bao, 0, at(today, 150));
    await insert(em, bao, 0, at(today, 160));
    await insert({ accountId: null, clientId: client!.id, unitId: client!.unitId }, mai, 0, at(today, 170));
    await insert(an, mai, 1, vn(`${today} 20:30`));

    // sign-ins and refusals through the journal, as the application records them
    const journaled = async (when: Date, ip: string, entry: Parameters<typeof record>[1]) => {
      sys.clock.set(when);
      await sys.inTx((ctx) => record({ ...ctx, ip }, entry));
    };
    await journaled(vn('2026-02-25 07:50'), '10.1.0.1', { type: 'auth.sign_in', actorAccountId: an.id });
    await journaled(vn(`${today} 07:50`), '198.51.100.7', { type: 'auth.sign_in', actorAccountId: an.id });
    await journaled(vn(`${today} 07:51`), '10.1.0.2', { type: 'auth.sign_in', actorAccountId: binh.id });
    for (let i = 0; i < 8; i++) {
      await journaled(vn(`${today} 11:0${i}`), '10.1.0.1', { type: 'npd.lookup.refused', outcome: 'refused', actorAccountId: an.id, reason: i % 4 ? 'citizen_not_in_dossier' : 'npd_disconnected' });
    }
    await journaled(vn(`${today} 11:30`), '10.1.0.1', { type: 'npd.lookup.refused', outcome: 'refused', actorAccountId: binh.id, reason: 'lookup_not_permitted' });
    // other requests refused to binh, and the integration key's refusals: named in the entries' details (it has no account)
    for (let i = 0; i < 4; i++) {
      const route = { method: 'GET', route: i % 2 ? '/api/accounts/:id' : '/api/dossiers/:id', status: 404 };
      await journaled(vn(`${today} 11:3${i + 1}`), '10.1.0.2', { type: 'request.refused', outcome: 'refused', actorAccountId: binh.id, reason: 'not_found', details: route });
    }
    for (let i = 0; i < 6; i++) {
      const refused = i % 3 ? { type: 'npd.lookup.refused', reason: 'procedure_not_allowed', details: { service: 'verify', client: client!.id } } : { type: 'request.refused', reason: 'forbidden', details: { method: 'POST', route: '/api/integration/v1/lookups', status: 403, client: client!.id } };
      await journaled(vn(`${today} 22:0${i}`), '203.0.113.40', { ...refused, outcome: 'refused' });
    }
    // resets taking effect: an's password approved by chi at em's request (an looks up at 20:30 after it);
    // binh's own change, a refused approval and an entry about something else are not resets by someone else
    const onAccount = (id: string) => ({ target: { type: 'account', id } });
    await journaled(vn(`${today} 12:00`), '10.1.0.9', { type: 'account.password_reset', actorAccountId: chi.id, ...onAccount(an.id), details: { request: crypto.randomUUID(), requestedBy: em.id } });
    await journaled(vn(`${today} 12:05`), '10.1.0.2', { type: 'account.password_reset', actorAccountId: binh.id, ...onAccount(binh.id) });
    await journaled(vn(`${today} 12:10`), '10.1.0.9', { type: 'account.otp_reset', outcome: 'refused', actorAccountId: chi.id, ...onAccount(binh.id), details: { requestedBy: chi.id } });
    await journaled(vn(`${today} 12:15`), '10.1.0.9', { type: 'account.otp_reset', actorAccountId: admin.id, target: { type: 'dossier', id: 'H-19-260302-0001' } });
    const entries = await sys.database.db.select().from(journal);
    for (const j of entries.filter((j) => j.type === 'auth.sign_in' && j.outcome === 'success' && j.actorAccountId && j.ip)) {
      world.signIns.push({ seq: j.seq, at: j.at, accountId: j.actorAccountId!, ip: j.ip! });
      if (j.at >= vn(`${today} 07:00`)) events.push({ kind: 'sign_in', seq: j.seq, at: j.at, accountId: j.actorAccountId!, ip: j.ip!, outcome: 'success' });
    }
    for (const j of entries.filter((j) => (REFUSAL_TYPES as readonly string[]).includes(j.type))) {
      world.refusals.push(refusalOf(j));
      events.push({ kind: 'refused', ...refusalOf(j), unitId: j.actorUnitId, reason: j.reason ?? 'refused' });
    }
    const reset = entries.find((j) => j.type === 'account.password_reset' && j.actorAccountId === chi.id)!;
    world.resets.push({ seq: reset.seq, at: reset.at, accountId: an.id, kind: 'password', resetBy: chi.id, requestedBy: em.id });
    events.sort((a, b) => a.seq - b.seq);
  });

  afterAll(async () => {
    await sys?.close();
  });

  /** Maps and sets as sorted plain values, so two answers compare whatever their order. */
  const plain = (value: unknown): unknown => {
    if (value instanceof Map) return [...value].map(([k, v]) => [k, plain(v)]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    if (value instanceof Set) return [...value].sort();
    if (value instanceof Date) return value.toISOString();
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'subjects' ? (plain(v) as { citizen: string }[]).sort((a, b) => a.citizen.localeCompare(b.citizen)) : plain(v)]));
    return value;
  };
  const sortedLists = (m: Map<string, { citizen: string }[]>) => new Map([...m].map(([k, v]) => [k, [...v].sort((a, b) => a.citizen.localeCompare(b.citizen))]));

  it('answers every question as the in-memory history does', async () => {
    const fake = memoryHistory(world);
    await sys.inTx(async (ctx) => {
      const sql = sqlHistory(ctx);
      const accountIds = world.accounts.map((a) => a.id);
      const callers: Caller[] = [...world.accounts.map((a) => ({ accountId: a.id, clientId: null })), { accountId: null, clientId: world.clients[0]!.id }];
      const dossierIds = world.dossiers.map((d) => d.id);
      const citizens = world.dossiers.flatMap((d) => d.subjects.map((s) => s.citizen));
      const from = vn('2026-02-01 00:00');
      const to = vn('2026-03-02 23:00');
      const chi = world.accounts.find((a) => a.username === 'chi.pm')!;
      const an = world.accounts.find((a) => a.username === 'an.tv')!;
      const questions = world.lookups.slice(-12).map((l) => ({ accountId: l.accountId ?? an.id, procedureCode: l.procedureCode, service: l.service === 'find' ? ('verify' as const) : ('find' as const), before: l.at, lookupId: l.lookupId }));
      questions.push({ accountId: an.id, procedureCode: '9.999999', service: 'verify', before: vn('2026-03-02 23:00'), lookupId: crypto.randomUUID() });
      const both = async <T>(ask: (h: History) => Promise<T>) => expect(plain(await ask(sql))).toEqual(plain(await ask(fake)));

      await both((h) => h.workCalendar());
      await both((h) => h.accounts(accountIds));
      await both((h) => h.clients(world.clients.map((c) => c.id)));
      await both((h) => h.dossiers(dossierIds));
      await both((h) => h.accountsOfCitizens(world.lookups.map((l) => ({ citizen: l.citizen, dossierId: l.dossierId }))));
      await both((h) => h.windowCounts(callers, from, to));
      await both((h) => h.windowCounts(callers, vn('2026-03-02 09:00'), vn('2026-03-02 09:05')));
      await both((h) => h.lookupsBy(callers, from, to));
      await both((h) => h.lookupsBy([{ accountId: null, clientId: world.clients[0]!.id }], from, to));
      await both((h) => h.lookupsOf(citizens, vn('2026-03-02 09:00'), to));
      await both(async (h) => (await h.citizenCallers(citizens, from, to)).sort((a, b) => `${a.citizen}${callerKey(a)}${a.unitId}`.localeCompare(`${b.citizen}${callerKey(b)}${b.unitId}`)));
      await both((h) =>
        h.citizensLookedUp([
          ...callers.map((caller) => ({ caller, from, to, failedOnly: false })),
          { caller: callers[0]!, from: vn('2026-03-02 08:00'), to: vn('2026-03-02 09:05'), failedOnly: true },
          { caller: callers[0]!, from: vn('2026-03-02 12:00'), to: vn('2026-03-02 13:00'), failedOnly: false },
        ]),
      );
      await both(async (h) => sortedLists(await h.citizensInDossiers(dossierIds)));
      await both((h) => h.activity(callers, from, vn('2026-03-01 00:00'), 60));
      await both((h) => h.unitActivity(chi.unitId, ['leader'], from, to));
      await both((h) => h.unitActivity(chi.unitId, ['reception_officer', 'processing_officer'], vn('2026-03-02 08:30'), vn('2026-03-02 09:30')));
      await both((h) => h.priorUse(questions));
      await both((h) => h.signInAddresses(accountIds, from));
      await both((h) => h.refusals(callers, vn('2026-03-02 11:00'), to));
      await both((h) => h.refusals([callers.at(-1)!], vn('2026-03-02 22:02'), to));
      await both((h) => h.resetsOf(accountIds, from, to));
      await both((h) => h.resetsOf(accountIds, vn('2026-03-02 12:00'), to));

      // the same events give the same alerts, and what a leader reads names nobody by personal ID
      const fromSql = await evaluate(sqlHistory(ctx), events, DEFAULT_RULES);
      const fromFake = await evaluate(fake, events, DEFAULT_RULES);
      expect(plain(fromSql)).toEqual(plain(fromFake));
      expect(new Set(fromSql.map((a) => a.rule))).toEqual(
        new Set(RULE_NAMES.filter((r) => r !== 'many_citizens_in_dossier' && r !== 'concurrent_session')),
      );
      for (const a of fromSql) for (const id of personalIds) expect(`${a.explanationVi} ${a.explanationEn} ${JSON.stringify(a.details)}`).not.toContain(id);
    });
  });
});
