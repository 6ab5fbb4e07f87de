import { callerKey } from '../history.ts';
import { bucket, DAY, latestPerKey, uniqueCallers } from './batch.ts';
import { capitalize, enNumber, enSpan, enTime, viNumber, viSpan, viTime } from './explain.ts';
import { alert, type Rule } from './rule.ts';
import { startOfVietnamDay, vietnamDate } from '../../../../common/vietnam-time.ts';

/**
 * Lookups in a sliding window against the caller's own usual level: the mean per active window (a window of the
 * same length with at least one lookup) over the days before today. Without any history, only factor × minimum counts.
 */
export const volumeSpike: Rule = {
  defaults: {
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
  run: async (b, s, p) => {
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
    const today = startOfVietnamDay(vietnamDate(new Date(Math.min(...over.map((o) => o.e.at.getTime())))));
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
  },
};
