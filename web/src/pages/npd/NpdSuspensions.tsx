import { useState, type FormEvent } from 'react';
import { post, useUnits, type NpdSuspension, type NpdSuspensions, type SuspensionScope } from '../../api/index.ts';
import { ConfirmDialog, ErrorBox, Field, Loading, Notice, useApi, usePageTitle } from '../../components.tsx';
import { AccountPicker } from '../../components/AccountPicker.tsx';
import type { AccountRef } from '../../components/names.ts';
import { capitalized, targetOf } from '../../components/suspensions.ts';
import { formatDateTime, useI18n } from '../../i18n.ts';
import { refreshNpdStatus } from '../../NpdBanner.tsx';
import { can, useMe } from '../../session.ts';
import { UnitSelect } from '../../UnitSelect.tsx';

const SCOPES: SuspensionScope[] = ['system', 'unit', 'account'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const who = (p: { fullName: string; username: string } | null) => (p ? `${p.fullName} (${p.username})` : '—');

/** The state in one look: lookups work, or what stops them now. */
function CurrentState({ data }: { data: NpdSuspensions }) {
  const { t } = useI18n();
  const active = data.items.filter((s) => !s.liftedAt);
  const ok = active.length === 0 && !data.disconnectedSince;
  return (
    <section className="card" aria-labelledby="npd-state-title" data-testid="npd-state" data-state={ok ? 'ok' : 'stopped'}>
      <h2 id="npd-state-title">{t('npdSusp.state')}</h2>
      {ok && (
        <div className="alert alert-success npd-state-ok" role="status">
          <strong>✓ {t('npdSusp.stateOk')}</strong>
        </div>
      )}
      {data.disconnectedSince && (
        <div className="alert alert-error alert-banner" role="alert" data-testid="npd-state-disconnected">
          <div>
            <strong className="npd-state-title">{t('npdSusp.disconnectedTitle')}</strong>
            <p>{t('npdSusp.disconnectedText', { time: formatDateTime(data.disconnectedSince) })}</p>
          </div>
        </div>
      )}
      {active.length > 0 && (
        <div className="alert alert-error alert-banner" role="alert" data-testid="npd-state-suspended">
          <div>
            <strong className="npd-state-title">{t('npdSusp.stateActive', { n: active.length })}</strong>
            <ul>
              {active.map((s) => (
                <li key={s.id}>
                  <strong>{capitalized(targetOf(s, t))}</strong>: {s.reason} <span className="small">({t('npdSusp.since', { time: formatDateTime(s.suspendedAt), name: who(s.suspendedBy) })})</span>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </section>
  );
}

/** R43: the kill switch. The scope names its unit or account; the reason is shown to those it stops. */
function SuspendForm({ onDone }: { onDone: (target: string) => void }) {
  const { t } = useI18n();
  const { data: units } = useUnits();
  const [scope, setScope] = useState<SuspensionScope>('system');
  const [unitId, setUnitId] = useState('');
  const [accountText, setAccountText] = useState('');
  const [account, setAccount] = useState<AccountRef | null>(null);
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const accountId = account?.id ?? (UUID.test(accountText.trim()) ? accountText.trim().toLowerCase() : '');
  const ready = reason.trim().length >= 3 && (scope !== 'unit' || !!unitId) && (scope !== 'account' || !!accountId);
  const unitName = units?.find((u) => u.id === unitId)?.fullName ?? '';
  const target = targetOf({ scope, unit: unitId ? { id: unitId, name: unitName } : null, account: account ?? (accountId ? { id: accountId, fullName: '', username: '' } : null) }, t);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (ready) setConfirming(true);
  };
  return (
    <section className="card" aria-labelledby="npd-suspend-title">
      <h2 id="npd-suspend-title">{t('npdSusp.new')}</h2>
      <form onSubmit={submit} autoComplete="off" noValidate data-testid="npd-suspend-form">
        <fieldset className="channel-choice">
          <legend>
            {t('npdSusp.scope')}
            <span className="required" title={t('common.required')}>
              {' '}
              *
            </span>
          </legend>
          {SCOPES.map((s) => (
            <label key={s} className="radio">
              <input type="radio" name="scope" value={s} checked={scope === s} onChange={() => setScope(s)} data-testid={`suspend-scope-${s}`} />
              {t(`npdSusp.scope.${s}`)}
            </label>
          ))}
        </fieldset>
        {scope === 'unit' && (
          <Field label={t('npdSusp.unit')} required>
            {(id) => <UnitSelect id={id} name="unitId" value={unitId} onChange={setUnitId} emptyLabel={t('npdSusp.chooseUnit')} required testId="suspend-unit" />}
          </Field>
        )}
        {scope === 'account' && (
          <Field label={t('npdSusp.account')} hint={t('npdSusp.accountHint')} required>
            {(id, hint) => (
              <AccountPicker
                id={id}
                text={accountText}
                value={account}
                onChange={(text, value) => {
                  setAccountText(text);
                  setAccount(value);
                }}
                describedBy={hint}
                invalid={false}
                label={t('npdSusp.account')}
                testId="suspend-account"
              />
            )}
          </Field>
        )}
        <Field label={t('common.reason')} hint={t('npdSusp.reasonHint')} required>
          {(id, hint) => <textarea id={id} name="reason" rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} aria-describedby={hint} required data-testid="suspend-reason" />}
        </Field>
        <div className="button-row">
          <button type="submit" className="btn btn-danger" disabled={!ready} data-testid="suspend-submit">
            {t('npdSusp.submit')}
          </button>
        </div>
      </form>
      {confirming && (
        <ConfirmDialog
          title={t('npdSusp.confirmTitle')}
          text={
            <>
              <p>{t('npdSusp.confirmText', { target })}</p>
              <p>
                <strong>{t('common.reason')}:</strong> {reason.trim()}
              </p>
            </>
          }
          confirmLabel={t('npdSusp.submit')}
          danger
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            await post('/api/npd/suspensions', {
              scope,
              ...(scope === 'unit' ? { unitId } : {}),
              ...(scope === 'account' ? { accountId } : {}),
              reason: reason.trim(),
            });
            setConfirming(false);
            setReason('');
            setUnitId('');
            setAccount(null);
            setAccountText('');
            onDone(target);
          }}
          testId="suspend-confirm-dialog"
        />
      )}
    </section>
  );
}

function SuspensionList({ items, mayLift, onLift }: { items: NpdSuspension[]; mayLift: boolean; onLift: (s: NpdSuspension) => void }) {
  const { t } = useI18n();
  if (items.length === 0) return <p className="muted">{t('npdSusp.empty')}</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="suspensions-table">
        <thead>
          <tr>
            <th>{t('npdSusp.col.target')}</th>
            <th>{t('npdSusp.col.reason')}</th>
            <th>{t('npdSusp.col.suspended')}</th>
            <th>{t('npdSusp.col.state')}</th>
            {mayLift && (
              <th>
                <span className="visually-hidden">{t('dossier.actions')}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.id} data-testid="suspension-row" data-scope={s.scope} data-active={!s.liftedAt}>
              <td>{capitalized(targetOf(s, t))}</td>
              <td>{s.reason}</td>
              <td>
                <span className="nowrap">{formatDateTime(s.suspendedAt)}</span>
                <div className="muted small">{who(s.suspendedBy)}</div>
              </td>
              <td>
                {s.liftedAt ? (
                  <>
                    <span className="badge badge-left">{t('npdSusp.lifted')}</span>
                    <div className="muted small">{t('npdSusp.liftedBy', { time: formatDateTime(s.liftedAt), name: who(s.liftedBy) })}</div>
                    {s.liftReason && <div className="small">{s.liftReason}</div>}
                  </>
                ) : (
                  <span className="badge badge-locked">{t('npdSusp.active')}</span>
                )}
              </td>
              {mayLift && (
                <td className="nowrap">
                  {!s.liftedAt && (
                    <button type="button" className="btn btn-small" onClick={() => onLift(s)} data-testid="suspension-lift">
                      {t('npdSusp.lift')}
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function NpdSuspensionsPage() {
  const { t } = useI18n();
  const me = useMe();
  usePageTitle(t('npdSusp.title'));
  const { data, error, reload } = useApi<NpdSuspensions>('/api/npd/suspensions');
  const [notice, setNotice] = useState<string | null>(null);
  const [lifting, setLifting] = useState<NpdSuspension | null>(null);
  const maySuspend = can(me, 'npd.suspend');
  return (
    <div className="page" data-testid="npd-suspensions-page">
      <div className="page-head">
        <h1>{t('npdSusp.title')}</h1>
      </div>
      <p className="muted">{t('npdSusp.intro')}</p>
      {notice && (
        <Notice kind="success" testId="suspension-notice">
          {notice}
        </Notice>
      )}
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && <CurrentState data={data} />}
      {maySuspend ? (
        <SuspendForm
          onDone={(target) => {
            setNotice(t('npdSusp.done', { target }));
            reload();
            refreshNpdStatus();
          }}
        />
      ) : (
        <p className="muted">{t('npdSusp.readOnly')}</p>
      )}
      {data && (
        <section className="card" aria-labelledby="npd-suspensions-title">
          <h2 id="npd-suspensions-title">{t('npdSusp.list')}</h2>
          <SuspensionList items={data.items} mayLift={maySuspend} onLift={setLifting} />
        </section>
      )}
      {lifting && (
        <ConfirmDialog
          title={t('npdSusp.liftTitle')}
          text={
            <>
              <p>{t('npdSusp.liftText', { target: targetOf(lifting, t) })}</p>
              <p>
                <strong>{t('npdSusp.col.reason')}:</strong> {lifting.reason}
              </p>
            </>
          }
          confirmLabel={t('npdSusp.lift')}
          requireReason
          onClose={() => setLifting(null)}
          onConfirm={async (reason) => {
            await post(`/api/npd/suspensions/${lifting.id}/lift`, { reason });
            setNotice(t('npdSusp.liftDone', { target: targetOf(lifting, t) }));
            setLifting(null);
            reload();
            refreshNpdStatus();
          }}
          testId="suspension-lift-dialog"
        />
      )}
    </div>
  );
}
