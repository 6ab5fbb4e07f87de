import { capitalize, enTime, officerName, viTime } from './explain.ts';
import { alert, type Rule } from './rule.ts';
import { vietnamDate } from '../../../../common/vietnam-time.ts';

/** An officer looking up their own personal ID. */
export const selfLookup: Rule = {
  defaults: { enabled: true, severity: 'high', params: {} },
  run: async (b, s) => {
    const officers = b.lookups.filter((e) => e.accountId);
    if (officers.length === 0) return [];
    const accounts = await b.accounts(officers.map((e) => e.accountId));
    const hits = officers.filter((e) => accounts.get(e.accountId!)?.citizen === e.citizen);
    if (hits.length === 0) return [];
    const dossiers = await b.dossiers();
    return hits.map((e) => {
      const who = officerName(accounts.get(e.accountId!), e.accountId!);
      const code = dossiers.get(e.dossierId)?.code ?? e.dossierId;
      return alert('self_lookup', s.severity, {
        caller: e,
        unitId: e.unitId,
        at: e.at,
        vi: `${capitalize(who.vi)} đã tra cứu CSDLQG về dân cư thông tin của chính mình, trong hồ sơ ${code}, lúc ${viTime(e.at)}.`,
        en: `${capitalize(who.en)} looked up their own record in the population database, in dossier ${code}, at ${enTime(e.at)}.`,
        details: { dossierId: e.dossierId, dossierCode: code },
        citizens: [e.citizen],
        seqs: [e.seq],
        key: `${e.accountId}:${vietnamDate(e.at)}`,
      });
    });
  },
};
