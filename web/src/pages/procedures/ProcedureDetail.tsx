import { useState } from 'react';
import type { z } from 'zod';
import { $api, type OfferedProcedureDetail, type ProcedureVersion } from '../../api/index.ts';
import { ConfirmDialog, ErrorBox, Notice, usePageTitle } from '../../components.tsx';
import { useZodForm } from '../../components/form.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { useNpdFieldLabel } from '../../components/names.ts';
import { formatDateTime, useI18n } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { LevelBadge } from './Procedures.tsx';
import { asSent, changeVersion, ChangesList, offerVersion, VersionEditor, versionValues } from './VersionEditor.tsx';
import { versionChanges } from './version-diff.ts';

/** A version as the desk applies it: the time limit, the papers, what it reads of the population database and why. */
function VersionSummary({ version }: { version: ProcedureVersion }) {
  const { t } = useI18n();
  const fieldLabel = useNpdFieldLabel();
  return (
    <dl className="facts" data-testid="version-summary">
      <dt>{t('procedures.processingDays')}</dt>
      <dd>{version.processingDays > 0 ? t('procedures.daysN', { n: version.processingDays }) : t('procedures.sameDay')}</dd>
      <dt>{t('procedures.documents')}</dt>
      <dd>
        {version.documents.length === 0 ? (
          <span className="badge badge-warning">{t('procedures.notDeclared')}</span>
        ) : (
          <ol className="plain-list">
            {version.documents.map((d) => (
              <li key={d.name}>
                {d.name} — {t('procedures.copiesN', { n: d.copies })}
                {!d.required && <span className="muted"> ({t('procedures.ifAny')})</span>}
              </li>
            ))}
          </ol>
        )}
      </dd>
      <dt>{t('procedures.npdFields')}</dt>
      <dd>{version.npdFields.length === 0 ? <span className="muted">{t('procedures.noLookups')}</span> : version.npdFields.map(fieldLabel).join('; ')}</dd>
      {version.npdFields.length > 0 && (
        <>
          <dt>{t('procedures.purpose')}</dt>
          <dd>{version.purpose}</dd>
          <dt>{t('procedures.lookupStages')}</dt>
          <dd>
            {(['receiving', 'processing'] as const).map((stage) => (
              <div key={stage}>
                {t(`procedures.stage.${stage}`)}: {version.lookupStages[stage].map((s) => t(`procedures.seat.${s as 'desk'}`)).join(', ') || t('common.none')}
              </div>
            ))}
          </dd>
        </>
      )}
      <dt>{t('procedures.retention')}</dt>
      <dd>{version.retentionYears === null ? t('procedures.permanent') : t('procedures.yearsN', { n: version.retentionYears })}</dd>
    </dl>
  );
}

/** Every version, newest first, each with what it changed from the one before. */
function VersionHistory({ versions }: { versions: OfferedProcedureDetail['versions'] }) {
  const { t } = useI18n();
  return (
    <section className="card" data-testid="version-history">
      <h2>{t('procedures.history')}</h2>
      <ol className="version-list" reversed>
        {versions.map((v, i) => {
          const previous = versions[i + 1];
          return (
            <li key={v.id} data-testid="version-entry" data-version={v.version}>
              <details open={i === 0}>
                <summary>
                  <strong>v{v.version}</strong> · {formatDateTime(v.createdAt)} {v.note && <span className="muted">— {v.note}</span>}
                </summary>
                {previous ? <ChangesList changes={versionChanges(previous, v)} /> : <VersionSummary version={v} />}
              </details>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/**
 * A new version made from the current one: a change of an offered procedure (its note says why), or a withdrawn one
 * offered again. The editor shows the receipt and the changes as they are typed.
 */
function NewVersionForm({ procedure, again, onDone, onCancel }: { procedure: OfferedProcedureDetail; again: boolean; onDone: (p: OfferedProcedureDetail) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const form = useZodForm(again ? offerVersion : changeVersion, versionValues(procedure.current));
  const change = $api.useMutation('post', '/api/procedures/offered/{id}/versions');
  const offer = $api.useMutation('post', '/api/procedures/offered');
  const save = async (v: z.output<typeof offerVersion>) =>
    again
      ? offer.mutateAsync({ body: { code: procedure.code, level: procedure.level, version: asSent(v) } })
      : change.mutateAsync({ params: { path: { id: procedure.id } }, body: { basedOn: procedure.currentVersion, ...asSent(v) } });
  const label = again ? t('procedures.offerAgain') : t('procedures.saveVersion');
  return (
    <form className="card" noValidate onSubmit={form.handleSubmit(async (v) => onDone(await save(v)))} data-testid={again ? 'offer-again-form' : 'version-form'}>
      <h2>{again ? label : t('procedures.newVersion', { n: procedure.currentVersion + 1 })}</h2>
      <VersionEditor form={form} base={procedure.current} procedureName={procedure.name} />
      <ErrorBox error={change.error ?? offer.error} testId="version-error" />
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={form.formState.isSubmitting} data-testid={again ? 'offer-again-save' : 'version-save'}>
          {label}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

export function ProcedureDetailPage({ id }: { id: string }) {
  const { t } = useI18n();
  const procedure = $api.useQuery('get', '/api/procedures/offered/{id}', { params: { path: { id } } });
  const withdraw = $api.useMutation('post', '/api/procedures/offered/{id}/withdraw');
  const [mode, setMode] = useState<'view' | 'edit' | 'withdraw' | 'offer'>('view');
  const [notice, setNotice] = useState<string | null>(null);
  usePageTitle(procedure.data?.name ?? t('procedures.title'));
  const done = (message: string) => {
    setMode('view');
    setNotice(message);
    void procedure.refetch();
  };
  return (
    <div className="page" data-testid="procedure-page">
      <Loaded query={procedure}>
        {(p) => (
          <>
            <p className="breadcrumb">
              <Link to="/procedures">{t('procedures.title')}</Link>
            </p>
            <div className="page-head">
              <h1>{p.name}</h1>
              {mode === 'view' && (
                <div className="button-row">
                  {p.abilities.createVersion && (
                    <button type="button" className="btn btn-primary" onClick={() => setMode('edit')} data-testid="procedure-edit">
                      {t('procedures.edit')}
                    </button>
                  )}
                  {p.abilities.withdraw && (
                    <button type="button" className="btn btn-danger-outline" onClick={() => setMode('withdraw')} data-testid="procedure-withdraw">
                      {t('procedures.withdraw')}
                    </button>
                  )}
                  {p.status === 'withdrawn' && p.abilities.manage && (
                    <button type="button" className="btn btn-primary" onClick={() => setMode('offer')} data-testid="procedure-offer-again">
                      {t('procedures.offerAgain')}
                    </button>
                  )}
                </div>
              )}
            </div>
            <p className="muted">
              <code>{p.code}</code> · <LevelBadge level={p.level} /> · {p.field} · {p.catalogue.issuingBody} ·{' '}
              <span className={`badge ${p.status === 'offered' ? 'badge-active' : 'badge-left'}`} data-testid="procedure-status" data-status={p.status}>
                {t(`procedures.status.${p.status}`)}
              </span>
              {p.statusReason && <span> — {p.statusReason}</span>}
            </p>
            {notice && (
              <Notice kind="success" testId="procedure-notice">
                {notice}
              </Notice>
            )}
            {p.current.npdFields.length === 0 && p.status === 'offered' && <Notice kind="info">{t('procedures.noLookupsNotice')}</Notice>}
            {mode === 'edit' && <NewVersionForm procedure={p} again={false} onDone={(n) => done(t('procedures.versionSaved', { n: n.currentVersion }))} onCancel={() => setMode('view')} />}
            {mode === 'offer' && <NewVersionForm procedure={p} again onDone={(n) => done(t('procedures.offeredAgain', { n: n.currentVersion }))} onCancel={() => setMode('view')} />}
            {mode !== 'edit' && mode !== 'offer' && (
              <section className="card">
                <h2>{t('procedures.currentVersion', { n: p.currentVersion })}</h2>
                <VersionSummary version={p.current} />
              </section>
            )}
            <VersionHistory versions={p.versions} />
            {p.catalogue.sourceUrl && (
              <p className="small">
                <a href={p.catalogue.sourceUrl} target="_blank" rel="noreferrer noopener">
                  {t('procedures.officialText')}
                </a>
              </p>
            )}
            {mode === 'withdraw' && (
              <ConfirmDialog
                title={t('procedures.withdrawTitle', { name: p.name })}
                text={<p>{t('procedures.withdrawText')}</p>}
                confirmLabel={t('procedures.withdraw')}
                danger
                requireReason
                onClose={() => setMode('view')}
                onConfirm={async (reason) => {
                  await withdraw.mutateAsync({ params: { path: { id: p.id } }, body: { reason } });
                  done(t('procedures.withdrawn'));
                }}
                testId="withdraw-dialog"
              />
            )}
          </>
        )}
      </Loaded>
    </div>
  );
}
