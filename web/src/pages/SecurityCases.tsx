import { useEffect, useState, type MouseEvent } from 'react';
import { query, type CaseStatus, type CaseSummary, type Severity } from '../api.ts';
import { ErrorBox, Field, Loading, useApi, usePageTitle } from '../components.tsx';
import { formatDateTime, useI18n, type Translate } from '../i18n.ts';
import { Link, navigate } from '../router.tsx';
import { useUnitName } from './Dossiers.tsx';

export const CASE_STATUSES: CaseStatus[] = ['new', 'investigating', 'dismissed', 'confirmed'];

/** Critical solid red, high red, medium amber, low grey: the colour says how soon to look. */
export function SeverityBadge({ severity }: { severity: Severity }) {
  const { t } = useI18n();
  return (
    <span className={`badge severity severity-${severity}`} data-testid="severity-badge" data-severity={severity}>
      {t(`severity.${severity}`)}
    </span>
  );
}

export function CaseStatusBadge({ status }: { status: CaseStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge case-status case-status-${status}`} data-testid="case-status" data-status={status}>
      {t(`caseStatus.${status}`)}
    </span>
  );
}

/** Whom a case is about: an officer, or another system's integration key. */
export function caseSubject(c: Pick<CaseSummary, 'account' | 'clientId'>, t: Translate): string {
  if (c.account) return `${c.account.fullName} (${c.account.username})`;
  return t('cases.client', { id: (c.clientId ?? '').slice(0, 8) });
}

export function SecurityCasesPage() {
  const { t } = useI18n();
  const unitName = useUnitName();
  usePageTitle(t('cases.title'));
  const [status, setStatus] = useState<CaseStatus | ''>(() => {
    const wanted = new URLSearchParams(location.search).get('status');
    return CASE_STATUSES.find((s) => s === wanted) ?? '';
  });
  useEffect(() => {
    history.replaceState(null, '', `/security/cases${query({ status })}`);
  }, [status]);
  const { data, error, loading } = useApi<{ items: CaseSummary[] }>(`/api/monitoring/cases${query({ status })}`);

  const open = (event: MouseEvent<HTMLTableRowElement>, id: string) => {
    if ((event.target as HTMLElement).closest('a, button')) return;
    navigate(`/security/cases/${id}`);
  };

  return (
    <div className="page" data-testid="cases-page">
      <div className="page-head">
        <h1>{t('cases.title')}</h1>
      </div>
      <p className="muted">{t('cases.intro')}</p>
      <form className="toolbar toolbar-narrow" role="search" onSubmit={(e) => e.preventDefault()} autoComplete="off">
        <Field label={t('cases.status')}>
          {(id) => (
            <select id={id} name="status" value={status} onChange={(e) => setStatus(e.target.value as CaseStatus | '')} data-testid="cases-status-filter">
              <option value="">{t('cases.allStatuses')}</option>
              {CASE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`caseStatus.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && (
        <section className={loading ? 'card table-card is-loading' : 'card table-card'} aria-busy={loading} aria-label={t('cases.count', { n: data.items.length })}>
          {data.items.length === 0 ? (
            <p className="muted" data-testid="cases-empty">
              {t('cases.empty')}
            </p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="cases-table">
                <thead>
                  <tr>
                    <th>{t('cases.col.severity')}</th>
                    <th>{t('cases.col.account')}</th>
                    <th>{t('cases.col.unit')}</th>
                    <th className="num">{t('cases.col.alerts')}</th>
                    <th>{t('cases.col.status')}</th>
                    <th>{t('cases.col.updated')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((c) => (
                    <tr
                      key={c.id}
                      className={c.status === 'new' || c.status === 'investigating' ? 'row-clickable' : 'row-clickable row-closed'}
                      onClick={(e) => open(e, c.id)}
                      data-testid="case-row"
                      data-status={c.status}
                      data-severity={c.severity}
                    >
                      <td>
                        <SeverityBadge severity={c.severity} />
                      </td>
                      <td>
                        <Link to={`/security/cases/${c.id}`}>{caseSubject(c, t)}</Link>
                      </td>
                      <td>{c.unit ? unitName(c.unit) : <span className="muted">{t('common.none')}</span>}</td>
                      <td className="num">{c.alerts}</td>
                      <td>
                        <CaseStatusBadge status={c.status} />
                      </td>
                      <td className="nowrap">{formatDateTime(c.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </div>
  );
}
