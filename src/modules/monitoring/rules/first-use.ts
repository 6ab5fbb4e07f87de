import type { AlertDraft } from '../detection.ts';
import { DAY, type LookupEvent } from './batch.ts';
import { capitalize, enTime, officerName, viTime } from './explain.ts';
import { alert, type Rule } from './rule.ts';

const SERVICES = { verify: { vi: 'xác thực thông tin công dân', en: 'verify' }, find: { vi: 'tìm số định danh cá nhân', en: 'find' } };

/**
 * The first lookup an officer ever makes for a procedure, or with a service (verify, find). Not in the officer's
 * first days of lookups, when everything is a first.
 */
export const firstUse: Rule = {
  defaults: {
    enabled: true,
    severity: 'low',
    params: {
      graceDays: 30, // days after the officer's first lookup ever during which nothing is raised
    },
  },
  run: async (b, s, p) => {
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
  },
};
