import { capitalize, enTime, officerName, viTime } from './explain.ts';
import { alert, type Rule } from './rule.ts';
import { vietnamDate } from '../../../../common/vietnam-time.ts';

/** The family name: the first word of the full name, compared without regard to case or Unicode form. */
const familyName = (fullName: string) => fullName.normalize('NFC').trim().split(/\s+/)[0]!.toLocaleLowerCase('vi');

/**
 * An officer looking up a citizen of their own family name (first word of the full name) in a dossier received in
 * their own commune. Low: Vietnamese family names are concentrated (Nguyễn alone is about four in ten).
 * Officers above the communes (province departments) are not judged by it.
 */
export const familyLookup: Rule = {
  defaults: { enabled: true, severity: 'low', params: {} },
  run: async (b, s) => {
    const officers = b.lookups.filter((e) => e.accountId);
    if (officers.length === 0) return [];
    const accounts = await b.accounts(officers.map((e) => e.accountId));
    const dossiers = await b.dossiers();
    const hits = officers.flatMap((e) => {
      const officer = accounts.get(e.accountId!);
      const dossier = dossiers.get(e.dossierId);
      const subject = dossier?.subjects.find((p) => p.citizen === e.citizen);
      if (!officer || !dossier || !subject || officer.citizen === e.citizen) return [];
      if (officer.communeId === null || officer.communeId !== dossier.receivedCommuneId) return [];
      return familyName(subject.fullName) === familyName(officer.fullName) ? [{ e, officer, dossier, subject }] : [];
    });
    return hits.map(({ e, officer, dossier, subject }) => {
      const who = officerName(officer, officer.id);
      const surname = officer.fullName.normalize('NFC').trim().split(/\s+/)[0]!;
      const viRelation = subject.relation === 'applicant' ? 'người nộp hồ sơ' : subject.relation;
      const enRelation = subject.relation === 'applicant' ? 'the applicant' : subject.relation;
      return alert('family_lookup', s.severity, {
        caller: e,
        unitId: e.unitId,
        at: e.at,
        vi: `${capitalize(who.vi)} đã tra cứu một công dân cùng họ ${surname} (${viRelation}) trong hồ sơ ${dossier.code} tiếp nhận tại chính xã, phường của cán bộ này, lúc ${viTime(e.at)}: có thể là người thân. Mức thấp vì nhiều người cùng họ.`,
        en: `${capitalize(who.en)} looked up a citizen of the same family name, ${surname} (${enRelation}), in dossier ${dossier.code} received in the officer's own commune, at ${enTime(e.at)}: possibly a relative. Low: family names are widely shared.`,
        details: { dossierId: dossier.id, dossierCode: dossier.code, familyName: surname, communeId: officer.communeId },
        citizens: [e.citizen],
        seqs: [e.seq],
        key: `${e.accountId}:${vietnamDate(e.at)}`,
      });
    });
  },
};
