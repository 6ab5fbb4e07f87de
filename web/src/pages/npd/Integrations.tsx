import { useMemo, useState } from 'react';
import { z } from 'zod';
import { integrationBody, PROCEDURE_CODE } from '../../../../common/schemas/npd.ts';
import { $api, useNpdFields, type Body, type IntegrationClient } from '../../api/index.ts';
import { ConfirmDialog, CopyButton, Loading, Modal, Notice, usePageTitle } from '../../components.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { FormDialog, FormField, messageIn, useZodForm } from '../../components/form.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { useNpdFieldLabel } from '../../components/names.ts';
import { formatDateTime, useI18n, type Translate } from '../../i18n.ts';
import { UnitSelect } from '../../UnitSelect.tsx';

/** "1.001193, 1.000894\n2.000123" → the codes, each once. */
const codesOf = (text: string) => [...new Set(text.split(/[\s,;]+/).filter(Boolean))];

/**
 * The form of a new key: the procedures are typed as text, and the server's own schema checks the codes found in it
 * (its mistake shown beside the field, naming the codes not in the national form).
 */
const createFields = (t: Translate) =>
  integrationBody.extend({
    procedures: z.string().transform((text, ctx) => {
      const codes = codesOf(text);
      const checked = integrationBody.shape.procedures.safeParse(codes);
      if (checked.success) return checked.data;
      const invalid = codes.filter((c) => !PROCEDURE_CODE.test(c));
      ctx.addIssue({ code: 'custom', message: invalid.length ? t('integrations.proceduresInvalid', { codes: invalid.join(', ') }) : checked.error.issues[0]!.message });
      return z.NEVER;
    }),
  });

function CreateDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (created: { name: string; key: string }) => void }) {
  const { t, lang } = useI18n();
  const { data: fieldInfo } = useNpdFields();
  const form = useZodForm(useMemo(() => createFields(t), [t]), { name: '', unitId: '', procedures: '', fields: [] });
  const create = $api.useMutation('post', '/api/integrations');
  const [unitId, fields] = form.watch(['unitId', 'fields']);
  const fieldsError = form.formState.errors.fields?.message;
  return (
    <FormDialog
      title={t('integrations.createTitle')}
      form={form}
      onSubmit={async (body) => {
        // the checkboxes offer only the law's fields (GET /api/procedures/npd-fields), the list the server checks against
        const created = await create.mutateAsync({ body: { ...body, fields: body.fields as Body<'/api/integrations', 'post'>['fields'] } });
        onCreated({ name: body.name, key: created.key });
      }}
      onClose={onClose}
      submitLabel={t('integrations.create')}
      testId="integration-create-dialog"
      submitTestId="integration-create-confirm"
    >
      <FormField form={form} name="name" label={t('integrations.name')} hint={t('integrations.nameHint')} required>
        {(field) => <input {...field} type="text" maxLength={200} autoFocus data-testid="integration-name" />}
      </FormField>
      <FormField form={form} name="unitId" label={t('integrations.unit')} hint={t('integrations.unitHint')} required>
        {(field) => (
          <UnitSelect
            id={field.id}
            name="unitId"
            value={unitId}
            onChange={(id) => form.setValue('unitId', id, { shouldValidate: true, shouldTouch: true })}
            emptyLabel={t('integrations.chooseUnit')}
            describedBy={field['aria-describedby']}
            required
            testId="integration-unit"
          />
        )}
      </FormField>
      <FormField form={form} name="procedures" label={t('integrations.procedures')} hint={t('integrations.proceduresHint')} required>
        {(field) => <textarea {...field} rows={3} className="mono" spellCheck={false} placeholder="1.001193" data-testid="integration-procedures" />}
      </FormField>
      <fieldset className="channel-choice" aria-describedby={fieldsError ? 'integration-fields-error' : undefined}>
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
              <input type="checkbox" value={f.key} {...form.register('fields')} />
              <span>
                {lang === 'vi' ? f.vi : f.en}
                {f.sensitive && <span className="badge badge-warning">{t('npd.sensitive')}</span>}
              </span>
            </label>
          ))}
        </div>
        {fieldsError && (
          <div className="field-error" id="integration-fields-error" data-testid="field-error">
            {messageIn(lang, fieldsError)}
          </div>
        )}
      </fieldset>
    </FormDialog>
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
  const clients = $api.useQuery('get', '/api/integrations');
  const revoke = $api.useMutation('post', '/api/integrations/{id}/revoke');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<IntegrationClient | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const columns: Column<IntegrationClient>[] = [
    { key: 'name', label: t('integrations.col.name'), cell: (c) => <strong>{c.name}</strong>, sortValue: (c) => c.name },
    { key: 'unit', label: t('integrations.col.unit'), cell: (c) => c.unit.name, sortValue: (c) => c.unit.name },
    {
      key: 'procedures',
      label: t('integrations.col.procedures'),
      cell: (c) =>
        c.procedures.map((p) => (
          <code key={p} className="code-chip">
            {p}
          </code>
        )),
    },
    { key: 'fields', label: t('integrations.col.fields'), cell: (c) => <span className="small">{c.fields.map(label).join(', ')}</span> },
    { key: 'createdAt', label: t('integrations.col.createdAt'), cell: (c) => formatDateTime(c.createdAt), sortValue: (c) => c.createdAt, nowrap: true },
    {
      key: 'state',
      label: t('integrations.col.state'),
      cell: (c) =>
        c.revokedAt ? (
          <>
            <span className="badge badge-left">{t('integrations.revoked')}</span>
            <div className="muted small nowrap">{formatDateTime(c.revokedAt)}</div>
          </>
        ) : (
          <span className="badge badge-active">{t('integrations.active')}</span>
        ),
      sortValue: (c) => c.revokedAt ?? '',
    },
  ];

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
      <Loaded query={clients}>
        {(data) => (
          <section className="card table-card">
            <DataTable
              caption={t('integrations.title')}
              columns={columns}
              rows={data.items}
              rowKey={(c) => c.id}
              rowProps={(c) => ({ 'data-testid': 'integration-row', 'data-name': c.name, 'data-revoked': String(!!c.revokedAt) })}
              actions={(c) =>
                !c.revokedAt && (
                  <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setRevoking(c)} data-testid="integration-revoke">
                    {t('integrations.revoke')}
                  </button>
                )
              }
              empty={t('integrations.empty')}
              busy={clients.isFetching}
              testId="integrations-table"
            />
          </section>
        )}
      </Loaded>
      {creating && (
        <CreateDialog
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            setCreated(c);
            void clients.refetch();
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
            await revoke.mutateAsync({ params: { path: { id: revoking.id } }, body: { reason } });
            setNotice(t('integrations.revokeDone', { name: revoking.name }));
            setRevoking(null);
            void clients.refetch();
          }}
          testId="integration-revoke-dialog"
        />
      )}
    </div>
  );
}
