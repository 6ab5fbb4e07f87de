import { useState } from 'react';
import type { OfferLevel } from '../../../../common/schemas/procedures.ts';
import { $api, type CatalogueProcedureDetail } from '../../api/index.ts';
import { ErrorBox, Field, usePageTitle } from '../../components.tsx';
import { useZodForm } from '../../components/form.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { useI18n } from '../../i18n.ts';
import { Link, navigate } from '../../router.tsx';
import { LevelBadge } from './Procedures.tsx';
import { asSent, offerVersion, VersionEditor, versionValues } from './VersionEditor.tsx';

const OFFERABLE = ['commune', 'province'] as const satisfies readonly OfferLevel[];

/** The catalogue's suggestion for a common procedure, or its time limit alone: the papers are the province's to list. */
const startingVersion = (c: CatalogueProcedureDetail) =>
  versionValues(c.suggestedVersion ?? { processingDays: c.suggestedWorkingDays ?? 0, documents: [], purpose: '', npdFields: [], retentionYears: null });

function OfferForm({ procedure, levels }: { procedure: CatalogueProcedureDetail; levels: OfferLevel[] }) {
  const { t } = useI18n();
  const [level, setLevel] = useState<OfferLevel>(levels[0]!);
  const form = useZodForm(offerVersion, startingVersion(procedure));
  const offer = $api.useMutation('post', '/api/procedures/offered');
  return (
    <form
      className="card"
      noValidate
      onSubmit={form.handleSubmit(async (version) => {
        const offered = await offer.mutateAsync({ body: { code: procedure.code, level, version: asSent(version) } });
        navigate(`/procedures/${offered.id}`);
      })}
      data-testid="offer-form"
    >
      <h2>{t('procedures.offerTitle')}</h2>
      <Field label={t('procedures.levelColumn')} required>
        {(id) => (
          <select id={id} value={level} onChange={(e) => setLevel(e.target.value as OfferLevel)} data-testid="offer-level">
            {levels.map((l) => (
              <option key={l} value={l}>
                {t(`procedures.level.${l}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <VersionEditor form={form} base={null} procedureName={procedure.name} />
      <ErrorBox error={offer.error} testId="offer-error" />
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={form.formState.isSubmitting} data-testid="offer-save">
          {t('procedures.offer')}
        </button>
      </div>
    </form>
  );
}

/** One procedure of the national catalogue: its official text, and the form that offers it in the province. */
export function OfferProcedurePage({ code }: { code: string }) {
  const { t } = useI18n();
  const procedure = $api.useQuery('get', '/api/procedures/catalogue/{code}', { params: { path: { code } } });
  usePageTitle(procedure.data?.name ?? t('procedures.title'));
  return (
    <div className="page" data-testid="catalogue-procedure-page">
      <Loaded query={procedure}>
        {(p) => {
          const free = OFFERABLE.filter((l) => p.levels.includes(l) && !p.offerings.some((o) => o.level === l));
          return (
            <>
              <p className="breadcrumb">
                <Link to="/procedures?tab=catalogue">{t('procedures.catalogueTab')}</Link>
              </p>
              <h1>{p.name}</h1>
              <p className="muted">
                <code>{p.code}</code> · {p.field} · {p.issuingBody} · {p.decisionNumber}
              </p>
              {p.offerings.length > 0 && (
                <p>
                  {t('procedures.offeredAt')}:{' '}
                  {p.offerings.map((o) => (
                    <Link key={o.id} to={`/procedures/${o.id}`}>
                      <LevelBadge level={o.level} />
                    </Link>
                  ))}
                </p>
              )}
              <section className="card">
                <h2>{t('procedures.officialText')}</h2>
                <dl className="facts">
                  <dt>{t('procedures.processingTimes')}</dt>
                  <dd>
                    {p.processingTimes.map((time, i) => (
                      <div key={i}>
                        {time.channel}: {time.value ?? '—'} {time.unit}
                      </div>
                    ))}
                  </dd>
                  <dt>{t('procedures.targetSubjects')}</dt>
                  <dd>{p.targetSubjects}</dd>
                  <dt>{t('procedures.implementingAgency')}</dt>
                  <dd>{p.implementingAgency}</dd>
                </dl>
                {p.dossierText && (
                  <details>
                    <summary>{t('procedures.dossierText')}</summary>
                    <pre className="official-text">{p.dossierText}</pre>
                  </details>
                )}
                {p.sourceUrl && (
                  <a href={p.sourceUrl} target="_blank" rel="noreferrer noopener">
                    {t('procedures.onPortal')}
                  </a>
                )}
              </section>
              {p.abilities.offer && free.length > 0 && <OfferForm procedure={p} levels={free} />}
            </>
          );
        }}
      </Loaded>
    </div>
  );
}
