import { useState } from 'react';
import { useFieldArray, type UseFormReturn } from 'react-hook-form';
import { z } from 'zod';
import { calendarYearBody, CALENDAR_DAY_KINDS } from '../../../../common/schemas/calendar.ts';
import { addDays, isIsoDate, vietnamDate, weekday } from '../../../../common/vietnam-time.ts';
import { $api, type CalendarYear } from '../../api/index.ts';
import { ErrorBox, Field, Notice, usePageTitle } from '../../components.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { FormField, messageIn, useZodForm } from '../../components/form.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { showDate } from '../../dates.ts';
import { useI18n } from '../../i18n.ts';

type YearForm = UseFormReturn<z.input<typeof calendarYearBody>, unknown, z.output<typeof calendarYearBody>>;
type Day = CalendarYear['days'][number];

const isWeekend = (day: string) => weekday(day) === 0 || weekday(day) === 6;

const rangeSchema = z
  .object({ from: z.string(), to: z.string(), name: z.string().trim().min(2, 'Hãy ghi tên ngày nghỉ / name the days off').max(200) })
  .refine((r) => isIsoDate(r.from), { path: ['from'], message: 'Chọn ngày bắt đầu / choose the first day' })
  .refine((r) => isIsoDate(r.to) && r.to >= r.from, { path: ['to'], message: 'Ngày kết thúc không trước ngày bắt đầu / the last day is not before the first' });

/** A run of days off (Tết, say) added at once: its working days, as the weekends are off anyway (appended through the editor's own field array). */
function DayRange({ form, append }: { form: YearForm; append: (day: z.input<typeof calendarYearBody>['days'][number]) => void }) {
  const { t } = useI18n();
  const range = useZodForm(rangeSchema, { from: '', to: '', name: '' });
  const add = range.handleSubmit(({ from, to, name }) => {
    const have = new Set(form.getValues('days').map((d) => d.date));
    for (let day = from; day <= to; day = addDays(day, 1)) if (!isWeekend(day) && !have.has(day)) append({ date: day, kind: 'holiday', name });
    range.reset({ from: '', to: '', name: '' });
  });
  return (
    <fieldset className="day-range" data-testid="calendar-range">
      <legend>{t('calendar.addRange')}</legend>
      <div className="toolbar">
        <FormField form={range} name="from" label={t('calendar.from')}>
          {(field) => <DateInput form={range} name="from" id={field.id} aria-describedby={field['aria-describedby']} data-testid="range-from" />}
        </FormField>
        <FormField form={range} name="to" label={t('calendar.to')}>
          {(field) => <DateInput form={range} name="to" id={field.id} aria-describedby={field['aria-describedby']} data-testid="range-to" />}
        </FormField>
        <FormField form={range} name="name" label={t('calendar.name')}>
          {(field) => <input {...field} type="text" maxLength={200} placeholder={t('calendar.rangePlaceholder')} data-testid="range-name" />}
        </FormField>
        <button type="button" className="btn" onClick={() => void add()} data-testid="range-add">
          + {t('calendar.addDays')}
        </button>
      </div>
    </fieldset>
  );
}

/** The year's table as the decision sets it: its reference, then every day off and make-up working day. */
function YearEditor({ year, data, onSaved, onCancel }: { year: number; data: CalendarYear; onSaved: (y: CalendarYear) => void; onCancel: () => void }) {
  const { t, lang } = useI18n();
  const form = useZodForm(calendarYearBody, { decision: data.decision ?? '', days: data.days.map((d) => ({ date: d.date, kind: d.kind, name: d.name })) });
  const days = useFieldArray({ control: form.control, name: 'days' });
  const save = $api.useMutation('put', '/api/calendar/years/{year}');
  const errors = form.formState.errors.days;
  return (
    <form
      className="card"
      noValidate
      onSubmit={form.handleSubmit(async (body) => {
        const sorted = { ...body, days: [...body.days].sort((a, b) => a.date.localeCompare(b.date)) };
        onSaved(await save.mutateAsync({ params: { path: { year } }, body: sorted }));
      })}
      data-testid="calendar-form"
    >
      <h2>{t('calendar.editTitle', { year })}</h2>
      <FormField form={form} name="decision" label={t('calendar.decision')} hint={t('calendar.decisionHint')} required>
        {(field) => <input {...field} type="text" maxLength={300} data-testid="calendar-decision" />}
      </FormField>
      <DayRange form={form} append={days.append} />
      <table className="calendar-rows">
        <caption className="visually-hidden">{t('calendar.days')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('calendar.date')}</th>
            <th scope="col">{t('calendar.kind')}</th>
            <th scope="col">{t('calendar.name')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {days.fields.map((row, i) => {
            const message = errors?.[i]?.date?.message ?? errors?.[i]?.name?.message;
            return (
              <tr key={row.id} data-testid="calendar-row">
                <td>
                  <DateInput form={form} name={`days.${i}.date`} min={`${year}-01-01`} max={`${year}-12-31`} aria-label={t('calendar.dateOf', { n: i + 1 })} data-testid="calendar-row-date" />
                </td>
                <td>
                  <select {...form.register(`days.${i}.kind`)} aria-label={t('calendar.kindOf', { n: i + 1 })} data-testid="calendar-row-kind">
                    {CALENDAR_DAY_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {t(`calendar.kind.${k}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input {...form.register(`days.${i}.name`)} type="text" maxLength={200} aria-label={t('calendar.nameOf', { n: i + 1 })} data-testid="calendar-row-name" />
                  {message && <div className="field-error">{messageIn(lang, message)}</div>}
                </td>
                <td>
                  <button type="button" className="btn btn-small btn-danger-outline" onClick={() => days.remove(i)} aria-label={t('calendar.removeOf', { n: i + 1 })}>
                    ✕
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="button" className="btn btn-small" onClick={() => days.append({ date: '', kind: 'holiday', name: '' })} data-testid="calendar-add-day">
        + {t('calendar.addDay')}
      </button>
      <ErrorBox error={save.error} testId="calendar-error" />
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={form.formState.isSubmitting} data-testid="calendar-save">
          {t('calendar.save')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The province's working calendar: the days off and make-up working days every deadline counts with. */
export function CalendarPage() {
  const { t } = useI18n();
  usePageTitle(t('calendar.title'));
  const thisYear = Number(vietnamDate(new Date()).slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const calendar = $api.useQuery('get', '/api/calendar/years/{year}', { params: { path: { year } } });
  const columns: Column<Day>[] = [
    { key: 'date', label: t('calendar.date'), cell: (d) => showDate(d.date), sortValue: (d) => d.date, nowrap: true, rowHeader: true },
    { key: 'weekday', label: t('calendar.weekday'), cell: (d) => t(`calendar.weekday.${d.weekday as 0}`) },
    { key: 'kind', label: t('calendar.kind'), cell: (d) => <span className={`badge ${d.kind === 'holiday' ? 'badge-warning' : 'badge-active'}`}>{t(`calendar.kind.${d.kind}`)}</span> },
    { key: 'name', label: t('calendar.name'), cell: (d) => d.name },
  ];
  return (
    <div className="page" data-testid="calendar-page">
      <div className="page-head">
        <h1>{t('calendar.title')}</h1>
        <Field label={t('calendar.year')}>
          {(id) => (
            <select
              id={id}
              value={year}
              onChange={(e) => {
                setYear(Number(e.target.value));
                setEditing(false);
                setNotice(null);
              }}
              data-testid="calendar-year"
            >
              {[thisYear - 1, thisYear, thisYear + 1, thisYear + 2].map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <p className="muted">{t('calendar.intro')}</p>
      {notice && (
        <Notice kind="success" testId="calendar-notice">
          {notice}
        </Notice>
      )}
      <Loaded query={calendar}>
        {(data) =>
          editing ? (
            <YearEditor
              key={year}
              year={year}
              data={data}
              onSaved={() => {
                setEditing(false);
                setNotice(t('calendar.saved', { year }));
                void calendar.refetch();
              }}
              onCancel={() => setEditing(false)}
            />
          ) : (
            <>
              {!data.defined && <Notice kind="warning">{t('calendar.undefined', { year })}</Notice>}
              <p data-testid="calendar-decision-shown">
                {t('calendar.decision')}: {data.decision ?? <span className="muted">{t('calendar.noDecision')}</span>}
              </p>
              {data.abilities.manage && (
                <button type="button" className="btn btn-primary" onClick={() => setEditing(true)} data-testid="calendar-edit">
                  {t(data.defined ? 'calendar.edit' : 'calendar.enter', { year })}
                </button>
              )}
              <section className="card table-card">
                <DataTable
                  caption={t('calendar.days')}
                  columns={columns}
                  rows={data.days}
                  rowKey={(d) => d.date}
                  rowProps={(d) => ({ 'data-testid': 'calendar-day', 'data-date': d.date, 'data-kind': d.kind })}
                  empty={t('calendar.noDays')}
                  testId="calendar-table"
                />
              </section>
            </>
          )
        }
      </Loaded>
    </div>
  );
}
