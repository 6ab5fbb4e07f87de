import type { JournalStatus } from '../../api/index.ts';
import { CopyButton, ErrorBox, Loading } from '../../components.tsx';
import { CheckpointTile } from '../../components/CheckpointTile.tsx';
import { WitnessStatus } from '../../components/WitnessStatus.tsx';
import { useI18n } from '../../i18n.ts';
import { Hash } from './journal-parts.tsx';

/** The journal's publication: the latest signed checkpoint, the witness's view of it, and the signed note. */
export function CheckpointPanel({ query }: { query: { data?: JournalStatus; error: unknown } }) {
  const { t } = useI18n();
  const { data: status, error } = query;
  const cp = status?.checkpoint;
  return (
    <section className="card" data-testid="journal-checkpoint" aria-labelledby="journal-status-title">
      <h2 id="journal-status-title">{t('journal.statusTitle')}</h2>
      <ErrorBox error={error} />
      {!status && !error && <Loading />}
      {status && (
        <>
          <div className="status-grid">
            <CheckpointTile checkpoint={status.checkpoint}>
              {cp && (
                <>
                  <dt>{t('journal.root')}</dt>
                  <dd>
                    <Hash value={cp.root} n={16} /> <CopyButton text={cp.root} />
                  </dd>
                </>
              )}
            </CheckpointTile>
            <WitnessStatus status={status} />
          </div>
          {cp && (
            <details className="note-details">
              <summary>{t('journal.note')}</summary>
              <div className="note-head">
                <span className="hint">{t('journal.noteHint')}</span>
                <CopyButton text={cp.note} />
              </div>
              <pre className="signed-note" data-testid="checkpoint-note">
                {cp.note}
              </pre>
            </details>
          )}
        </>
      )}
    </section>
  );
}

/** The banner when lookups of citizens' data are refused because the journal's publication is not witnessed in time. */
export function FailClosedBanner() {
  const { t } = useI18n();
  return (
    <div className="alert alert-error alert-banner" role="alert" data-testid="fail-closed-banner">
      <svg className="alert-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
        <circle cx="12" cy="12" r="11" fill="currentColor" />
        <rect x="10.7" y="5.5" width="2.6" height="8.5" rx="1.2" fill="#fff" />
        <circle cx="12" cy="17.6" r="1.6" fill="#fff" />
      </svg>
      <div>
        <strong>{t('journal.failClosedTitle')}</strong>
        <p>{t('journal.failClosedText')}</p>
      </div>
    </div>
  );
}
