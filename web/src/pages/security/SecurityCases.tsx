import { useEffect, useState } from 'react';
import { $api, query, type CaseStatus, type CaseSummary, type Severity } from '../../api/index.ts';
import { Field, usePageTitle } from '../../components.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { useUnitName } from '../../components/names.ts';
import { formatDateTime, useI18n, type Translate } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { CASE_STATUSES } from '../../../../common/schemas/monitoring.ts';


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
  const cases = $api.useQuery('get', '/api/monitoring/cases', { params: { query: { status: status || undefined } } });
  const columns: Column<CaseSummary>[] = [
    { key: 'severity', label: t('cases.col.severity'), cell: (c) => <SeverityBadge severity={c.severity} /> },
    { key: 'account', label: t('cases.col.account'), cell: (c) => <Link to={`/security/cases/${c.id}`}>{caseSubject(c, t)}</Link>, sortValue: (c) => caseSubject(c, t) },
    { key: 'unit', label: t('cases.col.unit'), cell: (c) => (c.unit ? unitName(c.unit) : <span className="muted">{t('common.none')}</span>), sortValue: (c) => (c.unit ? unitName(c.unit) : null) },
    { key: 'alerts', label: t('cases.col.alerts'), cell: (c) => c.alerts, sortValue: (c) => c.alerts, numeric: true },
    { key: 'status', label: t('cases.col.status'), cell: (c) => <CaseStatusBadge status={c.status} /> },
    { key: 'updated', label: t('cases.col.updated'), cell: (c) => formatDateTime(c.updatedAt), sortValue: (c) => c.updatedAt, nowrap: true },
  ];

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
      <Loaded query={cases}>
        {(data) => (
          <section className="card table-card" aria-label={t('cases.count', { n: data.items.length })}>
            <DataTable
              caption={t('cases.title')}
              columns={columns}
              rows={data.items}
              rowKey={(c) => c.id}
              rowHref={(c) => `/security/cases/${c.id}`}
              rowProps={(c) => ({ className: c.status === 'new' || c.status === 'investigating' ? undefined : 'row-closed', 'data-testid': 'case-row', 'data-status': c.status, 'data-severity': c.severity })}
              empty={t('cases.empty')}
              emptyTestId="cases-empty"
              busy={cases.isFetching}
              testId="cases-table"
            />
          </section>
        )}
      </Loaded>
    </div>
  );
}
