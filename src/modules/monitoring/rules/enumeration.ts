import { callerKey, FAILED_OUTCOMES } from '../history.ts';
import { bucket, latestPerKey } from './batch.ts';
import { capitalize, enSpan, enTime, viSpan, viTime } from './explain.ts';
import { alert, type Rule } from './rule.ts';

/** A burst of not_found / mismatch / ambiguous answers: guessing personal IDs or scraping (R35), per account or key. */
export const enumeration: Rule = {
  defaults: {
    enabled: true,
    severity: 'high',
    params: {
      windowMinutes: 10, // minutes: the sliding window
      minimum: 10, // failed answers in the window
      ratio: 0.5, // share of failed answers among the window's lookups (0–1)
    },
  },
  run: async (b, s, p) => {
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
  },
};
