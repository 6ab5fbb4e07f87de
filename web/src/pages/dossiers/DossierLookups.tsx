import { useState, type ReactNode } from 'react';
import { $api, useNpdFields, type DossierDetail, type LookupRecord, type LookupResult, type LookupService } from '../../api/index.ts';
import { asApiError, ErrorBox, Notice } from '../../components.tsx';
import { LookupOutcomeBadge } from '../../components/badges.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { useNpdFieldLabel } from '../../components/names.ts';
import { formatDate, formatDateTime, isMessageKey, useI18n, type Translate } from '../../i18n.ts';
import { refreshNpdStatus } from '../../NpdBanner.tsx';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** A value inside an NPD record as one line of text: an address by its full text, a person by name and ID, else "Label: value; …". */
function npdText(value: unknown, t: Translate): string {
  if (isEmpty(value)) return t('common.none');
  if (typeof value === 'boolean') return value ? t('npd.yes') : t('npd.no');
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.map((v) => npdText(v, t)).join('; ');
  const record = value as Record<string, unknown>;
  if (typeof record.DiaChi === 'string') return record.DiaChi;
  if (typeof record.HoVaTen === 'string') {
    const id = typeof record.SoDinhDanh === 'string' && record.SoDinhDanh ? ` · ${record.SoDinhDanh}` : '';
    const relation = typeof record.QuanHeChuHo === 'string' ? ` (${record.QuanHeChuHo})` : '';
    return `${record.HoVaTen}${id}${relation}`;
  }
  return Object.entries(record)
    .filter(([, v]) => !isEmpty(v))
    .map(([k, v]) => {
      const key = `npd.sub.${k}`;
      return `${isMessageKey(key) ? t(key) : k}: ${npdText(v, t)}`;
    })
    .join('; ');
}

/** One returned field's value: lists (children, household members) one per line; never raw JSON. */
function NpdValue({ value }: { value: unknown }) {
  const { t } = useI18n();
  if (isEmpty(value)) return <span className="muted">{t('common.none')}</span>;
  if (typeof value === 'string' && /^\d{9,12}$/.test(value)) return <code>{value}</code>;
  if (Array.isArray(value)) {
    return (
      <ul className="plain-list">
        {value.map((v, i) => (
          <li key={i}>{npdText(v, t)}</li>
        ))}
      </ul>
    );
  }
  if (isRecord(value) && typeof value.HoVaTen === 'string' && typeof value.SoDinhDanh === 'string') {
    return (
      <>
        {value.HoVaTen} · <code>{value.SoDinhDanh}</code>
        {typeof value.QuanHeChuHo === 'string' && <span className="muted"> ({value.QuanHeChuHo})</span>}
      </>
    );
  }
  return <>{npdText(value, t)}</>;
}

interface Citizen {
  personalId: string;
  fullName: string;
  birthDate: string | null;
  /** "applicant", or the relation written in the dossier: what the server calls the lookup's subject. */
  subject: string;
}

function citizensOf(dossier: DossierDetail): Citizen[] {
  return [
    { personalId: dossier.applicant.personalId, fullName: dossier.applicant.fullName, birthDate: dossier.applicant.birthDate, subject: 'applicant' },
    ...dossier.persons.map((p) => ({ personalId: p.personalId, fullName: p.fullName, birthDate: p.birthDate, subject: p.relation })),
  ];
}

/** The result of the latest lookup, held in this component only: leaving the page forgets it. */
function ResultCard({ result, citizen, order, onClose }: { result: LookupResult; citizen: Citizen; order: string[]; onClose: () => void }) {
  const { t } = useI18n();
  const label = useNpdFieldLabel();
  const keys = [...order.filter((k) => k in result.fields), ...Object.keys(result.fields).filter((k) => !order.includes(k))];
  const outcomeText = `lookups.outcomeText.${result.outcome}`;
  return (
    <section className="status-tile lookup-result" aria-labelledby="lookup-result-title" data-testid="lookup-result" data-outcome={result.outcome}>
      <h3 id="lookup-result-title">
        {t('lookups.result')}: {t('lookups.resultFor', { service: t(`lookups.service.${result.service}`), name: citizen.fullName })}
        <LookupOutcomeBadge outcome={result.outcome} />
      </h3>
      {isMessageKey(outcomeText) && <p>{t(outcomeText)}</p>}
      {result.matchesDossier === true && (
        <Notice kind="success" testId="lookup-matches-dossier">
          {t('lookups.matchesDossier')}
        </Notice>
      )}
      {result.matchesDossier === false && (
        <Notice kind="warning" testId="lookup-matches-dossier">
          {t('lookups.differsFromDossier', { id: citizen.personalId })}
        </Notice>
      )}
      {keys.length > 0 ? (
        <dl className="facts facts-compact lookup-fields" data-testid="lookup-fields">
          {keys.map((k) => (
            <div key={k} className="lookup-field" data-field={k}>
              <dt>{label(k)}</dt>
              <dd>
                <NpdValue value={result.fields[k]} />
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        (result.outcome === 'matched' || result.outcome === 'found') && <p className="muted">{t('lookups.noFieldsReturned')}</p>
      )}
      <p className="hint" data-testid="lookup-note">
        {t('lookups.resultNote')} <span className="muted">{t('lookups.resultAt', { id: result.lookupId })}</span>
      </p>
      <div className="button-row">
        <button type="button" className="btn btn-small" onClick={onClose}>
          {t('lookups.resultClose')}
        </button>
      </div>
    </section>
  );
}

/** A refused or failed lookup: the server's Vietnamese message, large, where the officer is looking. */
function LookupFailure({ error }: { error: unknown }) {
  const { t, lang } = useI18n();
  const e = asApiError(error);
  if (e.code === 'invalid_input') return <ErrorBox error={error} testId="lookup-error" />;
  return (
    <div className="alert alert-error alert-banner" role="alert" data-testid="lookup-error" data-code={e.code}>
      <svg className="alert-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
        <circle cx="12" cy="12" r="11" fill="currentColor" />
        <rect x="10.7" y="5.5" width="2.6" height="8.5" rx="1.2" fill="#fff" />
        <circle cx="12" cy="17.6" r="1.6" fill="#fff" />
      </svg>
      <div>
        <strong>{t('lookups.failed')}</strong>
        <p>{e.text(lang)}</p>
      </div>
    </div>
  );
}

function History({ items, citizens }: { items: LookupRecord[]; citizens: Citizen[] }) {
  const { t } = useI18n();
  const label = useNpdFieldLabel();
  const personOf = (subject: string) => {
    if (subject === 'applicant') return { relation: t('lookups.applicant'), name: citizens[0]?.fullName ?? '' };
    const named = citizens.filter((c) => c.subject === subject);
    return { relation: subject, name: named.length === 1 ? named[0]!.fullName : '' };
  };
  const serviceName = (l: LookupRecord) => {
    const key = `lookups.service.${l.service}`;
    return isMessageKey(key) ? t(key) : l.service;
  };
  const columns: Column<LookupRecord>[] = [
    { key: 'at', label: t('lookups.col.at'), cell: (l) => formatDateTime(l.startedAt), sortValue: (l) => l.startedAt, nowrap: true },
    {
      key: 'officer',
      label: t('lookups.col.officer'),
      cell: (l) =>
        l.by ? (
          <>
            <span className="nowrap">{l.by.fullName}</span>
            <div className="muted small">
              <code>{l.by.username}</code>
            </div>
          </>
        ) : (
          <span className="muted">{t('lookups.byClient')}</span>
        ),
      sortValue: (l) => l.by?.fullName ?? null,
    },
    {
      key: 'person',
      label: t('lookups.col.person'),
      cell: (l) => {
        const person = personOf(l.subject);
        return (
          <>
            <span className="nowrap">{person.name || person.relation}</span>
            {person.name && <div className="muted small">{person.relation}</div>}
          </>
        );
      },
      sortValue: (l) => personOf(l.subject).name || personOf(l.subject).relation,
    },
    { key: 'service', label: t('lookups.col.service'), cell: serviceName, sortValue: serviceName, nowrap: true },
    { key: 'outcome', label: t('lookups.col.outcome'), cell: (l) => <LookupOutcomeBadge outcome={l.outcome} /> },
    {
      key: 'fields',
      label: t('lookups.col.fields'),
      cell: (l) => <div className="lookup-fields-cell">{l.fieldsReturned.length ? l.fieldsReturned.map(label).join(', ') : <span className="muted">{t('common.none')}</span>}</div>,
    },
  ];
  return (
    <DataTable
      caption={t('lookups.history')}
      columns={columns}
      rows={items}
      rowKey={(l) => l.id}
      rowProps={(l) => ({ 'data-testid': 'lookup-row', 'data-service': l.service, 'data-outcome': l.outcome ?? 'unfinished' })}
      empty={t('lookups.historyEmpty')}
      testId="lookup-history"
    />
  );
}

/**
 * R01, R24: looking up a citizen named in this dossier in the National Population Database, for the procedure's
 * declared purpose and fields. The answer stays in this component's state: not in the URL, not stored anywhere.
 */
export function DossierLookups({ dossier }: { dossier: DossierDetail }) {
  const { t } = useI18n();
  const label = useNpdFieldLabel();
  const { data: fieldInfo } = useNpdFields();
  const init = { params: { path: { id: dossier.id } } };
  const lookups = $api.useQuery('get', '/api/dossiers/{id}/lookups', init);
  // the answer is kept by this component only (gcTime 0: gone from memory as soon as the page is left)
  const send = $api.useMutation('post', '/api/dossiers/{id}/lookups', { gcTime: 0 });
  const [pending, setPending] = useState<{ personalId: string; service: LookupService } | null>(null);
  const [result, setResult] = useState<{ result: LookupResult; citizen: Citizen } | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const citizens = citizensOf(dossier);

  const lookUp = async (citizen: Citizen, service: LookupService) => {
    if (pending) return;
    setPending({ personalId: citizen.personalId, service });
    setResult(null);
    setFailure(null);
    try {
      const answer = await send.mutateAsync({ ...init, body: { personalId: citizen.personalId, service } });
      setResult({ result: answer, citizen });
    } catch (e) {
      setFailure(e);
      const code = asApiError(e).code;
      if (code === 'npd_suspended' || code === 'npd_disconnected') refreshNpdStatus();
    } finally {
      setPending(null);
      void lookups.refetch();
    }
  };

  const { data, error } = lookups;
  if (!data) {
    return (
      <section className="card" aria-labelledby="lookups-title" data-testid="dossier-lookups">
        <h2 id="lookups-title">{t('lookups.title')}</h2>
        <ErrorBox error={error} />
      </section>
    );
  }
  const canFind = data.fields.includes('so_dinh_danh');
  const sensitive = (key: string) => fieldInfo?.find((f) => f.key === key)?.sensitive ?? false;
  const button = (c: Citizen, service: LookupService): ReactNode => {
    const busy = pending?.personalId === c.personalId && pending.service === service;
    return (
      <button
        type="button"
        className={service === 'verify' ? 'btn btn-small btn-primary' : 'btn btn-small'}
        disabled={pending !== null || !c.birthDate}
        onClick={() => void lookUp(c, service)}
        data-testid={`lookup-${service}`}
        aria-busy={busy}
      >
        {busy ? t('lookups.busy') : t(`lookups.service.${service}`)}
      </button>
    );
  };

  const peopleColumns: Column<Citizen>[] = [
    {
      key: 'person',
      label: t('lookups.col.person'),
      cell: (c) => (
        <>
          <strong>{c.fullName}</strong>
          <div className="muted small">{c.subject === 'applicant' ? t('lookups.applicant') : c.subject}</div>
        </>
      ),
      rowHeader: true,
    },
    {
      key: 'personalId',
      label: t('reception.personalId'),
      cell: (c) => (
        <>
          <code>{c.personalId}</code>
          <div className="muted small">{c.birthDate ? formatDate(`${c.birthDate}T12:00:00`) : t('lookups.noBirthDate')}</div>
        </>
      ),
    },
  ];

  return (
    <section className="card" aria-labelledby="lookups-title" data-testid="dossier-lookups" data-may-look-up={data.mayLookUp}>
      <h2 id="lookups-title">{t('lookups.title')}</h2>
      {data.fields.length === 0 ? (
        <p className="muted" data-testid="lookup-no-fields">
          {t('lookups.noFields')}
        </p>
      ) : (
        <>
          <dl className="facts" data-testid="lookup-declared">
            <dt>{t('lookups.purpose')}</dt>
            <dd data-testid="lookup-purpose">{data.purpose || t('common.none')}</dd>
            <dt>{t('lookups.fields')}</dt>
            <dd>
              <ul className="chip-list" data-testid="lookup-declared-fields">
                {data.fields.map((f) => (
                  <li key={f} className="badge badge-kind" data-field={f}>
                    {label(f)}
                    {sensitive(f) && <span className="chip-note"> · {t('npd.sensitive')}</span>}
                  </li>
                ))}
              </ul>
            </dd>
          </dl>
          {data.mayLookUp ? (
            <>
              <p className="hint">{t('lookups.intro')}</p>
              <h3 className="subhead">{t('lookups.people')}</h3>
              <DataTable
                caption={t('lookups.people')}
                columns={peopleColumns}
                rows={citizens}
                rowKey={(c) => c.personalId}
                rowProps={(c) => ({ 'data-testid': 'lookup-person', 'data-personal-id': c.personalId })}
                actions={(c) => (
                  <>
                    {button(c, 'verify')} {canFind && button(c, 'find')}
                  </>
                )}
                empty={null}
                testId="lookup-people"
              />
            </>
          ) : (
            <p className="muted" data-testid="lookup-read-only">
              {t('lookups.readOnly')}
            </p>
          )}
        </>
      )}
      {failure !== null && <LookupFailure error={failure} />}
      {result && <ResultCard result={result.result} citizen={result.citizen} order={data.fields} onClose={() => setResult(null)} />}
      {(data.items.length > 0 || data.fields.length > 0) && (
        <>
          <h3 className="subhead">{t('lookups.history')}</h3>
          <History items={data.items} citizens={citizens} />
        </>
      )}
    </section>
  );
}
