import { useEffect, useRef, useState, type FormEvent } from 'react';
import { fetchFile, get, query, uploadFile, type DocumentKind, type DossierDetail, type DossierDocument, type OfferedProcedure } from '../api.ts';
import { ConfirmDialog, ErrorBox, Field, Notice, useApi } from '../components.tsx';
import { formatDateTime, useI18n } from '../i18n.ts';

const KINDS: DocumentKind[] = ['digitized', 'reused', 'from_npd'];
const ACCEPT = '.pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png';

function formatSize(bytes: number): string {
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
    if (mode === 'view') {
      // Opened from the click itself, so the browser does not take it for a pop-up.
      window.open(path, '_blank', 'noopener');
      setOpening(null);
      return;
    }
    const { blob, fileName } = await fetchFile(path);
    const url = URL.createObjectURL(blob);
    const link = window.document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.click();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setNotice(t('documents.downloaded', { name: fileName }));
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
                    <td>{t(`documents.kind.${d.kind}`)}</td>
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
