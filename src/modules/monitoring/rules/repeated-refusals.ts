import type { MonitoredEvent } from '../detection.ts';
import { callerKey } from '../history.ts';
import { bucket, groupBy, inWindow, MINUTE, uniqueCallers } from './batch.ts';
import { capitalize, enSpan, enTime, viSpan, viTime } from './explain.ts';
import { alert, type Rule } from './rule.ts';

/** Refusals for the state of the system, not for what the officer tried. */
const SYSTEM_REFUSALS = new Set(['npd_suspended', 'npd_disconnected', 'npd_not_configured', 'journal_fail_closed']);

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

/**
 * Refusals of one account or integration key in a window (R14): refused lookups, and any other request refused with
 * 403 or 404 (a dossier, an account… out of reach); refusals for the state of the system are not counted.
 */
export const repeatedRefusals: Rule = {
  defaults: {
    enabled: true,
    severity: 'high',
    params: {
      windowMinutes: 60, // minutes: the sliding window
      minimum: 5, // refusals in the window
    },
  },
  run: async (b, s, p) => {
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
  },
};
