import { useEffect, useRef, useState, type FormEvent } from 'react';
import { get, openFile, query, uploadFile, type DossierDetail, type DossierResult, type DossierResults as Results, type ResultVerification } from '../../api/index.ts';
import { ConfirmDialog, CopyButton, ErrorBox, Field, Notice, useApi } from '../../components.tsx';
import { useUnitName } from '../../components/names.ts';
import { formatDateTime, useI18n } from '../../i18n.ts';
import { formatSize } from './DossierDocuments.tsx';

type Mode = 'view' | 'download' | 'original';
/** Statuses in which a result may exist or be issued: the section is shown then, or whenever there is one. */
const RESULT_STATUSES: readonly string[] = ['settled', 'result_returned'];

/** The public address that checks a file against its signed statement (no account needed). */
const verifyPath = (r: Pick<DossierResult, 'code' | 'sha256'>) => `/api/results/${encodeURIComponent(r.code)}/verify${query({ sha256: r.sha256 })}`;

/** Asks the public verification endpoint, with the file's SHA-256, whether the statement is signed and the file the signed one. */
function Verification({ result }: { result: DossierResult }) {
  const { t } = useI18n();
  const [state, setState] = useState<ResultVerification | 'failed' | null>(null);
  useEffect(() => {
    let current = true;
    get<ResultVerification>(verifyPath(result), { quiet: true }).then(
      (v) => current && setState(v),
      () => current && setState('failed'),
    );
    return () => {
      current = false;
    };
  }, [result]);
  if (state === null) return <span className="muted small">{t('results.verify.checking')}</span>;
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

function IssueForm({ dossier, onIssued }: { dossier: DossierDetail; onIssued: (r: DossierResult) => void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file || busy) return;
    setBusy(true);
    setError(null);
    try {
      // The server takes the PDF's own bytes typed application/pdf, whatever type the browser guessed.
      const pdf = file.type === 'application/pdf' ? file : new File([file], file.name, { type: 'application/pdf' });
      const issued = await uploadFile<DossierResult>(`/api/dossiers/${dossier.id}/results${query({ name: file.name })}`, pdf);
      setFile(null);
      if (fileRef.current) fileRef.current.value = '';
      onIssued(issued);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="upload-form" onSubmit={submit} autoComplete="off" data-testid="result-issue-form">
      <h3 className="subhead">{t('results.issue')}</h3>
      <div className="result-issue-grid">
        <Field label={t('results.issueFile')} hint={t('results.issueHint')} required>
          {(id, hint) => <input id={id} ref={fileRef} name="resultFile" type="file" accept=".pdf,application/pdf" aria-describedby={hint} onChange={(e) => setFile(e.target.files?.[0] ?? null)} />}
        </Field>
        <button type="submit" className="btn btn-primary upload-button" disabled={!file || busy} data-testid="result-issue-button">
          {busy ? t('results.issuing') : t('results.issue')}
        </button>
      </div>
      <ErrorBox error={error} testId="result-issue-error" />
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
  const { data, error, reload } = useApi<Results>(`/api/dossiers/${dossier.id}/results`);
  const [opening, setOpening] = useState<{ result: DossierResult; mode: Mode } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  if (!data && !error) return null;
  if (data && data.items.length === 0 && !data.abilities.issue && !RESULT_STATUSES.includes(dossier.status)) return null;

  const open = async (reason: string) => {
    if (!opening) return;
    const { result, mode } = opening;
    const path = `/api/results/${encodeURIComponent(result.code)}/${mode}${query({ reason })}`;
    const name = await openFile(path, mode);
    if (name) setNotice(t('results.downloaded', { name }));
    setOpening(null);
  };

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
          <ul className="result-list">
            {data.items.map((r) => (
              <li key={r.id} className="result-item" data-testid="result-row" data-code={r.code}>
                <div className="table-wrap">
                  <table className="table">
                    <thead>
                      <tr>
                        <th>{t('results.code')}</th>
                        <th>{t('results.issuedAt')}</th>
                        <th>{t('results.unit')}</th>
                        <th>{t('results.file')}</th>
                        <th>
                          <span className="visually-hidden">{t('dossier.actions')}</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      <tr>
                        <td>
                          <code className="result-code" data-testid="result-code">
                            {r.code}
                          </code>
                          <div>
                            <Verification result={r} />
                          </div>
                        </td>
                        <td>
                          <span className="nowrap">{formatDateTime(r.issuedAt)}</span>
                          {r.issuedBy && <div className="muted small">{r.issuedBy.fullName}</div>}
                        </td>
                        <td>{unitName(r.unit)}</td>
                        <td className="document-name">
                          {r.name} <span className="muted small nowrap">({formatSize(r.size)})</span>
                          <div className="muted small" title={`SHA-256 ${r.sha256}`}>
                            SHA-256 <code>{r.sha256.slice(0, 12)}…</code>
                          </div>
                        </td>
                        <td className="result-actions">
                          <button type="button" className="btn btn-small" onClick={() => setOpening({ result: r, mode: 'view' })} data-testid="result-view">
                            {t('results.view')}
                          </button>{' '}
                          <button type="button" className="btn btn-small" onClick={() => setOpening({ result: r, mode: 'download' })} data-testid="result-download">
                            {t('results.download')}
                          </button>{' '}
                          {data.abilities.original && (
                            <button type="button" className="btn btn-small btn-primary" onClick={() => setOpening({ result: r, mode: 'original' })} data-testid="result-original">
                              {t('results.original')}
                            </button>
                          )}
                        </td>
                      </tr>
                    </tbody>
                  </table>
                </div>
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
            reload();
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
