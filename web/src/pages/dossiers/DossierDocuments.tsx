import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { z } from 'zod';
import { DOCUMENT_KINDS, documentUploadQuery, reuseResultBody } from '../../../../common/schemas/dossiers.ts';
import { $api, openFile, query, queryClient, uploadFile, type DossierDetail, type DossierDocument, type ReusableResult } from '../../api/index.ts';
import { ConfirmDialog, ErrorBox, Notice } from '../../components.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { FormField, useZodForm } from '../../components/form.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { useUnitName } from '../../components/names.ts';
import { formatDateTime, useI18n } from '../../i18n.ts';

const ACCEPT = '.pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png';

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}

/** The one file an upload sends: its bytes are the request's body, its name a parameter. */
export const chosenFile = z.custom<FileList>((v) => v instanceof FileList && v.length === 1, 'Chọn một tệp / choose a file');

/** The papers the procedure lists, offered as the component names of an upload (any other name may be typed). */
function useComponentNames(procedureCode: string): string[] {
  const offered = $api.useQuery('get', '/api/procedures/offered', { params: { query: { status: 'all', q: procedureCode } } });
  return offered.data?.items.find((p) => p.code === procedureCode)?.current.documents.map((d) => d.name) ?? [];
}

/** What the upload form sends besides the file: the parameters of the server's upload, and the file. */
const uploadForm = documentUploadQuery.pick({ kind: true, component: true }).extend({ file: chosenFile });

function UploadForm({ dossier, onStart, onUploaded }: { dossier: DossierDetail; onStart: () => void; onUploaded: (d: DossierDocument) => void }) {
  const { t } = useI18n();
  const names = useComponentNames(dossier.procedure.code);
  const form = useZodForm(uploadForm, { component: '', kind: 'digitized' });
  const upload = useMutation({
    mutationFn: ({ file, kind, component }: z.output<typeof uploadForm>) =>
      uploadFile<DossierDocument>(`/api/dossiers/${dossier.id}/documents${query({ name: file[0]!.name, kind, component })}`, file[0]!),
  });
  const submit = form.handleSubmit(async (values) => {
    onStart();
    const uploaded = await upload.mutateAsync(values).catch(() => null);
    if (!uploaded) return;
    form.reset();
    onUploaded(uploaded);
  });
  const file = form.watch('file');
  return (
    <form className="upload-form" onSubmit={(e) => void submit(e)} autoComplete="off" noValidate data-testid="upload-form">
      <h3 className="subhead">{t('documents.add')}</h3>
      <div className="upload-grid">
        <FormField form={form} name="component" label={t('documents.component')}>
          {(field) => (
            <>
              <input {...field} type="text" list={`${field.id}-names`} maxLength={200} placeholder={t('documents.componentPlaceholder')} />
              <datalist id={`${field.id}-names`}>
                {names.map((n) => (
                  <option key={n} value={n} />
                ))}
              </datalist>
            </>
          )}
        </FormField>
        <FormField form={form} name="kind" label={t('documents.kind')}>
          {(field) => (
            <select {...field}>
              {DOCUMENT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`documents.kind.${k}`)}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField form={form} name="file" label={t('documents.file')} hint={t('documents.fileHint')} required>
          {(field) => <input {...field} type="file" accept={ACCEPT} />}
        </FormField>
        <button type="submit" className="btn btn-primary upload-button" disabled={!file?.length || form.formState.isSubmitting} data-testid="upload-button">
          {form.formState.isSubmitting ? t('documents.uploading') : t('documents.upload')}
        </button>
      </div>
      <ErrorBox error={upload.error} testId="upload-error" />
    </form>
  );
}

/**
 * Circular 01/2023: an earlier electronic result of the applicant stands for a paper, which is not asked again. The
 * lookup is journaled with the citizen, so it runs only when the officer asks for it.
 */
function ReuseForm({ dossier, onStart, onAttached }: { dossier: DossierDetail; onStart: () => void; onAttached: (code: string) => void }) {
  const { t } = useI18n();
  const unitName = useUnitName();
  const [opened, setOpened] = useState(false);
  const init = { params: { path: { id: dossier.id } } };
  const reusable = $api.useQuery('get', '/api/dossiers/{id}/reusable-results', init, { enabled: opened });
  const form = useZodForm(reuseResultBody, { resultId: '', component: '' });
  const attach = $api.useMutation('post', '/api/dossiers/{id}/reused-results');
  const papers = dossier.rules.documents.map((d) => d.name);
  const resultId = form.watch('resultId');
  const items = reusable.data?.items;

  // the first result not yet attached is proposed
  useEffect(() => {
    if (items && !form.getValues('resultId')) form.setValue('resultId', items.find((r) => !r.attached)?.id ?? '');
  }, [items, form]);

  const submit = form.handleSubmit(async ({ resultId, component }) => {
    const chosen = items?.find((r) => r.id === resultId);
    if (!chosen || chosen.attached) return;
    onStart();
    const done = await attach.mutateAsync({ ...init, body: component ? { resultId, component } : { resultId } }).then(
      () => true,
      () => false,
    );
    if (!done) return;
    // the list is not asked for again (each reading is journaled with the citizen): this one is attached now
    queryClient.setQueryData<{ items: ReusableResult[] }>($api.queryOptions('get', '/api/dossiers/{id}/reusable-results', init).queryKey, (list) =>
      list && { items: list.items.map((r) => (r.id === resultId ? { ...r, attached: true } : r)) },
    );
    form.reset({ resultId: '', component: '' });
    onAttached(chosen.code);
  });

  if (!opened) {
    return (
      <div className="reuse-open">
        <button type="button" className="btn" onClick={() => setOpened(true)} data-testid="reuse-open">
          {t('documents.reuse')}
        </button>
      </div>
    );
  }
  return (
    <form className="upload-form" onSubmit={(e) => void submit(e)} autoComplete="off" noValidate data-testid="reuse-form">
      <h3 className="subhead">{t('documents.reuse')}</h3>
      <p className="muted small">{t('documents.reuseText', { name: dossier.applicant.fullName })}</p>
      {!items && !reusable.error && <p className="muted">{t('documents.reuseLoading')}</p>}
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
                <input type="radio" {...form.register('resultId')} value={r.id} disabled={r.attached} />
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
            <FormField form={form} name="component" label={t('documents.reuseComponent')}>
              {(field) => (
                <select id={field.id} aria-describedby={field['aria-describedby']} name="reuseComponent" value={form.watch('component')} onChange={(e) => form.setValue('component', e.target.value)}>
                  <option value="">{t('documents.reuseComponentNone')}</option>
                  {papers.map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <button type="submit" className="btn btn-primary upload-button" disabled={!resultId || form.formState.isSubmitting} data-testid="reuse-attach">
              {t('documents.reuseAttach')}
            </button>
          </div>
        </>
      )}
      <ErrorBox error={reusable.error ?? attach.error} testId="reuse-error" />
    </form>
  );
}

/**
 * The dossier's electronic papers: a list of metadata; the bytes leave only through view or download, each with
 * a reason the journal keeps (the server stamps PDFs and images with the officer and the time).
 */
export function DossierDocuments({ dossier }: { dossier: DossierDetail }) {
  const { t } = useI18n();
  const documents = $api.useQuery('get', '/api/dossiers/{id}/documents', { params: { path: { id: dossier.id } } });
  const [opening, setOpening] = useState<{ document: DossierDocument; mode: 'view' | 'download' } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const reload = () => void documents.refetch();

  const open = async (reason: string) => {
    if (!opening) return;
    const { document, mode } = opening;
    const fileName = await openFile(`/api/documents/${document.id}/${mode}`, mode, reason);
    if (fileName) setNotice(t('documents.downloaded', { name: fileName }));
    setOpening(null);
  };

  const columns: Column<DossierDocument>[] = [
    { key: 'component', label: t('documents.component'), cell: (d) => d.component ?? <span className="muted">{t('common.none')}</span>, sortValue: (d) => d.component },
    {
      key: 'name',
      label: t('documents.file'),
      cell: (d) => (
        <div className="document-name">
          {d.name}
          <div className="muted small" title={`SHA-256 ${d.sha256}`}>
            SHA-256 <code>{d.sha256.slice(0, 12)}…</code>
          </div>
        </div>
      ),
      sortValue: (d) => d.name,
    },
    {
      key: 'kind',
      label: t('documents.kind'),
      cell: (d) =>
        d.kind === 'reused' ? (
          <span className="badge badge-kind" data-testid="reused-badge" title={t('documents.kind.reused')}>
            {t('documents.reusedBadge')}
            {d.reusedResultId && <> · <code>{d.name.replace(/\.pdf$/i, '')}</code></>}
          </span>
        ) : (
          t(`documents.kind.${d.kind}`)
        ),
    },
    { key: 'size', label: t('documents.size'), cell: (d) => formatSize(d.size), sortValue: (d) => d.size, numeric: true, nowrap: true },
    {
      key: 'uploadedAt',
      label: t('documents.uploadedAt'),
      cell: (d) => (
        <>
          <span className="nowrap">{formatDateTime(d.uploadedAt)}</span>
          {d.uploadedBy && <div className="muted small">{d.uploadedBy.fullName}</div>}
        </>
      ),
      sortValue: (d) => d.uploadedAt,
    },
  ];

  return (
    <section className="card" aria-labelledby="documents-title" data-testid="dossier-documents">
      <h2 id="documents-title">{t('documents.title')}</h2>
      {notice && (
        <Notice kind="success" testId="documents-notice">
          {notice}
        </Notice>
      )}
      <Loaded query={documents}>
        {(data) => (
          <>
            <DataTable
              caption={t('documents.title')}
              columns={columns}
              rows={data.items}
              rowKey={(d) => d.id}
              rowProps={(d) => ({ 'data-testid': 'document-row', 'data-name': d.name })}
              actions={(d) => (
                <span className="nowrap">
                  <button type="button" className="btn btn-small" onClick={() => setOpening({ document: d, mode: 'view' })} data-testid="document-view">
                    {t('documents.view')}
                  </button>{' '}
                  <button type="button" className="btn btn-small" onClick={() => setOpening({ document: d, mode: 'download' })} data-testid="document-download">
                    {t('documents.download')}
                  </button>
                </span>
              )}
              empty={t('documents.empty')}
              busy={documents.isFetching}
              testId="documents-table"
            />
            {data.abilities.upload && (
              <>
                <UploadForm
                  dossier={dossier}
                  onStart={() => setNotice(null)}
                  onUploaded={(d) => {
                    setNotice(t('documents.uploaded', { name: d.name }));
                    reload();
                  }}
                />
                <ReuseForm
                  dossier={dossier}
                  onStart={() => setNotice(null)}
                  onAttached={(code) => {
                    setNotice(t('documents.reuseDone', { code }));
                    reload();
                  }}
                />
              </>
            )}
          </>
        )}
      </Loaded>
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
