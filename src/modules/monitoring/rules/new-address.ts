import type { MonitoredEvent } from '../detection.ts';
import { DAY, unique } from './batch.ts';
import { enTime, officerName, viTime } from './explain.ts';
import { alert, type Rule } from './rule.ts';

/** A successful sign-in from an address the account has not signed in from lately; not the first sign-in seen. */
export const newAddress: Rule = {
  defaults: {
    enabled: true,
    severity: 'low',
    params: {
      lookbackDays: 90, // days of sign-ins that make an address known
    },
  },
  run: async (b, s, p) => {
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
  },
};
