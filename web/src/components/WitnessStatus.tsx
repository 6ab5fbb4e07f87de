import type { JournalStatus } from '../api/index.ts';
import { formatDateTimeSeconds, useI18n } from '../i18n.ts';

/** A witness that has not co-signed for longer than this is shown as lagging. */
const WITNESS_NORMAL_LAG_MS = 60_000;

export function WitnessStatus({ status }: { status: JournalStatus }) {
  const { t } = useI18n();
  const { witness, checkpoint } = status;
  let state: 'none' | 'never' | 'ok' | 'catchingUp' | 'behind';
  let behind = 0;
  if (!witness) state = 'none';
  else if (witness.size === 0 || !witness.at) state = 'never';
  else {
    behind = Math.max(0, (checkpoint?.size ?? 0) - witness.size);
    // Checkpoints go to the witness every few seconds: a lag of under a minute is the normal rhythm.
    const lagMs = checkpoint ? Date.parse(checkpoint.at) - Date.parse(witness.at) : 0;
    state = behind === 0 ? 'ok' : lagMs <= WITNESS_NORMAL_LAG_MS ? 'catchingUp' : 'behind';
  }
  const badge = {
    none: <span className="badge badge-left">{t('journal.witness.none')}</span>,
    never: <span className="badge badge-refused">{t('journal.witness.never')}</span>,
    ok: <span className="badge badge-active">{t('journal.witness.ok')}</span>,
    catchingUp: <span className="badge badge-kind">{t('journal.witness.catchingUp', { n: behind })}</span>,
    behind: <span className="badge badge-refused">{t('journal.witness.behind', { n: behind })}</span>,
  }[state];
  return (
    <div className="status-tile" data-testid="witness-status" data-state={state}>
      <h3>
        {t('journal.witnessTitle')} {badge}
      </h3>
      {state === 'none' && <p className="muted small">{t('journal.witness.noneText')}</p>}
      {witness && (
        <dl className="facts facts-compact">
          <dt>{t('journal.witnessUrl')}</dt>
          <dd>
            <code className="hash-full">{witness.url}</code>
          </dd>
          {state === 'never' ? (
            <>
              <dt>{t('journal.witnessedSize')}</dt>
              <dd>{t('journal.witness.neverText')}</dd>
            </>
          ) : (
            <>
              <dt>{t('journal.witnessedSize')}</dt>
              <dd data-testid="witness-size">{t('journal.entriesCount', { n: witness.size })}</dd>
              <dt>{t('journal.witnessedAt')}</dt>
              <dd>{formatDateTimeSeconds(witness.at)}</dd>
            </>
          )}
        </dl>
      )}
      {(state === 'behind' || state === 'catchingUp') && <p className="hint">{t('journal.witness.behindText', { n: behind })}</p>}
    </div>
  );
}
