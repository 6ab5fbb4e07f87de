import { capitalize, enTime, officerName, viTime } from './explain.ts';
import { alert, type Rule } from './rule.ts';
import { vietnamDate } from '../../../../common/vietnam-time.ts';

/** An officer looking up a citizen whose personal ID is another account's. */
export const colleagueLookup: Rule = {
  defaults: { enabled: true, severity: 'high', params: {} },
  run: async (b, s) => {
    const officers = b.lookups.filter((e) => e.accountId);
    if (officers.length === 0) return [];
    const owners = await b.history.accountsOfCitizens(officers.map((e) => ({ citizen: e.citizen, dossierId: e.dossierId })));
    const hits = officers.flatMap((e) => {
      const owner = owners.get(e.citizen);
      return owner && owner.id !== e.accountId ? [{ e, owner }] : [];
    });
    if (hits.length === 0) return [];
    const dossiers = await b.dossiers();
    const accounts = await b.accounts(hits.map((h) => h.e.accountId));
    return hits.map(({ e, owner }) => {
      const who = officerName(accounts.get(e.accountId!), e.accountId!);
      const colleague = officerName(owner, owner.id);
      const code = dossiers.get(e.dossierId)?.code ?? e.dossierId;
      return alert('colleague_lookup', s.severity, {
        caller: e,
        unitId: e.unitId,
        at: e.at,
        vi: `${capitalize(who.vi)} đã tra cứu CSDLQG về dân cư thông tin của ${colleague.vi} (người có tài khoản trên hệ thống), trong hồ sơ ${code}, lúc ${viTime(e.at)}.`,
        en: `${capitalize(who.en)} looked up ${colleague.en} (who holds an account in the system) in the population database, in dossier ${code}, at ${enTime(e.at)}.`,
        details: { dossierId: e.dossierId, dossierCode: code, colleagueAccountId: owner.id },
        citizens: [e.citizen],
        seqs: [e.seq],
        key: `${e.accountId}:${owner.id}:${vietnamDate(e.at)}`,
      });
    });
  },
};
