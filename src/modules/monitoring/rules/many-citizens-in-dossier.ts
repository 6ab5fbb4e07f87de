import { unique } from './batch.ts';
import { enTime, viTime } from './explain.ts';
import { alert, type Rule } from './rule.ts';

/** A dossier names its applicant and a few related persons; many of them looked up suggests a cover dossier. */
export const manyCitizensInDossier: Rule = {
  defaults: {
    enabled: true,
    severity: 'medium',
    params: {
      minimum: 6, // distinct citizens looked up in one dossier
    },
  },
  run: async (b, s, p) => {
    if (b.lookups.length === 0) return [];
    const inDossier = await b.history.citizensInDossiers(unique(b.lookups.map((e) => e.dossierId)));
    const over = b.lookups.flatMap((e) => {
      const citizens = (inDossier.get(e.dossierId) ?? []).filter((c) => c.firstAt.getTime() <= e.at.getTime()).map((c) => c.citizen);
      return citizens.length >= p.minimum! ? [{ e, citizens }] : [];
    });
    if (over.length === 0) return [];
    const dossiers = await b.dossiers();
    const name = await b.names(over.map((o) => o.e));
    return over.map(({ e, citizens }) => {
      const who = name(e);
      const code = dossiers.get(e.dossierId)?.code ?? e.dossierId;
      return alert('many_citizens_in_dossier', s.severity, {
        caller: e,
        unitId: e.unitId,
        at: e.at,
        vi: `Hồ sơ ${code} đã có ${citizens.length} công dân khác nhau được tra cứu CSDLQG về dân cư (ngưỡng: ${p.minimum}); lượt mới nhất do ${who.vi} thực hiện lúc ${viTime(e.at)}.`,
        en: `Dossier ${code} has had ${citizens.length} distinct citizens looked up (threshold: ${p.minimum}); the latest by ${who.en} at ${enTime(e.at)}.`,
        details: { dossierId: e.dossierId, dossierCode: code, citizens: citizens.length },
        citizens,
        seqs: [e.seq],
        key: e.dossierId,
      });
    });
  },
};
