import { maskOldSessionIds } from '../../../../common/journal-session-ids.ts';
import { $api, type JournalEntry } from '../../api/index.ts';
import { ErrorBox, Loading, Modal } from '../../components.tsx';
import { accountLabel, useRoleName } from '../../components/names.ts';
import { formatDateTimeSeconds, useI18n, type MessageKey } from '../../i18n.ts';
import type { Draft } from './journal-search.ts';
import { citizenCount, eventLabel, Hash, None, OutcomeBadge, short, type UnitName } from './journal-parts.tsx';

/** One entry of the journal, with its leaf hash and its inclusion proof against the latest signed checkpoint. */
export function EntryDialog({ listed, onClose, onFilter }: { listed: JournalEntry; onClose: () => void; onFilter: (change: Partial<Draft>) => void }) {
  const { t } = useI18n();
  const roleName = useRoleName();
  const seq = listed.seq;
  const { data, error } = $api.useQuery('get', '/api/journal/entries/{seq}', { params: { path: { seq } } });
  const e = data?.entry;
  let status = '';
  let proven = false;
  if (data && e) {
    if (e.position === null) status = t('journal.notIntegrated');
    else if (data.inclusionProof && data.checkpoint) {
      proven = true;
      status = t('journal.included', { position: e.position, k: data.inclusionProof.length, size: data.checkpoint.size });
    } else status = t('journal.notCheckpointed', { position: e.position });
  }
  const none = <None />;
  const filterButton = (label: MessageKey, change: Partial<Draft>, testId: string) => (
    <button type="button" className="btn btn-small btn-ghost" onClick={() => onFilter(change)} data-testid={testId}>
      {t(label)}
    </button>
  );
  const unitName = (ref: UnitName | null | undefined, id: string | null) =>
    ref ? (
      <>
        {ref.name} <code className="muted small">{short(id)}</code>
      </>
    ) : id ? (
      <code>{id}</code>
    ) : (
      none
    );
  return (
    <Modal title={t('journal.entryTitle', { seq })} onClose={onClose} wide testId="journal-entry-dialog">
      <ErrorBox error={error} testId="dialog-error" />
      {!data && !error && <Loading />}
      {data && e && (
        <>
          <div className={proven ? 'proof-status proof-ok' : 'proof-status proof-pending'}>
            <span className={proven ? 'badge badge-active' : 'badge badge-refused'}>{t(proven ? 'journal.proofStatus.included' : 'journal.proofStatus.pending')}</span>{' '}
            <span data-testid="inclusion-status">{status}</span>
          </div>
          <dl className="facts">
            <dt>{t('journal.at')}</dt>
            <dd>{formatDateTimeSeconds(e.at)}</dd>
            <dt>{t('journal.type')}</dt>
            <dd>
              {eventLabel(e.type, t)} <code className="muted small">{e.type}</code>
            </dd>
            <dt>{t('journal.outcome')}</dt>
            <dd>
              <OutcomeBadge outcome={e.outcome} />
            </dd>
            <dt>{t('journal.actor')}</dt>
            <dd>
              {e.actor ? (
                <>
                  {e.actor.fullName} <code className="small">{e.actor.username}</code>
                </>
              ) : e.actorAccountId ? (
                <code>{e.actorAccountId}</code>
              ) : (
                none
              )}
              {e.actorAccountId && filterButton('journal.filterByActor', { actor: e.actor ?? { id: e.actorAccountId, username: '', fullName: '' }, actorText: e.actor ? accountLabel(e.actor) : e.actorAccountId }, 'filter-by-actor')}
            </dd>
            <dt>{t('journal.actorUnit')}</dt>
            <dd>{unitName(e.actorUnit, e.actorUnitId)}</dd>
            <dt>{t('journal.actorRoles')}</dt>
            <dd>{e.actorRoles.length ? e.actorRoles.map(roleName).join(', ') : none}</dd>
            <dt>{t('journal.target')}</dt>
            <dd>
              {e.targetId || e.targetType ? (
                <>
                  {e.targetType && <span className="muted">{e.targetType} </span>}
                  {e.targetId && <code>{e.targetId}</code>}
                </>
              ) : (
                none
              )}
              {e.targetId && filterButton('journal.filterByTarget', { targetId: e.targetId }, 'filter-by-target')}
            </dd>
            <dt>{t('journal.unit')}</dt>
            <dd>
              {unitName(e.unit, e.unitId)}
              {e.unitId && filterButton('journal.filterByUnit', { unitId: e.unitId }, 'filter-by-unit')}
            </dd>
            {e.citizens !== undefined && (
              <>
                <dt>{t('journal.citizensLabel')}</dt>
                <dd data-testid="entry-citizens">{citizenCount(e.citizens) > 0 ? t('journal.citizensValue', { n: citizenCount(e.citizens) }) : none}</dd>
              </>
            )}
            <dt>{t('journal.reason')}</dt>
            <dd>{e.reason || none}</dd>
            <dt>{t('journal.ip')}</dt>
            <dd>{e.ip ? <code>{e.ip}</code> : none}</dd>
            <dt>{t('journal.userAgent')}</dt>
            <dd className="small">{e.userAgent || none}</dd>
            <dt>{t('journal.requestId')}</dt>
            <dd>{e.requestId ? <code>{e.requestId}</code> : none}</dd>
            <dt>{t('journal.seq')}</dt>
            <dd>{e.seq}</dd>
            <dt>{t('journal.position')}</dt>
            <dd data-testid="entry-position">{e.position ?? none}</dd>
            <dt>{t('journal.leafHash')}</dt>
            <dd>{data.leafHash ? <code className="hash-full">{data.leafHash}</code> : none}</dd>
            {data.checkpoint && (
              <>
                <dt>{t('journal.proofAgainst')}</dt>
                <dd>
                  {t('journal.entriesCount', { n: data.checkpoint.size })} · <Hash value={data.checkpoint.root} n={16} />
                </dd>
              </>
            )}
          </dl>
          {data.inclusionProof && data.inclusionProof.length > 0 && (
            <details className="note-details">
              <summary>{t('journal.proofHashes', { k: data.inclusionProof.length })}</summary>
              <ol className="proof-list">
                {data.inclusionProof.map((h, i) => (
                  <li key={i}>
                    <code className="hash-full">{h}</code>
                  </li>
                ))}
              </ol>
            </details>
          )}
          <h3 className="details-title">{t('journal.details')}</h3>
          <pre className="json-block" data-testid="entry-details">
            {JSON.stringify(maskOldSessionIds(e.details), null, 2)}
          </pre>
        </>
      )}
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </Modal>
  );
}
