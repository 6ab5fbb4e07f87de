import { useFieldArray, useWatch, type UseFormReturn } from 'react-hook-form';
import { useState } from 'react';
import { z } from 'zod';
import { LOOKUP_SEATS } from '../../../../common/lookup-stages.ts';
import { versionSchemas } from '../../../../common/schemas/procedures.ts';
import { vietnamDate } from '../../../../common/vietnam-time.ts';
import { $api, useNpdFields, type Body } from '../../api/index.ts';
import { FieldFrame, Loading } from '../../components.tsx';
import { FormField, messageIn } from '../../components/form.tsx';
import { showDate } from '../../dates.ts';
import { useI18n, type Translate } from '../../i18n.ts';
import { useNpdFieldLabel } from '../../components/names.ts';
import { versionChanges, type VersionChange, type VersionShape } from './version-diff.ts';

/**
 * The editor validates with the server's own schemas. Its field names are those its checkboxes offer (GET
 * /api/procedures/npd-fields); the server checks them against the law's list.
 */
export const { offerVersion, changeVersion } = versionSchemas(z.string());

export type VersionValues = z.input<typeof changeVersion>;
type VersionForm = UseFormReturn<VersionValues, unknown, z.output<typeof offerVersion>>;
type SentVersion = Body<'/api/procedures/offered', 'post'>['version'];

/** A version as the API takes it: its field names are the law's (the checkboxes offer no other; the server checks). */
export const asSent = <V extends z.output<typeof offerVersion>>(v: V) => ({ ...v, npdFields: v.npdFields as SentVersion['npdFields'] });

/** The form's values from a version (the server's answer, or the catalogue's suggestion). */
export const versionValues = (v: VersionShape, note = ''): VersionValues => ({
  processingDays: v.processingDays,
  documents: v.documents.map((d) => ({ name: d.name, required: d.required, copies: d.copies })),
  purpose: v.purpose,
  npdFields: [...v.npdFields],
  retentionYears: v.retentionYears,
  lookupStages: { receiving: [...(v.lookupStages?.receiving ?? ['desk'])] as ('desk')[], processing: [...(v.lookupStages?.processing ?? ['assignee'])] as ('assignee' | 'desk')[] },
  note,
});

const numberOrNull = (text: unknown) => (text === '' || text === null ? null : Number(text));

/**
 * A procedure version's fields: the time limit, the papers, the population-database fields with their purpose,
 * who may look up at which stage, the retention, and why. The receipt the desk will print and the changes from
 * `base` are shown beside it as the administrator types.
 */
export function VersionEditor({ form, base, procedureName }: { form: VersionForm; base: VersionShape | null; procedureName: string }) {
  const { t, lang } = useI18n();
  const { data: fieldInfo } = useNpdFields();
  const documents = useFieldArray({ control: form.control, name: 'documents' });
  const values = useWatch({ control: form.control }) as VersionValues;
  const errors = form.formState.errors;
  const permanent = values.retentionYears === null;
  const declares = (values.npdFields?.length ?? 0) > 0;
  // checkbox groups held as lists of their values, in the form's state (one source of truth for the preview)
  const toggle = (name: 'npdFields' | 'lookupStages.receiving' | 'lookupStages.processing', value: string) => {
    const list = (form.getValues(name) ?? []) as string[];
    form.setValue(name, (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]) as never, { shouldDirty: true, shouldValidate: form.formState.isSubmitted });
  };
  return (
    <div className="version-editor">
      <div className="version-fields">
        <FormField form={form} name="processingDays" label={t('procedures.processingDays')} hint={t('procedures.processingDaysHint')} required>
          {(field) => <input {...field} {...form.register('processingDays', { valueAsNumber: true })} type="number" min={0} max={365} className="narrow" data-testid="version-days" />}
        </FormField>

        <fieldset className="version-documents" data-testid="version-documents">
          <legend>{t('procedures.documents')}</legend>
          <p className="hint">{t('procedures.documentsHint')}</p>
          {documents.fields.length === 0 && <p className="muted small">{t('procedures.noDocuments')}</p>}
          <ol className="document-rows">
            {documents.fields.map((row, i) => {
              const rowError = errors.documents?.[i];
              const message = rowError?.name?.message ?? rowError?.copies?.message;
              return (
                <li key={row.id} className="document-row" data-testid="version-document">
                  <input
                    {...form.register(`documents.${i}.name`)}
                    type="text"
                    aria-label={t('procedures.documentName', { n: i + 1 })}
                    aria-invalid={rowError?.name ? true : undefined}
                    maxLength={300}
                    data-testid="version-document-name"
                  />
                  <label className="radio nowrap">
                    <input type="checkbox" {...form.register(`documents.${i}.required`)} /> {t('procedures.required')}
                  </label>
                  <label className="nowrap">
                    <input
                      type="number"
                      min={1}
                      max={20}
                      className="copies"
                      aria-label={t('procedures.copiesOf', { n: i + 1 })}
                      {...form.register(`documents.${i}.copies`, { valueAsNumber: true })}
                    />{' '}
                    {t('procedures.copies')}
                  </label>
                  <button type="button" className="btn btn-small btn-danger-outline" onClick={() => documents.remove(i)} aria-label={t('procedures.removeDocument', { n: i + 1 })}>
                    ✕
                  </button>
                  {message && <div className="field-error">{messageIn(lang, message)}</div>}
                </li>
              );
            })}
          </ol>
          <button type="button" className="btn btn-small" onClick={() => documents.append({ name: '', required: true, copies: 1 })} data-testid="version-add-document">
            + {t('procedures.addDocument')}
          </button>
        </fieldset>

        <fieldset className="channel-choice" data-testid="version-fields">
          <legend>
            {t('procedures.npdFields')} <span className="muted small">({t('integrations.fieldsChosen', { n: values.npdFields?.length ?? 0 })})</span>
          </legend>
          <p className="hint">{t('procedures.npdFieldsHint')}</p>
          {!fieldInfo && <Loading />}
          <div className="field-checks">
            {fieldInfo?.map((f) => (
              <label key={f.key} className="radio" data-field={f.key}>
                <input type="checkbox" name="npdFields" value={f.key} checked={values.npdFields?.includes(f.key) ?? false} onChange={() => toggle('npdFields', f.key)} />
                <span>
                  {lang === 'vi' ? f.vi : f.en}
                  {f.sensitive && <span className="badge badge-warning">{t('npd.sensitive')}</span>}
                </span>
              </label>
            ))}
          </div>
        </fieldset>

        <FormField form={form} name="purpose" label={t('procedures.purpose')} hint={t('procedures.purposeHint')} required={declares}>
          {(field) => <textarea {...field} rows={3} maxLength={1000} data-testid="version-purpose" />}
        </FormField>

        <fieldset className="channel-choice" data-testid="version-stages">
          <legend>{t('procedures.lookupStages')}</legend>
          <p className="hint">{t('procedures.lookupStagesHint')}</p>
          {(['receiving', 'processing'] as const).map((stage) => (
            <div key={stage} className="stage-row">
              <span className="stage-name">{t(`procedures.stage.${stage}`)}</span>
              {LOOKUP_SEATS[stage].map((seat) => (
                <label key={seat} className="radio">
                  <input type="checkbox" name={`lookupStages.${stage}`} value={seat} checked={(values.lookupStages?.[stage] as string[] | undefined)?.includes(seat) ?? false} onChange={() => toggle(`lookupStages.${stage}`, seat)} />{' '}
                  {t(`procedures.seat.${seat}`)}
                </label>
              ))}
            </div>
          ))}
        </fieldset>

        <FieldFrame id="field-retentionYears" label={t('procedures.retention')} hint={t('procedures.retentionHint')} error={errors.retentionYears?.message && messageIn(lang, errors.retentionYears.message)}>
          {(describedBy) => (
            <div className="inline-row">
              <label className="radio">
                <input type="checkbox" checked={permanent} onChange={(e) => form.setValue('retentionYears', e.target.checked ? null : 10, { shouldDirty: true, shouldValidate: true })} data-testid="version-permanent" />{' '}
                {t('procedures.permanent')}
              </label>
              {!permanent && (
                <label className="nowrap">
                  <input
                    id="field-retentionYears"
                    type="number"
                    min={1}
                    max={100}
                    className="narrow"
                    aria-describedby={describedBy}
                    {...form.register('retentionYears', { setValueAs: numberOrNull })}
                    data-testid="version-retention"
                  />{' '}
                  {t('procedures.years')}
                </label>
              )}
            </div>
          )}
        </FieldFrame>

        <FormField form={form} name="note" label={t('procedures.note')} hint={t('procedures.noteHint')} required={base !== null}>
          {(field) => <textarea {...field} rows={2} maxLength={500} data-testid="version-note" />}
        </FormField>
      </div>
      <aside className="version-side">
        <ReceiptPreview procedureName={procedureName} values={values} />
        {base && <ChangesList changes={versionChanges(base, normalised(values))} />}
      </aside>
    </div>
  );
}

/** What the form holds, as a version (a number still being typed counts as 0, a paper without a name is left out). */
const normalised = (v: VersionValues): VersionShape => ({
  processingDays: Number.isFinite(v.processingDays) ? v.processingDays : 0,
  documents: (v.documents ?? []).filter((d) => d.name?.trim()).map((d) => ({ name: d.name.trim(), required: !!d.required, copies: Number(d.copies) || 0 })),
  purpose: v.purpose ?? '',
  npdFields: v.npdFields ?? [],
  retentionYears: v.retentionYears ?? null,
  lookupStages: { receiving: v.lookupStages?.receiving ?? [], processing: v.lookupStages?.processing ?? [] },
});

/**
 * The receipt (form 01) as the desk will print it under this version, were the dossier received now: its list of
 * papers, the time limit and the promised day on the province's calendar. The form is Vietnamese whatever the UI's
 * language, as the printed one is.
 */
function ReceiptPreview({ procedureName, values }: { procedureName: string; values: VersionValues }) {
  const { t } = useI18n();
  const shown = normalised(values);
  const days = Math.min(Math.max(Math.trunc(shown.processingDays), 0), 365);
  const [receivedAt] = useState(() => new Date().toISOString());
  const deadline = $api.useQuery('get', '/api/calendar/deadline', { params: { query: { receivedAt, workingDays: days } } });
  const pad2 = (n: number) => String(n).padStart(2, '0');
  return (
    <section className="card receipt-preview" aria-label={t('procedures.receiptPreview')} data-testid="receipt-preview">
      <div className="muted small">{t('procedures.receiptPreview')}</div>
      <h3 lang="vi">Giấy tiếp nhận hồ sơ và hẹn trả kết quả</h3>
      <p lang="vi" className="small">
        Thủ tục: <strong>{procedureName}</strong>
      </p>
      <p lang="vi">1. Thành phần hồ sơ nộp gồm:</p>
      {shown.documents.length === 0 ? (
        <p className="muted small">{t('procedures.noDocuments')}</p>
      ) : (
        <ol lang="vi" className="receipt-papers" type="a">
          {shown.documents.map((d) => (
            <li key={d.name}>
              {d.name}: {pad2(d.copies)} bản{d.required ? '' : ' (nếu có)'}
            </li>
          ))}
        </ol>
      )}
      <p lang="vi">3. Thời gian giải quyết hồ sơ theo quy định: {days > 0 ? `${pad2(days)} ngày làm việc` : 'trong ngày'}</p>
      <p lang="vi" data-testid="receipt-due">
        5. Thời gian trả kết quả giải quyết hồ sơ: <strong>{deadline.data ? showDate(deadline.data.dueDate) : '…'}</strong>
      </p>
      <p className="hint">{t('procedures.receiptPreviewHint', { today: showDate(vietnamDate(new Date(receivedAt))) })}</p>
    </section>
  );
}

function describe(change: VersionChange, t: Translate, fieldLabel: (key: string) => string): string {
  const seats = (list: readonly string[]) => (list.length ? list.map((s) => t(`procedures.seat.${s as 'desk'}`)).join(', ') : t('common.none'));
  const years = (n: number | null) => (n === null ? t('procedures.permanent') : t('procedures.yearsN', { n }));
  switch (change.part) {
    case 'processingDays':
      return t('procedures.change.days', { before: change.before, after: change.after });
    case 'documentAdded':
      return t('procedures.change.documentAdded', { name: change.name });
    case 'documentRemoved':
      return t('procedures.change.documentRemoved', { name: change.name });
    case 'documentChanged':
      return t('procedures.change.documentChanged', { name: change.name, before: change.before.copies, after: change.after.copies, required: String(change.after.required) });
    case 'fieldAdded':
      return t('procedures.change.fieldAdded', { field: fieldLabel(change.field) });
    case 'fieldRemoved':
      return t('procedures.change.fieldRemoved', { field: fieldLabel(change.field) });
    case 'purpose':
      return t('procedures.change.purpose');
    case 'lookupStages':
      return t('procedures.change.stages', { stage: t(`procedures.stage.${change.stage}`), before: seats(change.before), after: seats(change.after) });
    case 'retentionYears':
      return t('procedures.change.retention', { before: years(change.before), after: years(change.after) });
  }
}

/** The changes from the version being edited (or between two versions in the history). */
export function ChangesList({ changes }: { changes: VersionChange[] }) {
  const { t } = useI18n();
  const fieldLabel = useNpdFieldLabel();
  return (
    <section className="card version-changes" data-testid="version-changes">
      <h3>{t('procedures.changes')}</h3>
      {changes.length === 0 ? (
        <p className="muted">{t('procedures.noChanges')}</p>
      ) : (
        <ul>
          {changes.map((c, i) => (
            <li key={i} className={`change change-${c.part}`}>
              {describe(c, t, fieldLabel)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
