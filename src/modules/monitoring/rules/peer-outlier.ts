import { ROLES, type Permission, type Role } from '../../../authz/roles.ts';
import { callerKey } from '../history.ts';
import { bucket, latestPerKey, MINUTE } from './batch.ts';
import { capitalize, enNumber, enSpan, enTime, viNumber, viSpan, viTime } from './explain.ts';
import { alert, type Rule } from './rule.ts';

const LOOKUP_ROLES = (Object.keys(ROLES) as Role[]).filter((r) => (ROLES[r].permissions as readonly Permission[]).includes('npd.lookup'));

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >>> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Lookups in a sliding window against the median of the peers who looked up in the same window from the same unit
 * with the same role (reception, processing, leader).
 */
export const peerOutlier: Rule = {
  defaults: {
    enabled: true,
    severity: 'medium',
    params: {
      windowMinutes: 60, // minutes: the sliding window
      factor: 3, // times the peers' median
      minimum: 20, // lookups in the window: below this, nothing is raised
      minPeers: 2, // peers active in the window needed for a comparison
    },
  },
  run: async (b, s, p) => {
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
  },
};
