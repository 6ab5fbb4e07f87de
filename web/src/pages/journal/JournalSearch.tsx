import { useId } from 'react';
import type { UseFormReturn } from 'react-hook-form';
import { ErrorBox, Field, Notice } from '../../components.tsx';
import { AccountPicker } from '../../components/AccountPicker.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { dateProblem } from '../../dates.ts';
import { journalEventTypes, useI18n, type MessageKey } from '../../i18n.ts';
import { UnitSelect } from '../../UnitSelect.tsx';
import { eventLabel } from './journal-parts.tsx';
import { OTHER_TYPE, problemsOf, type Draft, type Params } from './journal-search.ts';

const GROUPS = ['auth', 'account', 'session', 'unit', 'procedure', 'dossier', 'document', 'npd', 'integration', 'monitoring', 'incident', 'calendar', 'journal'] as const;

/** Known event types grouped by their prefix, with "other" for a code typed by hand. */
function TypeSelect({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  const { t } = useI18n();
  const types = journalEventTypes();
  const groupOf = (type: string) => {
    const prefix = type.split('.')[0] ?? '';
    return (GROUPS as readonly string[]).includes(prefix) ? prefix : 'other';
  };
  const groups = [...GROUPS, 'other'].map((g) => ({ g, items: types.filter((type) => groupOf(type) === g) })).filter((x) => x.items.length > 0);
  return (
    <select id={id} name="type" value={value} onChange={(e) => onChange(e.target.value)} data-testid="journal-type">
      <option value="">{t('journal.allTypes')}</option>
      {groups.map(({ g, items }) => (
        <optgroup key={g} label={t(`journal.group.${g}` as MessageKey)}>
          {items.map((type) => (
            <option key={type} value={type}>
              {eventLabel(type, t)} · {type}
            </option>
          ))}
        </optgroup>
      ))}
      <option value={OTHER_TYPE}>{t('journal.otherType')}</option>
    </select>
  );
}

/** A date and an optional time, grouped under one legend; clearing the date clears the time. */
function TimeBound({ form, bound, legend, dateLabel, timeLabel, problem }: { form: SearchForm; bound: 'from' | 'to'; legend: string; dateLabel: string; timeLabel: string; problem?: string }) {
  const { t } = useI18n();
  const id = useId();
  const dateName = bound === 'from' ? 'fromDate' : 'toDate';
  const timeName = bound === 'from' ? 'fromTime' : 'toTime';
  const date = form.watch(dateName);
  const mistake = dateProblem(date);
  const dateMistake = mistake && t(mistake.key, mistake.params);
  return (
    <fieldset className="field time-bound">
      <legend>{legend}</legend>
      <div className="time-bound-inputs">
        <DateInput
          form={form}
          name={dateName}
          onValue={(value) => !value && form.setValue(timeName, '')}
          aria-label={dateLabel}
          aria-invalid={!!(dateMistake ?? problem)}
          aria-describedby={`${id}-hint`}
          data-testid={`journal-${bound}-date`}
        />
        <input type="time" {...form.register(timeName)} aria-label={timeLabel} disabled={!date} aria-describedby={`${id}-hint`} data-testid={`journal-${bound}-time`} />
      </div>
      <div className="hint" id={`${id}-hint`}>
        {dateMistake ?? problem ?? t('journal.timeOptional')}
      </div>
    </fieldset>
  );
}

export type SearchForm = UseFormReturn<Draft, unknown, Params>;

/**
 * The journal's search: actor, unit, event type, time range, a citizen's personal ID and a target. A problem shows
 * in place of its field's hint as soon as it is typed; apply and export wait until there is none.
 */
export function JournalSearch({
  form,
  pickAccounts,
  onApply,
  onClear,
  onExport,
  exporting,
  exportError,
  exported,
}: {
  form: SearchForm;
  pickAccounts: boolean;
  onApply: (params: Params) => void;
  onClear: () => void;
  onExport: () => void;
  exporting: boolean;
  exportError: unknown;
  exported: string | undefined;
}) {
  const { t } = useI18n();
  const draft = form.watch();
  // a date that is not one would be left out of the search: it waits, as the other problems do
  const problems = problemsOf(draft);
  const invalid = problems.invalid || !!dateProblem(draft.fromDate) || !!dateProblem(draft.toDate);
  const problem = (key: MessageKey | undefined) => (key ? t(key) : undefined);
  const set = (key: 'typeChoice' | 'unitId' | 'citizenId', value: string) => form.setValue(key, value, { shouldDirty: true });
  const setActor = (text: string, actor: Draft['actor']) => {
    form.setValue('actorText', text, { shouldDirty: true });
    form.setValue('actor', actor, { shouldDirty: true });
  };
  const [verifyBefore, verifyAfter] = t('journal.exportHint').split('{command}');

  return (
    <section className="card" aria-labelledby="journal-search-title">
      <h2 id="journal-search-title">{t('journal.searchTitle')}</h2>
      <form role="search" aria-labelledby="journal-search-title" onSubmit={(e) => void form.handleSubmit(onApply)(e)} autoComplete="off" noValidate data-testid="journal-filters">
        <div className="journal-filters">
          <Field label={t('journal.filterActor')} hint={problem(problems.actor)}>
            {(id, hint) =>
              pickAccounts ? (
                <AccountPicker id={id} text={draft.actorText} value={draft.actor} invalid={!!problems.actor} describedBy={hint} onChange={setActor} />
              ) : (
                <input
                  id={id}
                  type="text"
                  name="actor"
                  value={draft.actorText}
                  onChange={(e) => setActor(e.target.value, null)}
                  placeholder={t('journal.filterActorIdPlaceholder')}
                  aria-invalid={!!problems.actor}
                  aria-describedby={hint}
                  spellCheck={false}
                  data-testid="journal-actor"
                />
              )
            }
          </Field>
          <Field label={t('journal.filterUnit')} hint={t('journal.filterUnitHint')}>
            {(id, hint) => <UnitSelect id={id} name="unitId" value={draft.unitId} onChange={(v) => set('unitId', v)} emptyLabel={t('journal.allUnits')} describedBy={hint} />}
          </Field>
          <Field label={t('journal.filterType')}>
            {(id) => (
              <>
                <TypeSelect id={id} value={draft.typeChoice} onChange={(v) => set('typeChoice', v)} />
                {draft.typeChoice === OTHER_TYPE && (
                  <input
                    type="text"
                    className="sub-input"
                    {...form.register('typeOther')}
                    aria-label={t('journal.otherTypeLabel')}
                    placeholder={t('journal.filterTypePlaceholder')}
                    maxLength={100}
                    spellCheck={false}
                    autoFocus
                  />
                )}
              </>
            )}
          </Field>
          <TimeBound form={form} bound="from" legend={t('journal.filterFrom')} dateLabel={t('journal.fromDate')} timeLabel={t('journal.fromTime')} />
          <TimeBound form={form} bound="to" legend={t('journal.filterTo')} dateLabel={t('journal.toDate')} timeLabel={t('journal.toTime')} problem={problem(problems.range)} />
          <Field label={t('journal.filterCitizen')} hint={problem(problems.citizen) ?? t('journal.filterCitizenHint')}>
            {(id, hint) => (
              <input
                id={id}
                type="text"
                name="citizen-search"
                inputMode="numeric"
                autoComplete="off"
                maxLength={12}
                spellCheck={false}
                value={draft.citizenId}
                onChange={(e) => set('citizenId', e.target.value.replace(/\D/g, ''))}
                aria-invalid={!!problems.citizen}
                aria-describedby={hint}
                data-testid="journal-citizen"
              />
            )}
          </Field>
          <Field label={t('journal.filterTarget')}>
            {(id) => <input id={id} type="text" {...form.register('targetId')} placeholder={t('journal.filterTargetPlaceholder')} maxLength={100} spellCheck={false} data-testid="journal-target" />}
          </Field>
        </div>
        <div className="filter-actions">
          <div className="toolbar-buttons">
            <button type="submit" className="btn btn-primary" disabled={invalid} data-testid="journal-apply">
              {t('journal.apply')}
            </button>
            <button type="button" className="btn" onClick={onClear} data-testid="journal-clear">
              {t('journal.clear')}
            </button>
          </div>
          <div className="export-box">
            <button type="button" className="btn" onClick={onExport} disabled={invalid || exporting} aria-describedby="journal-export-hint" data-testid="journal-export">
              ⤓ {exporting ? t('journal.exporting') : t('journal.export')}
            </button>
            <p className="hint" id="journal-export-hint">
              {verifyBefore}
              <code>{t('journal.verifyCommand')}</code>
              {verifyAfter}
            </p>
          </div>
        </div>
        <ErrorBox error={exportError} testId="export-error" />
        {exported && (
          <Notice kind="success" testId="export-done">
            {t('journal.exported', { file: exported })}
          </Notice>
        )}
      </form>
    </section>
  );
}
