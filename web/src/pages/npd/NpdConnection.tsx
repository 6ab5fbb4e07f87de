import { useRef, useState, type FormEvent } from 'react';
import { put, type NpdConnection, type NpdConnectionStatus } from '../../api/index.ts';
import { ConfirmDialog, ErrorBox, Field, Loading, Notice, useApi, usePageTitle } from '../../components.tsx';
import { formatDateTime, useI18n } from '../../i18n.ts';

const DAY = 24 * 60 * 60 * 1000;
const WARN_DAYS = 30;
/** What each PEM field must hold: a certificate, or an unencrypted private key (the server checks the pair). */
const PEM = {
  certificate: /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/,
  key: /-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]+-----END (RSA |EC )?PRIVATE KEY-----/,
};

const daysLeft = (iso: string) => Math.floor((Date.parse(iso) - Date.now()) / DAY);

function ExpiryBadge({ at }: { at: string }) {
  const { t } = useI18n();
  const days = daysLeft(at);
  if (days < 0) return <span className="badge badge-locked">{t('npdConn.expiredBadge')}</span>;
  return <span className={days < WARN_DAYS ? 'badge badge-warning' : 'badge badge-active'}>{t('npdConn.daysLeft', { n: days })}</span>;
}

/** AB:CD:…, allowed to wrap after a colon only. */
function Fingerprint({ value }: { value: string }) {
  const parts = value.split(':');
  return (
    <>
      {parts.map((part, i) => (
        <span key={i}>
          {part}
          {i < parts.length - 1 && (
            <>
              :<wbr />
            </>
          )}
        </span>
      ))}
    </>
  );
}

function CurrentConnection({ connection }: { connection: NpdConnection }) {
  const { t } = useI18n();
  const days = daysLeft(connection.certificateExpiresAt);
  return (
    <>
      {days < 0 ? (
        <div className="alert alert-error" role="alert" data-testid="certificate-expiry-warning">
          {t('npdConn.expired')}
        </div>
      ) : (
        days < WARN_DAYS && (
          <Notice kind="warning" testId="certificate-expiry-warning">
            {t('npdConn.expiresSoon', { n: days })}
          </Notice>
        )
      )}
      <dl className="facts" data-testid="npd-connection-current">
        <dt>{t('npdConn.fingerprint')}</dt>
        <dd>
          <code className="fingerprint" data-testid="npd-fingerprint">
            <Fingerprint value={connection.fingerprint} />
          </code>
        </dd>
        <dt>{t('npdConn.expiresAt')}</dt>
        <dd>
          {formatDateTime(connection.certificateExpiresAt)} <ExpiryBadge at={connection.certificateExpiresAt} />
        </dd>
        <dt>{t('npdConn.setBy')}</dt>
        <dd>
          {connection.setBy.fullName} <code className="muted">{connection.setBy.username}</code>
        </dd>
        <dt>{t('npdConn.setAt')}</dt>
        <dd>{formatDateTime(connection.setAt)}</dd>
      </dl>
    </>
  );
}

function History({ items }: { items: NpdConnection[] }) {
  const { t } = useI18n();
  if (items.length === 0) return <p className="muted">{t('npdConn.historyEmpty')}</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="npd-connection-history">
        <thead>
          <tr>
            <th>{t('npdConn.fingerprint')}</th>
            <th>{t('npdConn.setBy')}</th>
            <th>{t('npdConn.setAt')}</th>
            <th>{t('npdConn.replacedAt')}</th>
            <th>{t('npdConn.expiresAt')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id}>
              <td>
                <code className="hash" title={c.fingerprint}>
                  {c.fingerprint.slice(0, 23)}…
                </code>
              </td>
              <td>
                {c.setBy.fullName}
                <div className="muted small">
                  <code>{c.setBy.username}</code>
                </div>
              </td>
              <td className="nowrap">{formatDateTime(c.setAt)}</td>
              <td className="nowrap">{formatDateTime(c.replacedAt)}</td>
              <td className="nowrap">{formatDateTime(c.certificateExpiresAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A PEM text: read from a file (its content is not shown) or pasted. */
function PemInput({
  name,
  kind,
  label,
  hint,
  value,
  fileName,
  onChange,
}: {
  name: string;
  kind: keyof typeof PEM;
  label: string;
  hint: string;
  value: string;
  fileName: string;
  onChange: (text: string, fileName: string) => void;
}) {
  const { t } = useI18n();
  const fileRef = useRef<HTMLInputElement>(null);
  const [unreadable, setUnreadable] = useState('');
  const bad = value.trim() !== '' && !PEM[kind].test(value);
  const read = async (file: File | undefined) => {
    setUnreadable('');
    if (!file) return;
    try {
      onChange(await file.text(), file.name);
    } catch {
      setUnreadable(file.name);
    }
    if (fileRef.current) fileRef.current.value = '';
  };
  return (
    <Field label={label} hint={hint} required>
      {(id, described) => (
        <>
          <div className="pem-input" data-testid={`pem-${name}`}>
            {fileName ? (
              <div className="pem-file">
                <span>
                  {bad ? '' : '✓ '}
                  {t('npdConn.fileLoaded', { name: fileName })}
                </span>
                <button type="button" className="btn btn-small btn-ghost" onClick={() => onChange('', '')}>
                  {t('npdConn.fileRemove')}
                </button>
              </div>
            ) : (
              <textarea
                id={id}
                name={name}
                rows={3}
                className="mono"
                spellCheck={false}
                autoComplete="off"
                autoCapitalize="off"
                placeholder={t('npdConn.pastePlaceholder')}
                value={value}
                onChange={(e) => onChange(e.target.value, '')}
                aria-describedby={described}
                aria-invalid={bad}
              />
            )}
            <button type="button" className="btn btn-small pem-choose" onClick={() => fileRef.current?.click()}>
              {t('npdConn.chooseFile')}
            </button>
            <input ref={fileRef} type="file" name={`${name}File`} accept=".pem,.crt,.cer,.key,application/x-pem-file" hidden onChange={(e) => void read(e.target.files?.[0])} data-testid={`pem-${name}-file`} />
          </div>
          {(bad || unreadable) && (
            <div className="field-error" data-testid="field-error">
              {unreadable ? t('npdConn.fileUnreadable', { name: unreadable }) : kind === 'key' ? t('npdConn.notKey') : t('npdConn.notCertificate')}
            </div>
          )}
        </>
      )}
    </Field>
  );
}

type PemKey = 'certificate' | 'privateKey' | 'caCertificate';
interface Draft {
  endpoint: string;
  account: string;
  password: string;
  pem: Record<PemKey, { text: string; fileName: string }>;
}
const emptyDraft = (): Draft => ({
  endpoint: '',
  account: '',
  password: '',
  pem: { certificate: { text: '', fileName: '' }, privateKey: { text: '', fileName: '' }, caCertificate: { text: '', fileName: '' } },
});

/** R34: set or rotate the connection; write-only, and the form forgets what was typed once it is saved. */
function ConnectionForm({ current, onSaved }: { current: NpdConnection | null; onSaved: (status: NpdConnectionStatus) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  // A new form (new ids, empty file inputs) after every save.
  const [generation, setGeneration] = useState(0);
  const pemOk = (Object.keys(draft.pem) as PemKey[]).every((k) => PEM[k === 'privateKey' ? 'key' : 'certificate'].test(draft.pem[k].text));
  const ready = draft.endpoint.trim() !== '' && draft.account.trim() !== '' && draft.password.length >= 8 && pemOk;

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const status = await put<NpdConnectionStatus>('/api/npd/connection', {
        endpoint: draft.endpoint.trim(),
        certificate: draft.pem.certificate.text,
        privateKey: draft.pem.privateKey.text,
        caCertificate: draft.pem.caCertificate.text,
        account: draft.account.trim(),
        password: draft.password,
      });
      setDraft(emptyDraft());
      setGeneration((g) => g + 1);
      onSaved(status);
    } catch (e) {
      setError(e);
      throw e;
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ready || busy) return;
    if (current) setConfirming(true);
    else void save().catch(() => {});
  };
  const pem = (key: PemKey, label: string, hint: string) => (
    <PemInput
      name={key}
      kind={key === 'privateKey' ? 'key' : 'certificate'}
      label={label}
      hint={hint}
      value={draft.pem[key].text}
      fileName={draft.pem[key].fileName}
      onChange={(text, fileName) => setDraft((d) => ({ ...d, pem: { ...d.pem, [key]: { text, fileName } } }))}
    />
  );

  return (
    <section className="card" aria-labelledby="npd-connection-form-title">
      <h2 id="npd-connection-form-title">{current ? t('npdConn.formRotate') : t('npdConn.formSet')}</h2>
      <Notice kind="info" testId="npd-secret-note">
        {t('npdConn.secretNote')}
      </Notice>
      {current && <Notice kind="warning">{t('npdConn.rotateNote')}</Notice>}
      <form key={generation} onSubmit={submit} autoComplete="off" noValidate data-testid="npd-connection-form">
        <Field label={t('npdConn.endpoint')} hint={t('npdConn.endpointHint')} required>
          {(id, hint) => (
            <input
              id={id}
              name="endpoint"
              type="url"
              inputMode="url"
              spellCheck={false}
              autoComplete="off"
              maxLength={500}
              placeholder="https://"
              value={draft.endpoint}
              onChange={(e) => setDraft((d) => ({ ...d, endpoint: e.target.value }))}
              aria-describedby={hint}
              required
            />
          )}
        </Field>
        <div className="form-grid">
          {pem('certificate', t('npdConn.certificate'), t('npdConn.pemHint'))}
          {pem('privateKey', t('npdConn.privateKey'), t('npdConn.privateKeyHint'))}
          {pem('caCertificate', t('npdConn.caCertificate'), t('npdConn.pemHint'))}
        </div>
        <div className="form-grid">
          <Field label={t('npdConn.account')} required>
            {(id) => (
              <input
                id={id}
                name="npdAccount"
                type="text"
                autoComplete="off"
                spellCheck={false}
                maxLength={200}
                value={draft.account}
                onChange={(e) => setDraft((d) => ({ ...d, account: e.target.value }))}
                required
              />
            )}
          </Field>
          <Field label={t('npdConn.password')} hint={t('npdConn.passwordHint')} required>
            {(id, hint) => (
              <input
                id={id}
                name="npdPassword"
                type="password"
                autoComplete="new-password"
                maxLength={500}
                value={draft.password}
                onChange={(e) => setDraft((d) => ({ ...d, password: e.target.value }))}
                aria-describedby={hint}
                required
              />
            )}
          </Field>
        </div>
        <ErrorBox error={confirming ? null : error} testId="npd-connection-error" />
        <div className="button-row">
          <button type="submit" className="btn btn-primary" disabled={!ready || busy} data-testid="npd-connection-save">
            {busy ? t('npdConn.saving') : t('npdConn.save')}
          </button>
        </div>
      </form>
      {confirming && current && (
        <ConfirmDialog
          title={t('npdConn.rotateTitle')}
          text={<p>{t('npdConn.rotateText', { fingerprint: `${current.fingerprint.slice(0, 23)}…` })}</p>}
          confirmLabel={t('npdConn.save')}
          danger
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            await save();
            setConfirming(false);
          }}
          testId="npd-rotate-dialog"
        />
      )}
    </section>
  );
}

export function NpdConnectionPage() {
  const { t } = useI18n();
  usePageTitle(t('npdConn.title'));
  const { data, error, setData } = useApi<NpdConnectionStatus>('/api/npd/connection');
  const [saved, setSaved] = useState(false);
  return (
    <div className="page" data-testid="npd-connection-page">
      <div className="page-head">
        <h1>{t('npdConn.title')}</h1>
      </div>
      <p className="muted">{t('npdConn.intro')}</p>
      {saved && (
        <Notice kind="success" testId="npd-connection-saved">
          {t('npdConn.saved')}
        </Notice>
      )}
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <section className="card" aria-labelledby="npd-connection-current-title">
            <h2 id="npd-connection-current-title">{t('npdConn.current')}</h2>
            {data.current ? <CurrentConnection connection={data.current} /> : <Notice kind="warning">{t('npdConn.none')}</Notice>}
            <h3 className="subhead">{t('npdConn.history')}</h3>
            <History items={data.history} />
          </section>
          <ConnectionForm
            current={data.current}
            onSaved={(status) => {
              setData(status);
              setSaved(true);
            }}
          />
        </>
      )}
    </div>
  );
}
