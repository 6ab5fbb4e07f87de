import { useEffect, useRef, useState, type FormEvent } from 'react';
import { get, openFile, post, query, uploadFile, type DocumentKind, type DossierDetail, type DossierDocument, type OfferedProcedure, type ReusableResult } from '../../api/index.ts';
import { ConfirmDialog, ErrorBox, Field, Notice, useApi } from '../../components.tsx';
import { useUnitName } from '../../components/names.ts';
import { formatDateTime, useI18n } from '../../i18n.ts';

const KINDS: DocumentKind[] = ['digitized', 'reused', 'from_npd'];
const ACCEPT = '.pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png';

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}

/** The papers the procedure lists, offered as the component names of an upload (any other name may be typed). */
function useComponentNames(procedureCode: string, enabled: boolean): string[] {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    get<{ items: OfferedProcedure[] }>(`/api/procedures/offered${query({ status: 'all', q: procedureCode })}`).then(
      (r) => current && setNames(r.items.find((p) => p.code === procedureCode)?.current.documents.map((d) => d.name) ?? []),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [procedureCode, enabled]);
  return names;
}

function UploadForm({ dossier, onStart, onUploaded }: { dossier: DossierDetail; onStart: () => void; onUploaded: (d: DossierDocument) => void }) {
  const { t } = useI18n();
  const names = useComponentNames(dossier.procedure.code, true);
  const [component, setComponent] = useState('');
  const [kind, setKind] = useState<DocumentKind>('digitized');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file || busy) return;
    setBusy(true);
    setError(null);
    onStart();
    try {
      const uploaded = await uploadFile<DossierDocument>(`/api/dossiers/${dossier.id}/documents${query({ name: file.name, kind, component: component.trim() })}`, file);
      setFile(null);
      setComponent('');
      if (fileRef.current) fileRef.current.value = '';
      onUploaded(uploaded);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="upload-form" onSubmit={submit} autoComplete="off" data-testid="upload-form">
      <h3 className="subhead">{t('documents.add')}</h3>
      <div className="upload-grid">
        <Field label={t('documents.component')}>
          {(id) => (
            <>
              <input id={id} name="component" type="text" list={`${id}-names`} maxLength={200} placeholder={t('documents.componentPlaceholder')} value={component} onChange={(e) => setComponent(e.target.value)} />
              <datalist id={`${id}-names`}>
                {names.map((n) => (
                  <option key={n} value={n} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label={t('documents.kind')}>
          {(id) => (
            <select id={id} name="kind" value={kind} onChange={(e) => setKind(e.target.value as DocumentKind)}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`documents.kind.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('documents.file')} hint={t('documents.fileHint')} required>
          {(id, hint) => <input id={id} ref={fileRef} name="file" type="file" accept={ACCEPT} aria-describedby={hint} onChange={(e) => setFile(e.target.files?.[0] ?? null)} />}
        </Field>
        <button type="submit" className="btn btn-primary upload-button" disabled={!file || busy} data-testid="upload-button">
          {busy ? t('documents.uploading') : t('documents.upload')}
        </button>
      </div>
      <ErrorBox error={error} testId="upload-error" />
    </form>
  );
}

/**
 * Circular 01/2023: an earlier electronic result of the applicant stands for a paper, which is not asked again. The
 * lookup is journaled with the citizen, so it runs only when the officer asks for it.
 */
function ReuseForm({ dossier, onStart, onAttached }: { dossier: DossierDetail; onStart: () => void; onAttached: (code: string) => void }) {
  const { t } = useI18n();
  const [opened, setOpened] = useState(false);
  const [items, setItems] = useState<ReusableResult[] | null>(null);
  const [resultId, setResultId] = useState('');
  const [component, setComponent] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const unitName = useUnitName();
  const papers = dossier.rules.documents.map((d) => d.name);

  const lookUp = async () => {
    setOpened(true);
    setError(null);
    setItems(null);
    try {
      const found = (await get<{ items: ReusableResult[] }>(`/api/dossiers/${dossier.id}/reusable-results`)).items;
      setItems(found);
      setResultId(found.find((r) => !r.attached)?.id ?? '');
    } catch (e) {
      setError(e);
    }
  };
  const attach = async (event: FormEvent) => {
    event.preventDefault();
    const chosen = items?.find((r) => r.id === resultId);
    if (!chosen || chosen.attached || busy) return;
    setBusy(true);
    setError(null);
    onStart();
    try {
      await post(`/api/dossiers/${dossier.id}/reused-results`, component ? { resultId, component } : { resultId });
      setItems((list) => list?.map((r) => (r.id === resultId ? { ...r, attached: true } : r)) ?? null);
      setResultId('');
      setComponent('');
      onAttached(chosen.code);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (!opened) {
    return (
      <div className="reuse-open">
        <button type="button" className="btn" onClick={lookUp} data-testid="reuse-open">
          {t('documents.reuse')}
        </button>
      </div>
    );
  }
  return (
    <form className="upload-form" onSubmit={attach} autoComplete="off" data-testid="reuse-form">
      <h3 className="subhead">{t('documents.reuse')}</h3>
      <p className="muted small">{t('documents.reuseText', { name: dossier.applicant.fullName })}</p>
      {items === null && !error && <p className="muted">{t('documents.reuseLoading')}</p>}
      {items?.length === 0 && (
        <p className="muted" data-testid="reuse-none">
          {t('documents.reuseNone')}
        </p>
      )}
      {items && items.length > 0 && (
        <>
          <fieldset className="reuse-list">
            <legend className="visually-hidden">{t('documents.reuseResult')}</legend>
            {items.map((r) => (
              <label key={r.id} className={r.attached ? 'reuse-item reuse-item-attached' : 'reuse-item'} data-testid="reusable-result" data-code={r.code}>
                <input type="radio" name="resultId" value={r.id} checked={resultId === r.id} disabled={r.attached} onChange={() => setResultId(r.id)} />
                <span>
                  <code>{r.code}</code> · {r.procedure.name}
                  {r.attached && <span className="badge badge-kind reuse-attached">{t('documents.reuseAttached')}</span>}
                  <span className="muted small reuse-meta">
                    {unitName(r.unit)} · {formatDateTime(r.issuedAt)} · {formatSize(r.size)}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          <div className="reuse-grid">
            <Field label={t('documents.reuseComponent')}>
              {(id) => (
                <select id={id} name="reuseComponent" value={component} onChange={(e) => setComponent(e.target.value)}>
                  <option value="">{t('documents.reuseComponentNone')}</option>
                  {papers.map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button type="submit" className="btn btn-primary upload-button" disabled={!resultId || busy} data-testid="reuse-attach">
              {t('documents.reuseAttach')}
            </button>
          </div>
        </>
      )}
      <ErrorBox error={error} testId="reuse-error" />
    </form>
  );
}

/**
 * The dossier's electronic papers: a list of metadata; the bytes leave only through view or download, each with
 * a reason the journal keeps (the server stamps PDFs and images with the officer and the time).
 */
export function DossierDocuments({ dossier }: { dossier: DossierDetail }) {
  const { t } = useI18n();
  const { data, error, reload } = useApi<{ items: DossierDocument[]; abilities: { upload: boolean } }>(`/api/dossiers/${dossier.id}/documents`);
  const [opening, setOpening] = useState<{ document: DossierDocument; mode: 'view' | 'download' } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const open = async (reason: string) => {
    if (!opening) return;
    const { document, mode } = opening;
    const path = `/api/documents/${document.id}/${mode}${query({ reason })}`;
    const fileName = await openFile(path, mode);
    if (fileName) setNotice(t('documents.downloaded', { name: fileName }));
    setOpening(null);
  };

  return (
    <section className="card" aria-labelledby="documents-title" data-testid="dossier-documents">
      <h2 id="documents-title">{t('documents.title')}</h2>
      <ErrorBox error={error} />
      {notice && (
        <Notice kind="success" testId="documents-notice">
          {notice}
        </Notice>
      )}
      {data &&
        (data.items.length === 0 ? (
          <p className="muted">{t('documents.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="documents-table">
              <thead>
                <tr>
                  <th>{t('documents.component')}</th>
                  <th>{t('documents.file')}</th>
                  <th>{t('documents.kind')}</th>
                  <th>{t('documents.size')}</th>
                  <th>{t('documents.uploadedAt')}</th>
                  <th>
                    <span className="visually-hidden">{t('dossier.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((d) => (
                  <tr key={d.id} data-testid="document-row" data-name={d.name}>
                    <td>{d.component ?? <span className="muted">{t('common.none')}</span>}</td>
                    <td className="document-name">
                      {d.name}
                      <div className="muted small" title={`SHA-256 ${d.sha256}`}>
                        SHA-256 <code>{d.sha256.slice(0, 12)}…</code>
                      </div>
                    </td>
                    <td>
                      {d.kind === 'reused' ? (
                        <span className="badge badge-kind" data-testid="reused-badge" title={t('documents.kind.reused')}>
                          {t('documents.reusedBadge')}
                          {d.reusedResultId && <> · <code>{d.name.replace(/\.pdf$/i, '')}</code></>}
                        </span>
                      ) : (
                        t(`documents.kind.${d.kind}`)
                      )}
                    </td>
                    <td className="nowrap">{formatSize(d.size)}</td>
                    <td>
                      <span className="nowrap">{formatDateTime(d.uploadedAt)}</span>
                      {d.uploadedBy && <div className="muted small">{d.uploadedBy.fullName}</div>}
                    </td>
                    <td className="nowrap">
                      <button type="button" className="btn btn-small" onClick={() => setOpening({ document: d, mode: 'view' })} data-testid="document-view">
                        {t('documents.view')}
                      </button>{' '}
                      <button type="button" className="btn btn-small" onClick={() => setOpening({ document: d, mode: 'download' })} data-testid="document-download">
                        {t('documents.download')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {data?.abilities.upload && (
        <UploadForm
          dossier={dossier}
          onStart={() => setNotice(null)}
          onUploaded={(d) => {
            setNotice(t('documents.uploaded', { name: d.name }));
            reload();
          }}
        />
      )}
      {data?.abilities.upload && (
        <ReuseForm
          dossier={dossier}
          onStart={() => setNotice(null)}
          onAttached={(code) => {
            setNotice(t('documents.reuseDone', { code }));
            reload();
          }}
        />
      )}
      {opening && (
        <ConfirmDialog
          title={t(`documents.openTitle.${opening.mode}`, { name: opening.document.name })}
          text={<p>{t('documents.openText')}</p>}
          confirmLabel={t(`documents.${opening.mode}`)}
          requireReason
          onConfirm={open}
          onClose={() => setOpening(null)}
          testId="document-reason-dialog"
        />
      )}
    </section>
  );
}
