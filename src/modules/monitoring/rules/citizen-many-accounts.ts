import { callerKey, type Caller } from '../history.ts';
import { bucket, groupBy, latestPerKey, MINUTE, unique, type LookupEvent } from './batch.ts';
import { enSpan, enTime, listNames, viSpan, viTime } from './explain.ts';
import { alert, type Rule } from './rule.ts';

/** The same citizen looked up by many callers or from many units in a short time (a person in the news). */
export const citizenManyAccounts: Rule = {
  defaults: {
    enabled: true,
    severity: 'medium',
    params: {
      windowMinutes: 1440, // minutes: the sliding window
      accounts: 4, // distinct accounts or integration keys
      units: 3, // distinct units of the callers
    },
  },
  // About a citizen, not one caller: accountId and clientId are null, the callers are listed in the details.
  run: async (b, s, p) => {
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
  },
};
