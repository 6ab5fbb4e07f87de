import { useState, type FormEvent } from 'react';
import { post, useNpdFields, type IntegrationClient } from '../../api/index.ts';
import { ConfirmDialog, CopyButton, DialogActions, ErrorBox, Field, Loading, Modal, Notice, useApi, usePageTitle, useSubmit } from '../../components.tsx';
import { useNpdFieldLabel } from '../../components/names.ts';
import { formatDateTime, useI18n } from '../../i18n.ts';
import { UnitSelect } from '../../UnitSelect.tsx';

const PROCEDURE_CODE = /^\d\.\d{6}$/;

/** "1.001193, 1.000894\n2.000123" → the codes, each once, and those not in the national form. */
function parseCodes(text: string): { codes: string[]; invalid: string[] } {
  const codes = [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
  return { codes, invalid: codes.filter((c) => !PROCEDURE_CODE.test(c)) };
}

function CreateDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (created: { name: string; key: string }) => void }) {
  const { t, lang } = useI18n();
  const { data: fieldInfo } = useNpdFields();
  const [name, setName] = useState('');
  const [unitId, setUnitId] = useState('');
  const [codesText, setCodesText] = useState('');
  const [fields, setFields] = useState<string[]>([]);
  const { codes, invalid } = parseCodes(codesText);
  const ready = name.trim().length >= 3 && !!unitId && codes.length > 0 && invalid.length === 0 && fields.length > 0;
  const { busy, error, submit } = useSubmit(
    async () => {
      const created = await post<{ id: string; key: string }>('/api/integrations', { name: name.trim(), unitId, procedures: codes, fields });
      onCreated({ name: name.trim(), key: created.key });
    },
    { keepBusy: true },
  );
  const toggle = (key: string, on: boolean) => setFields((list) => (on ? [...list, key] : list.filter((k) => k !== key)));
  return (
    <Modal title={t('integrations.createTitle')} onClose={onClose} wide testId="integration-create-dialog">
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          if (ready) void submit();
        }}
        autoComplete="off"
        noValidate
      >
        <Field label={t('integrations.name')} hint={t('integrations.nameHint')} required>
          {(id, hint) => <input id={id} name="name" type="text" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} aria-describedby={hint} required autoFocus data-testid="integration-name" />}
        </Field>
        <Field label={t('integrations.unit')} hint={t('integrations.unitHint')} required>
          {(id, hint) => <UnitSelect id={id} name="unitId" value={unitId} onChange={setUnitId} emptyLabel={t('integrations.chooseUnit')} describedBy={hint} required testId="integration-unit" />}
        </Field>
        <Field label={t('integrations.procedures')} hint={invalid.length ? t('integrations.proceduresInvalid', { codes: invalid.join(', ') }) : t('integrations.proceduresHint')} required>
          {(id, hint) => (
            <textarea
              id={id}
              name="procedures"
              rows={3}
              className="mono"
              spellCheck={false}
              placeholder="1.001193"
              value={codesText}
              onChange={(e) => setCodesText(e.target.value)}
              aria-describedby={hint}
              aria-invalid={invalid.length > 0}
              required
              data-testid="integration-procedures"
            />
          )}
        </Field>
        <fieldset className="channel-choice">
          <legend>
            {t('integrations.fields')}
            <span className="required" title={t('common.required')}>
              {' '}
              *
            </span>{' '}
            <span className="muted small">({t('integrations.fieldsChosen', { n: fields.length })})</span>
          </legend>
          <p className="hint">{t('integrations.fieldsHint')}</p>
          {!fieldInfo && <Loading />}
          <div className="field-checks" data-testid="integration-fields">
            {fieldInfo?.map((f) => (
              <label key={f.key} className="radio" data-field={f.key}>
                <input type="checkbox" name="fields" value={f.key} checked={fields.includes(f.key)} onChange={(e) => toggle(f.key, e.target.checked)} />
                <span>
                  {lang === 'vi' ? f.vi : f.en}
                  {f.sensitive && <span className="badge badge-warning">{t('npd.sensitive')}</span>}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <ErrorBox error={error} testId="dialog-error" />
        <DialogActions onCancel={onClose} label={t('integrations.create')} disabled={!ready || busy} testId="integration-create-confirm" />
      </form>
    </Modal>
  );
}

/** The key, once: only its hash is kept, so closing this dialog is the last time anyone sees it. */
function KeyOnce({ created, onClose }: { created: { name: string; key: string }; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Modal title={t('integrations.keyTitle', { name: created.name })} onClose={onClose} wide testId="integration-key-dialog" role="alertdialog">
      <div className="secret-box">
        <div className="secret-label">{t('integrations.keyLabel')}</div>
        <div className="secret-row">
          <code className="secret-value integration-key" data-testid="integration-key">
            {created.key}
          </code>
          <CopyButton text={created.key} />
        </div>
        <p className="hint">
          <strong>{t('integrations.keyNote')}</strong>
        </p>
        <p className="hint">{t('integrations.keyUsage')}</p>
      </div>
      <div className="modal-actions">
        <button type="button" className="btn btn-primary" onClick={onClose} data-testid="integration-key-done">
          {t('integrations.keyDone')}
        </button>
      </div>
    </Modal>
  );
}

/** R35: other provincial systems that may call the lookup gateway, each with its own key and limits. */
export function IntegrationsPage() {
  const { t } = useI18n();
  const label = useNpdFieldLabel();
  usePageTitle(t('integrations.title'));
  const { data, error, reload } = useApi<{ items: IntegrationClient[] }>('/api/integrations');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<IntegrationClient | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <div className="page" data-testid="integrations-page">
      <div className="page-head">
        <h1>{t('integrations.title')}</h1>
        <div className="button-row">
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => {
              setNotice(null);
              setCreating(true);
            }}
            data-testid="integration-create"
          >
            + {t('integrations.create')}
          </button>
        </div>
      </div>
      <p className="muted">{t('integrations.intro')}</p>
      {notice && (
        <Notice kind="success" testId="integrations-notice">
          {notice}
        </Notice>
      )}
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && (
        <section className="card table-card">
          {data.items.length === 0 ? (
            <p className="muted">{t('integrations.empty')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="integrations-table">
                <thead>
                  <tr>
                    <th>{t('integrations.col.name')}</th>
                    <th>{t('integrations.col.unit')}</th>
                    <th>{t('integrations.col.procedures')}</th>
                    <th>{t('integrations.col.fields')}</th>
                    <th>{t('integrations.col.createdAt')}</th>
                    <th>{t('integrations.col.state')}</th>
                    <th>
                      <span className="visually-hidden">{t('dossier.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((c) => (
                    <tr key={c.id} data-testid="integration-row" data-name={c.name} data-revoked={!!c.revokedAt}>
                      <td className="strong">{c.name}</td>
                      <td>{c.unit.name}</td>
                      <td>
                        {c.procedures.map((p) => (
                          <code key={p} className="code-chip">
                            {p}
                          </code>
                        ))}
                      </td>
                      <td className="small">{c.fields.map(label).join(', ')}</td>
                      <td className="nowrap">{formatDateTime(c.createdAt)}</td>
                      <td>
                        {c.revokedAt ? (
                          <>
                            <span className="badge badge-left">{t('integrations.revoked')}</span>
                            <div className="muted small nowrap">{formatDateTime(c.revokedAt)}</div>
                          </>
                        ) : (
                          <span className="badge badge-active">{t('integrations.active')}</span>
                        )}
                      </td>
                      <td className="nowrap">
                        {!c.revokedAt && (
                          <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setRevoking(c)} data-testid="integration-revoke">
                            {t('integrations.revoke')}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      {creating && (
        <CreateDialog
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            setCreated(c);
            reload();
          }}
        />
      )}
      {created && <KeyOnce created={created} onClose={() => setCreated(null)} />}
      {revoking && (
        <ConfirmDialog
          title={t('integrations.revokeTitle', { name: revoking.name })}
          text={<p>{t('integrations.revokeText')}</p>}
          confirmLabel={t('integrations.revoke')}
          danger
          requireReason
          onClose={() => setRevoking(null)}
          onConfirm={async (reason) => {
            await post(`/api/integrations/${revoking.id}/revoke`, { reason });
            setNotice(t('integrations.revokeDone', { name: revoking.name }));
            setRevoking(null);
            reload();
          }}
          testId="integration-revoke-dialog"
        />
      )}
    </div>
  );
}
