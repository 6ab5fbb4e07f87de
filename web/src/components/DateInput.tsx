import { useEffect, useId, useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { DayPicker, type Formatters, type Matcher } from 'react-day-picker';
import { enUS, vi } from 'react-day-picker/locale';
import 'react-day-picker/style.css';
import { useController, type FieldPathByValue, type FieldValues, type UseFormReturn } from 'react-hook-form';
import { vietnamDate, type IsoDate } from '../../../common/vietnam-time.ts';
import { dateProblem, formValue, isIsoDate, readDate, showDate } from '../dates.ts';
import { useI18n } from '../i18n.ts';

/** What the input shows before anything is typed: the order of the day and the month is never the browser's. */
const PLACEHOLDER = 'dd/mm/yyyy';
const FIRST_YEAR = 1900;
const YEARS_AHEAD = 10;
const VI_WEEKDAYS = ['CN', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'];

// the calendar counts in the browser's own days: a YYYY-MM-DD is that day's local midnight, and back
function localDay(iso: IsoDate): Date {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  const at = new Date(0);
  at.setFullYear(year, month - 1, day);
  at.setHours(0, 0, 0, 0);
  return at;
}
const two = (n: number) => String(n).padStart(2, '0');
const isoOf = (day: Date): IsoDate => `${String(day.getFullYear()).padStart(4, '0')}-${two(day.getMonth() + 1)}-${two(day.getDate())}`;

/** "tháng 7 năm 1965", as Vietnamese writes a month; English keeps the library's "July 1965". */
const monthYear = (month: Date) => `tháng ${month.getMonth() + 1} năm ${month.getFullYear()}`;
const viFormatters: Partial<Formatters> = {
  formatCaption: monthYear,
  formatMonthDropdown: (month) => `Tháng ${month.getMonth() + 1}`,
  formatWeekdayName: (weekday) => VI_WEEKDAYS[weekday.getDay()]!,
};
const viLocale = { ...vi, labels: { ...vi.labels, labelGrid: monthYear } };

/**
 * A date typed day first (20071965, 20/7/1965, 20-07-1965) or chosen on a calendar, whatever the browser's
 * language: it shows dd/mm/yyyy and the form holds YYYY-MM-DD ('' when empty), as the server's schemas check it. A
 * text that is not a date the field takes stays in the form as typed, so the form is refused, and its mistake is
 * told in the form's error for the field (FormField's frame shows it): the day that does not exist, or the bound.
 */
export function DateInput<V extends FieldValues>({
  form,
  name,
  inputName,
  id,
  min,
  max,
  onValue,
  'aria-describedby': describedBy,
  'aria-label': ariaLabel,
  'aria-invalid': invalid,
  'data-testid': testId,
}: {
  form: UseFormReturn<V, unknown, any>;
  name: FieldPathByValue<V, string>;
  /** the input's own name when it is not the field's path (the desk's browsers know it by that name) */
  inputName?: string;
  id?: string;
  min?: IsoDate;
  max?: IsoDate;
  /** follows each change of what the form holds */
  onValue?: (value: string) => void;
  'aria-describedby'?: string;
  /** for an input without a label of its own */
  'aria-label'?: string;
  /** a mistake the page finds itself (the form's own error for the field marks it too) */
  'aria-invalid'?: boolean;
  'data-testid'?: string;
}) {
  const { t, lang } = useI18n();
  const { field, fieldState } = useController({ control: form.control, name });
  const value = typeof field.value === 'string' ? field.value : '';
  const [text, setText] = useState(() => showDate(value));
  // what this input last gave the form: any other value came from outside (a reset) and is shown
  const given = useRef(value);
  const [open, setOpen] = useState(false);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const calendarId = useId();

  useEffect(() => {
    if (value === given.current) return;
    given.current = value;
    setText(showDate(value));
  }, [value]);

  // the schema refuses what is not YYYY-MM-DD in its own words: say why in the terms of what was typed
  const problem = dateProblem(value, { min, max });
  const message = problem && t(problem.key, problem.params);
  const error = fieldState.error?.message;
  useLayoutEffect(() => {
    if (message && error !== undefined && error !== message) form.setError(name, { type: 'date', message });
  }, [message, error]);

  useEffect(() => {
    if (!open) return;
    const closeOutside = (event: PointerEvent) => {
      if (!wrapperRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', closeOutside);
    return () => document.removeEventListener('pointerdown', closeOutside);
  }, [open]);

  const give = (typed: string) => {
    setText(typed);
    const next = formValue(typed, { min, max });
    given.current = next;
    field.onChange(next);
    onValue?.(next);
  };
  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  const onInputKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' && event.altKey) {
      event.preventDefault();
      setOpen(true);
    }
  };
  const onCalendarKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Escape') return;
    // the calendar closes, not the dialog it may be in
    event.preventDefault();
    event.stopPropagation();
    close();
  };
  const onCalendarBlur = (event: FocusEvent<HTMLDivElement>) => {
    if (event.relatedTarget && !wrapperRef.current?.contains(event.relatedTarget)) setOpen(false);
  };

  const selected = isIsoDate(value) ? localDay(value) : undefined;
  const today = localDay(vietnamDate(new Date()));
  const disabled: Matcher[] = [...(min ? [{ before: localDay(min) }] : []), ...(max ? [{ after: localDay(max) }] : [])];
  const startMonth = min ? localDay(min) : new Date(FIRST_YEAR, 0, 1);
  const endMonth = max ? localDay(max) : new Date(today.getFullYear() + YEARS_AHEAD, 11, 31);
  const shownMonth = selected ?? (max && today > endMonth ? endMonth : min && today < startMonth ? startMonth : today);

  return (
    <div className="date-input" ref={wrapperRef}>
      <input
        id={id}
        ref={field.ref}
        name={inputName ?? name}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        spellCheck={false}
        maxLength={14}
        placeholder={PLACEHOLDER}
        value={text}
        onChange={(e) => give(e.target.value)}
        onBlur={() => {
          const reading = readDate(text);
          if (reading.ok) setText(showDate(reading.date));
          field.onBlur();
        }}
        onKeyDown={onInputKeyDown}
        aria-label={ariaLabel}
        aria-describedby={describedBy}
        aria-invalid={invalid || fieldState.invalid ? true : undefined}
        data-testid={testId}
      />
      <button
        ref={buttonRef}
        type="button"
        className="btn date-input-button"
        onClick={() => setOpen((o) => !o)}
        aria-label={t('date.openCalendar')}
        title={t('date.openCalendar')}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? calendarId : undefined}
        data-testid={testId && `${testId}-calendar`}
      >
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
          <rect x="2.5" y="4" width="15" height="13.5" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M2.5 8h15M6.5 2v4M13.5 2v4" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
      </button>
      {open && (
        <div id={calendarId} className="date-popover" role="dialog" aria-label={t('date.calendar')} onKeyDown={onCalendarKeyDown} onBlur={onCalendarBlur} data-testid="date-calendar">
          <DayPicker
            mode="single"
            required
            selected={selected}
            onSelect={(day) => {
              give(showDate(isoOf(day)));
              close();
            }}
            locale={lang === 'en' ? enUS : viLocale}
            formatters={lang === 'en' ? undefined : viFormatters}
            // Vietnam's week begins on Monday, in English too
            weekStartsOn={1}
            captionLayout="dropdown"
            startMonth={startMonth}
            endMonth={endMonth}
            defaultMonth={shownMonth}
            today={today}
            disabled={disabled}
            autoFocus
          />
        </div>
      )}
    </div>
  );
}
