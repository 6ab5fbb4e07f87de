import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { $api, openFile, query, uploadFile, type DossierDetail, type DossierResult } from '../../api/index.ts';
import { ConfirmDialog, CopyButton, ErrorBox, Notice } from '../../components.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { FormField, useZodForm } from '../../components/form.tsx';
import { useUnitName } from '../../components/names.ts';
import { formatDateTime, useI18n } from '../../i18n.ts';
import { chosenFile, formatSize } from './DossierDocuments.tsx';

type Mode = 'view' | 'download' | 'original';
/** Statuses in which a result may exist or be issued: the section is shown then, or whenever there is one. */
const RESULT_STATUSES: readonly string[] = ['settled', 'result_returned'];

/** The public address that checks a file against its signed statement (no account needed). */
const verifyPath = (r: Pick<DossierResult, 'code' | 'sha256'>) => `/api/results/${encodeURIComponent(r.code)}/verify${query({ sha256: r.sha256 })}`;

/** Asks the public verification endpoint, with the file's SHA-256, whether the statement is signed and the file the signed one. */
function Verification({ result }: { result: DossierResult }) {
  const { t } = useI18n();
  // public, and asked with the file's hash: anyone holding the file gets the same answer
  const verification = $api.useQuery('get', '/api/results/{code}/verify', { params: { path: { code: result.code }, query: { sha256: result.sha256 } } });
  if (verification.isPending) return <span className="muted small">{t('results.verify.checking')}</span>;
  const state = verification.data ?? 'failed';
  const revoked = state !== 'failed' && state.key?.status === 'revoked' ? state.key : null;
  const since = formatDateTime(revoked?.compromisedSince);
  // a valid signature by a key stolen before the result was issued proves nothing: said first, before the file check
  const [status, label] =
    state === 'failed'
      ? ['failed', t('results.verify.failed')]
      : !state.signatureValid
        ? ['bad-signature', t('results.verify.badSignature')]
        : !state.trusted
          ? ['revoked-key', t('results.verify.revokedKey', { since })]
          : state.fileMatches === false
            ? ['file-mismatch', t('results.verify.fileMismatch')]
            : ['ok', t('results.verify.ok')];
  return (
    <>
      <span className={status === 'ok' ? 'badge badge-active' : 'badge badge-locked'} data-testid="result-verification" data-verification={status}>
        {status === 'ok' ? '✓ ' : '✗ '}
        {label}
      </span>
      {status === 'ok' && revoked && (
        <div className="muted small" data-testid="result-key-revoked-later">
          {t('results.verify.signedBeforeRevocation', { since })}
        </div>
      )}
    </>
  );
}

/** The signed statement and the unit's key, and how anyone holding the file checks it. */
function Proof({ result }: { result: DossierResult }) {
  const { t } = useI18n();
  const command = `motcua result verify ${result.name} --statement S --key K`;
  const url = `${window.location.origin}${verifyPath(result)}`;
  const [before, after] = t('results.proofHow', { command: '\u0000' }).split('\u0000');
  return (
    <details className="note-details result-proof" data-testid="result-proof">
      <summary>{t('results.proof')}</summary>
      <p className="small">
        {before}
        <code>{command}</code>
        {after}
      </p>
      <h4 className="result-proof-head">{t('results.statement')}</h4>
      <pre className="result-proof-text" data-testid="result-statement">
        {result.statement}
      </pre>
      <CopyButton text={result.statement} />
      <h4 className="result-proof-head">{t('results.verifierKey')}</h4>
      <pre className="result-proof-text" data-testid="result-key">
        {result.verifierKey}
      </pre>
      <CopyButton text={result.verifierKey} />
      <h4 className="result-proof-head">{t('results.verifyUrl')}</h4>
      <p className="result-proof-text small">
        <a href={verifyPath(result)} target="_blank" rel="noopener" data-testid="result-verify-url">
          {url}
        </a>
      </p>
    </details>
  );
}

// named as the input is named
const issueForm = z.object({ resultFile: chosenFile });

function IssueForm({ dossier, onIssued }: { dossier: DossierDetail; onIssued: (r: DossierResult) => void }) {
  const { t } = useI18n();
  const form = useZodForm(issueForm, {});
  const issue = useMutation({
    mutationFn: (file: File) => {
      // The server takes the PDF's own bytes typed application/pdf, whatever type the browser guessed.
      const pdf = file.type === 'application/pdf' ? file : new File([file], file.name, { type: 'application/pdf' });
      return uploadFile<DossierResult>(`/api/dossiers/${dossier.id}/results${query({ name: file.name })}`, pdf);
    },
  });
  const submit = form.handleSubmit(async ({ resultFile }) => {
    const issued = await issue.mutateAsync(resultFile[0]!).catch(() => null);
    if (!issued) return;
    form.reset();
    onIssued(issued);
  });
  const file = form.watch('resultFile');
  return (
    <form className="upload-form" onSubmit={(e) => void submit(e)} autoComplete="off" noValidate data-testid="result-issue-form">
      <h3 className="subhead">{t('results.issue')}</h3>
      <div className="result-issue-grid">
        <FormField form={form} name="resultFile" label={t('results.issueFile')} hint={t('results.issueHint')} required>
          {(field) => <input {...field} type="file" accept=".pdf,application/pdf" />}
        </FormField>
        <button type="submit" className="btn btn-primary upload-button" disabled={!file?.length || form.formState.isSubmitting} data-testid="result-issue-button">
          {form.formState.isSubmitting ? t('results.issuing') : t('results.issue')}
        </button>
      </div>
      <ErrorBox error={issue.error} testId="result-issue-error" />
    </form>
  );
}

/**
 * The dossier's electronic results (Decree 45/2020): each coded <dossier code>-KQ<n> and signed by the processing
 * unit. Opening one asks for a reason, as for papers; the original is the exact signed file, for the citizen.
 */
export function DossierResults({ dossier }: { dossier: DossierDetail }) {
  const { t } = useI18n();
  const unitName = useUnitName();
  const results = $api.useQuery('get', '/api/dossiers/{id}/results', { params: { path: { id: dossier.id } } });
  const [opening, setOpening] = useState<{ result: DossierResult; mode: Mode } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const { data, error } = results;
  if (!data && !error) return null;
  if (data && data.items.length === 0 && !data.abilities.issue && !RESULT_STATUSES.includes(dossier.status)) return null;

  const open = async (reason: string) => {
    if (!opening) return;
    const { result, mode } = opening;
    const name = await openFile(`/api/results/${encodeURIComponent(result.code)}/${mode}`, mode, reason);
    if (name) setNotice(t('results.downloaded', { name }));
    setOpening(null);
  };

  const columns: Column<DossierResult>[] = [
    {
      key: 'code',
      label: t('results.code'),
      cell: (r) => (
        <>
          <code className="result-code" data-testid="result-code">
            {r.code}
          </code>
          <div>
            <Verification result={r} />
          </div>
        </>
      ),
    },
    {
      key: 'issuedAt',
      label: t('results.issuedAt'),
      cell: (r) => (
        <>
          <span className="nowrap">{formatDateTime(r.issuedAt)}</span>
          {r.issuedBy && <div className="muted small">{r.issuedBy.fullName}</div>}
        </>
      ),
    },
    { key: 'unit', label: t('results.unit'), cell: (r) => unitName(r.unit) },
    {
      key: 'file',
      label: t('results.file'),
      cell: (r) => (
        <div className="document-name">
          {r.name} <span className="muted small nowrap">({formatSize(r.size)})</span>
          <div className="muted small" title={`SHA-256 ${r.sha256}`}>
            SHA-256 <code>{r.sha256.slice(0, 12)}…</code>
          </div>
        </div>
      ),
    },
  ];

  return (
    <section className="card" aria-labelledby="results-title" data-testid="dossier-results">
      <h2 id="results-title">{t('results.title')}</h2>
      <ErrorBox error={error} />
      {notice && (
        <Notice kind="success" testId="results-notice">
          {notice}
        </Notice>
      )}
      {data &&
        (data.items.length === 0 ? (
          <p className="muted" data-testid="results-empty">
            {t('results.empty')}
          </p>
        ) : (
          // one table per result, its signed statement under it
          <ul className="result-list">
            {data.items.map((r) => (
              <li key={r.id} className="result-item" data-testid="result-row" data-code={r.code}>
                <DataTable
                  caption={r.code}
                  columns={columns}
                  rows={[r]}
                  rowKey={(row) => row.id}
                  actions={(row) => (
                    <span className="result-actions">
                      <button type="button" className="btn btn-small" onClick={() => setOpening({ result: row, mode: 'view' })} data-testid="result-view">
                        {t('results.view')}
                      </button>{' '}
                      <button type="button" className="btn btn-small" onClick={() => setOpening({ result: row, mode: 'download' })} data-testid="result-download">
                        {t('results.download')}
                      </button>{' '}
                      {data.abilities.original && (
                        <button type="button" className="btn btn-small btn-primary" onClick={() => setOpening({ result: row, mode: 'original' })} data-testid="result-original">
                          {t('results.original')}
                        </button>
                      )}
                    </span>
                  )}
                  empty={null}
                  busy={results.isFetching}
                />
                <Proof result={r} />
              </li>
            ))}
          </ul>
        ))}
      {data?.abilities.issue && (
        <IssueForm
          dossier={dossier}
          onIssued={(r) => {
            setNotice(t('results.issued', { code: r.code }));
            void results.refetch();
          }}
        />
      )}
      {opening && (
        <ConfirmDialog
          title={t(`results.openTitle.${opening.mode}`, { code: opening.result.code })}
          text={<p>{t(opening.mode === 'original' ? 'results.originalText' : 'results.openText')}</p>}
          confirmLabel={t(opening.mode === 'original' ? 'results.original' : `results.${opening.mode}`)}
          requireReason
          onConfirm={open}
          onClose={() => setOpening(null)}
          testId="result-reason-dialog"
        />
      )}
    </section>
  );
}
