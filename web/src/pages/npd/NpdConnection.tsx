import { useRef, useState } from 'react';
import type { z } from 'zod';
import { connectionBody } from '../../../../common/schemas/npd.ts';
import { $api, queryClient, type NpdConnection } from '../../api/index.ts';
import { ConfirmDialog, ErrorBox, Notice, usePageTitle } from '../../components.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { FormField, useZodForm } from '../../components/form.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { formatDateTime, useI18n } from '../../i18n.ts';

const DAY = 24 * 60 * 60 * 1000;
const WARN_DAYS = 30;

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
  const columns: Column<NpdConnection>[] = [
    {
      key: 'fingerprint',
      label: t('npdConn.fingerprint'),
      cell: (c) => (
        <code className="hash" title={c.fingerprint}>
          {c.fingerprint.slice(0, 23)}…
        </code>
      ),
    },
    {
      key: 'setBy',
      label: t('npdConn.setBy'),
      cell: (c) => (
        <>
          {c.setBy.fullName}
          <div className="muted small">
            <code>{c.setBy.username}</code>
          </div>
        </>
      ),
      sortValue: (c) => c.setBy.fullName,
    },
    { key: 'setAt', label: t('npdConn.setAt'), cell: (c) => formatDateTime(c.setAt), sortValue: (c) => c.setAt, nowrap: true },
    { key: 'replacedAt', label: t('npdConn.replacedAt'), cell: (c) => formatDateTime(c.replacedAt), sortValue: (c) => c.replacedAt, nowrap: true },
    { key: 'expiresAt', label: t('npdConn.expiresAt'), cell: (c) => formatDateTime(c.certificateExpiresAt), sortValue: (c) => c.certificateExpiresAt, nowrap: true },
  ];
  return <DataTable caption={t('npdConn.history')} columns={columns} rows={items} rowKey={(c) => c.id} empty={t('npdConn.historyEmpty')} testId="npd-connection-history" />;
}

type ConnectionInput = z.input<typeof connectionBody>;
type ConnectionFormState = ReturnType<typeof useZodForm<ConnectionInput, z.output<typeof connectionBody>>>;
type PemKey = 'certificate' | 'privateKey' | 'caCertificate';

/** A PEM text: read from a file (its content is not shown) or pasted; the shared schema says whether it is one. */
function PemInput({ form, name, label, hint }: { form: ConnectionFormState; name: PemKey; label: string; hint: string }) {
  const { t } = useI18n();
  const fileRef = useRef<HTMLInputElement>(null);
  const [fileName, setFileName] = useState('');
  const invalid = !!form.formState.errors[name];
  const set = (text: string, file: string) => {
    setFileName(file);
    form.setValue(name, text, { shouldValidate: file !== '', shouldTouch: true, shouldDirty: true });
  };
  const read = async (file: File | undefined) => {
    if (!file) return;
    try {
      set(await file.text(), file.name);
    } catch {
      form.setError(name, { message: t('npdConn.fileUnreadable', { name: file.name }) });
    }
    if (fileRef.current) fileRef.current.value = '';
  };
  return (
    <FormField form={form} name={name} label={label} hint={hint} required>
      {(field) => (
        <div className="pem-input" data-testid={`pem-${name}`}>
          {fileName ? (
            <div className="pem-file">
              <span>
                {invalid ? '' : '✓ '}
                {t('npdConn.fileLoaded', { name: fileName })}
              </span>
              <button type="button" className="btn btn-small btn-ghost" onClick={() => set('', '')}>
                {t('npdConn.fileRemove')}
              </button>
            </div>
          ) : (
            <textarea {...field} rows={3} className="mono" spellCheck={false} autoComplete="off" autoCapitalize="off" placeholder={t('npdConn.pastePlaceholder')} />
          )}
          <button type="button" className="btn btn-small pem-choose" onClick={() => fileRef.current?.click()}>
            {t('npdConn.chooseFile')}
          </button>
          <input ref={fileRef} type="file" name={`${name}File`} accept=".pem,.crt,.cer,.key,application/x-pem-file" hidden onChange={(e) => void read(e.target.files?.[0])} data-testid={`pem-${name}-file`} />
        </div>
      )}
    </FormField>
  );
}

const emptyConnection: ConnectionInput = { endpoint: '', certificate: '', privateKey: '', caCertificate: '', account: '', password: '' };

/** R34: set or rotate the connection; write-only, and the form forgets what was typed once it is saved. */
function ConnectionForm({ current, onSaved }: { current: NpdConnection | null; onSaved: () => void }) {
  const { t } = useI18n();
  const form = useZodForm(connectionBody, emptyConnection);
  const put = $api.useMutation('put', '/api/npd/connection');
  // the settings awaiting the officer's confirmation that the current connection is to be replaced
  const [confirming, setConfirming] = useState<z.output<typeof connectionBody> | null>(null);
  // A new form (new ids, empty file inputs) after every save.
  const [generation, setGeneration] = useState(0);

  const save = async (body: z.output<typeof connectionBody>) => {
    await put.mutateAsync({ body });
    form.reset(emptyConnection);
    setGeneration((g) => g + 1);
    onSaved();
  };
  const submit = form.handleSubmit(async (body) => {
    if (current) setConfirming(body);
    else await save(body).catch(() => {});
  });
  const busy = put.isPending;

  return (
    <section className="card" aria-labelledby="npd-connection-form-title">
      <h2 id="npd-connection-form-title">{current ? t('npdConn.formRotate') : t('npdConn.formSet')}</h2>
      <Notice kind="info" testId="npd-secret-note">
        {t('npdConn.secretNote')}
      </Notice>
      {current && <Notice kind="warning">{t('npdConn.rotateNote')}</Notice>}
      <form key={generation} onSubmit={(e) => void submit(e)} autoComplete="off" noValidate data-testid="npd-connection-form">
        <FormField form={form} name="endpoint" label={t('npdConn.endpoint')} hint={t('npdConn.endpointHint')} required>
          {(field) => <input {...field} type="url" inputMode="url" spellCheck={false} autoComplete="off" maxLength={500} placeholder="https://" />}
        </FormField>
        <div className="form-grid">
          <PemInput form={form} name="certificate" label={t('npdConn.certificate')} hint={t('npdConn.pemHint')} />
          <PemInput form={form} name="privateKey" label={t('npdConn.privateKey')} hint={t('npdConn.privateKeyHint')} />
          <PemInput form={form} name="caCertificate" label={t('npdConn.caCertificate')} hint={t('npdConn.pemHint')} />
        </div>
        <div className="form-grid">
          <FormField form={form} name="account" label={t('npdConn.account')} required>
            {(field) => <input {...field} type="text" autoComplete="off" spellCheck={false} maxLength={200} />}
          </FormField>
          <FormField form={form} name="password" label={t('npdConn.password')} hint={t('npdConn.passwordHint')} required>
            {(field) => <input {...field} type="password" autoComplete="new-password" maxLength={500} />}
          </FormField>
        </div>
        <ErrorBox error={confirming ? null : put.error} testId="npd-connection-error" />
        <div className="button-row">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="npd-connection-save">
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
          onClose={() => setConfirming(null)}
          onConfirm={async () => {
            await save(confirming);
            setConfirming(null);
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
  const status = $api.useQuery('get', '/api/npd/connection');
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
      <Loaded query={status}>
        {(data) => (
          <>
            <section className="card" aria-labelledby="npd-connection-current-title">
              <h2 id="npd-connection-current-title">{t('npdConn.current')}</h2>
              {data.current ? <CurrentConnection connection={data.current} /> : <Notice kind="warning">{t('npdConn.none')}</Notice>}
              <h3 className="subhead">{t('npdConn.history')}</h3>
              <History items={data.history} />
            </section>
            <ConnectionForm
              current={data.current}
              onSaved={() => {
                setSaved(true);
                void queryClient.invalidateQueries({ queryKey: ['get', '/api/npd/connection'] });
              }}
            />
          </>
        )}
      </Loaded>
    </div>
  );
}
