import type { CredentialReset } from '../history.ts';
import { groupBy, inWindow, MINUTE, unique, type LookupEvent } from './batch.ts';
import { enNumber, enTime, officerName, viNumber, viTime } from './explain.ts';
import { alert, type Rule } from './rule.ts';

const RESET_KINDS = { password: { vi: 'mật khẩu', en: 'password' }, otp: { vi: 'xác thực hai lớp', en: 'two-step verification' } };

/**
 * A lookup by an account after someone else reset its password or one-time code (the journal entry of the reset
 * taking effect): whoever holds the new credentials may not be the officer, the way one admin took an officer over
 * and looked citizens up under their name (issue 13, finding 4). Critical: the lookups stop until a person checks.
 */
export const lookupAfterReset: Rule = {
  defaults: {
    enabled: true,
    severity: 'critical',
    params: {
      windowMinutes: 1440, // minutes after the reset took effect during which a lookup raises the alert
    },
  },
  run: async (b, s, p) => {
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
  },
};
