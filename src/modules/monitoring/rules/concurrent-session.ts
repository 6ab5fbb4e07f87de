import type { MonitoredEvent } from '../detection.ts';
import { enTime, officerName, viTime } from './explain.ts';
import { alert, type Rule } from './rule.ts';
import { vietnamDate } from '../../../../common/vietnam-time.ts';

/** A second live session of the account from another device (R16), as the journal records it. */
export const concurrentSession: Rule = {
  defaults: { enabled: true, severity: 'medium', params: {} },
  run: async (b, s) => {
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
  },
};
