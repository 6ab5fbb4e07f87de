import type { ReactNode } from 'react';
import type { JournalStatus } from '../api/index.ts';
import { formatDateTimeSeconds, useI18n } from '../i18n.ts';

/** The journal's latest signed checkpoint: its size and time, and what the page adds (the root on the journal page). */
export function CheckpointTile({ checkpoint, children }: { checkpoint: JournalStatus['checkpoint']; children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="status-tile">
      <h3>{t('journal.checkpointTitle')}</h3>
      {!checkpoint ? (
        <p className="muted">{t('journal.noCheckpoint')}</p>
      ) : (
        <dl className="facts facts-compact">
          <dt>{t('journal.treeSize')}</dt>
          <dd>
            <span className="stat-value" data-testid="checkpoint-size" data-size={checkpoint.size}>
              {checkpoint.size.toLocaleString('vi-VN')}
            </span>{' '}
            <span className="muted">{t('journal.entriesUnit')}</span>
          </dd>
          <dt>{t('journal.checkpointAt')}</dt>
          <dd>{formatDateTimeSeconds(checkpoint.at)}</dd>
          {children}
        </dl>
      )}
    </div>
  );
}
