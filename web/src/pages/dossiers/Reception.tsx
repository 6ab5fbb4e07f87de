import { keepPreviousData } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState, type ChangeEvent, type FocusEvent, type KeyboardEvent, type ReactNode, type Ref } from 'react';
import { get as errorAt, useFieldArray, type FieldErrors, type UseFormReturn } from 'react-hook-form';
import { z } from 'zod';
import { CHANNELS } from '../../../../common/dossier-workflow.ts';
import { newDossierBody, relatedPerson } from '../../../../common/schemas/dossiers.ts';
import { $api, useRoles, type DossierDetail, type OfferedProcedure, type UnitRef } from '../../api/index.ts';
import { ErrorBox, Field, FieldFrame, Loading, Notice, usePageTitle } from '../../components.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { messageIn, useZodForm } from '../../components/form.tsx';
import { isIsoDate } from '../../dates.ts';
import { useI18n } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { formatDueDate } from './Dossiers.tsx';
import { vietnamDate } from '../../../../common/vietnam-time.ts';

/** Thủ tục đăng ký khai sinh: the father and the mother are the related persons. */
const BIRTH_REGISTRATION = '1.001193';
const PARENTS = ['Cha', 'Mẹ'];
/** Relations as they are written in civil-status papers (stored in Vietnamese whatever the UI language). */
const RELATIONS = ['Cha', 'Mẹ', 'Vợ', 'Chồng', 'Con', 'Người được khai sinh', 'Người chết', 'Người giám hộ', 'Người được ủy quyền'];

/** Today in Vietnam as YYYY-MM-DD: the latest possible date of birth. */
const todayInVietnam = () => vietnamDate(new Date());

const personRow = z.object({ relation: z.string(), personalId: z.string(), fullName: z.string(), birthDate: z.string() });
type PersonRow = z.infer<typeof personRow>;
const blank = (p: PersonRow) => !p.personalId && !p.fullName.trim() && !p.birthDate;
const relatedRow = (relation = ''): PersonRow => ({ relation, personalId: '', fullName: '', birthDate: '' });

/**
 * The related persons as the form holds them: a row left empty is ignored (the father of a birth registration may be
 * unknown); every other row is checked with the server's schema, its mistakes told beside its own fields.
 */
const personRows = z
  .array(personRow)
  .transform((rows, ctx) => {
    const persons: z.output<typeof relatedPerson>[] = [];
    rows.forEach((row, i) => {
      if (blank(row)) return;
      const parsed = relatedPerson.safeParse(row);
      if (parsed.success) persons.push(parsed.data);
      else for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [i, ...issue.path] });
    });
    return persons;
  })
  .pipe(newDossierBody.shape.persons.unwrap());

/** What the desk fills in: the server's dossier-creation schema (the procedure and the desk are chosen apart). */
const receptionForm = newDossierBody.pick({ channel: true, applicant: true, receivedPapers: true }).extend({ persons: personRows });
type ReceptionValues = z.input<typeof receptionForm>;
type ReceptionForm = UseFormReturn<ReceptionValues, unknown, z.output<typeof receptionForm>>;
type PersonAt = 'applicant' | `persons.${number}`;
type FieldName = `applicant.${'personalId' | 'fullName' | 'birthDate' | 'phone' | 'email' | 'address'}` | `persons.${number}.${keyof PersonRow}`;

const emptyForm: ReceptionValues = {
  channel: 'in_person',
  applicant: { personalId: '', fullName: '', birthDate: '', phone: '', email: '', address: '' },
  persons: [],
  receivedPapers: [],
};

/** The order in which a person's mistakes are listed above the submit button. */
const FIELD_ORDER = ['relation', 'personalId', 'fullName', 'birthDate', 'phone', 'email', 'address'];

/** The desks where this officer receives: the units of their roles that carry dossiers.receive. */
function useDesks(): UnitRef[] | null {
  const me = useMe();
  const { data: roles } = useRoles();
  return useMemo(() => {
    if (!roles) return null;
    const receiving = new Set<string>(roles.filter((r) => r.permissions.includes('dossiers.receive')).map((r) => r.role));
    const desks = new Map<string, UnitRef>();
    for (const grant of me.roles) if (receiving.has(grant.role)) desks.set(grant.unit.id, grant.unit);
    return [...desks.values()];
  }, [me, roles]);
}

/**
 * The first step, focused on load: type part of the code or of the name (diacritics optional), move with the arrow
 * keys, Enter to choose. The list stays open under the box: it is the page's first question, not a popup.
 */
function ProcedurePicker({ deskId, onChoose }: { deskId: string; onChoose: (p: OfferedProcedure) => void }) {
  const { t } = useI18n();
  const listId = useId();
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    const timer = window.setTimeout(() => setSearch(text.trim()), 150);
    return () => window.clearTimeout(timer);
  }, [text]);
  // the list shown stays while the next answer is awaited
  const offered = $api.useQuery('get', '/api/procedures/offered', { params: { query: { unitId: deskId, status: 'offered', q: search || undefined } } }, { placeholderData: keepPreviousData });
  const items = offered.data?.items ?? null;
  const failed = offered.isError;
  useEffect(() => setActive(0), [offered.data]);

  useEffect(() => {
    listRef.current?.querySelector('[aria-selected=true]')?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const n = items?.length ?? 0;
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' && n) {
      event.preventDefault();
      setActive((i) => (i + 1) % n);
    } else if (event.key === 'ArrowUp' && n) {
      event.preventDefault();
      setActive((i) => (i <= 0 ? n - 1 : i - 1));
    } else if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      if (items?.[active]) onChoose(items[active]);
    } else if (event.key === 'Escape' && text) {
      event.preventDefault();
      setText('');
    }
  };
  return (
    <div className="procedure-picker">
      <Field label={t('reception.procedureSearch')} hint={t('reception.procedureHint')}>
        {(id, hint) => (
          <input
            id={id}
            type="text"
            role="combobox"
            name="procedure"
            autoFocus
            autoComplete="off"
            spellCheck={false}
            aria-autocomplete="list"
            aria-expanded={n > 0}
            aria-controls={listId}
            aria-activedescendant={items?.[active] ? `${listId}-${active}` : undefined}
            aria-describedby={hint}
            placeholder={t('reception.procedurePlaceholder')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKeyDown}
            className="procedure-search"
            data-testid="procedure-search"
          />
        )}
      </Field>
      {failed && <Notice kind="warning">{t('reception.procedureFailed')}</Notice>}
      {!failed && items === null && <Loading />}
      {!failed && items?.length === 0 && <p className="muted">{t('reception.procedureNone')}</p>}
      <ul id={listId} ref={listRef} role="listbox" className="procedure-list" aria-label={t('reception.procedureList')} hidden={!n}>
        {items?.map((p, i) => (
          <li
            key={p.id}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'procedure-option active' : 'procedure-option'}
            onMouseDown={(e) => e.preventDefault()}
            onMouseEnter={() => setActive(i)}
            onClick={() => onChoose(p)}
            data-testid="procedure-option"
            data-code={p.code}
          >
            <code className="procedure-code">{p.code}</code>
            <span className="procedure-name">{p.name}</span>
            <span className="muted small procedure-meta">
              {p.field} · {p.current.processingDays > 0 ? t('reception.processingDays', { n: p.current.processingDays }) : t('reception.sameDay')}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A field of this form, whose names are nested (`applicant.personalId`, `persons.0.fullName`): the label, the hint
 * and the field's own mistake beside it, as FormField shows them, the input keeping the name it always had (the
 * desk's browsers and tests know it by that name). `clean` rewrites what is typed; `onValue` follows each change.
 */
function NestedField({
  form,
  name,
  inputName,
  label,
  hint,
  required,
  clean,
  onValue,
  children,
}: {
  form: ReceptionForm;
  name: FieldName;
  inputName: string;
  label: string;
  hint?: string;
  required?: boolean;
  clean?: (value: string) => string;
  onValue?: (value: string) => void;
  children: (props: {
    id: string;
    name: string;
    ref: Ref<HTMLInputElement>;
    onChange: (e: ChangeEvent<HTMLInputElement>) => void;
    onBlur: (e: FocusEvent<HTMLInputElement>) => void;
    'aria-invalid'?: boolean;
    'aria-describedby'?: string;
  }) => ReactNode;
}) {
  const { lang } = useI18n();
  const id = `field-${name}`;
  const error = (errorAt(form.formState.errors, name) as { message?: string } | undefined)?.message;
  const { ref, onChange, onBlur } = form.register(name);
  // react-hook-form finds the field by the event's target name: it is given the form's own name
  const relay = (e: ChangeEvent<HTMLInputElement> | FocusEvent<HTMLInputElement>) => ({ target: { name, value: e.target.value }, type: e.type });
  return (
    <FieldFrame id={id} label={label} hint={hint} required={required} error={error && messageIn(lang, error)}>
      {(describedBy) =>
        children({
          id,
          name: inputName,
          ref,
          onChange: (e) => {
            if (clean) e.target.value = clean(e.target.value);
            void onChange(relay(e));
            onValue?.(e.target.value);
          },
          onBlur: (e) => void onBlur(relay(e)),
          'aria-invalid': error ? true : undefined,
          'aria-describedby': describedBy,
        })
      }
    </FieldFrame>
  );
}

const onlyDigits = (value: string) => value.replace(/\D/g, '').slice(0, 12);

/**
 * A citizen's personal ID, full name and date of birth. The ID is checked once the field is left, or as soon as its
 * 12 digits are typed; the date of birth as it is chosen, against the year the ID encodes.
 */
function PersonFields({ form, at, names, compact }: { form: ReceptionForm; at: PersonAt; names: { personalId: string; fullName: string; birthDate: string }; compact?: boolean }) {
  const { t } = useI18n();
  const id = `${at}.personalId` as const;
  const date = `${at}.birthDate` as const;
  // a row emptied again is ignored: its mistakes go with it
  const forgetIfBlank = () => {
    if (at !== 'applicant' && blank(form.getValues(at))) form.clearErrors(at);
  };
  return (
    <>
      <NestedField
        form={form}
        name={id}
        inputName={names.personalId}
        label={t(compact ? 'reception.personalIdShort' : 'reception.personalId')}
        hint={compact ? undefined : t('reception.personalIdHint')}
        required
        clean={onlyDigits}
        onValue={(value) => {
          if (value.length === 12) void form.trigger(id);
          if (form.getValues(date)) void form.trigger(date);
          forgetIfBlank();
        }}
      >
        {(props) => <input {...props} type="text" inputMode="numeric" autoComplete="off" maxLength={12} className="mono" placeholder={compact ? t('reception.personalIdPlaceholder') : undefined} />}
      </NestedField>
      <NestedField form={form} name={`${at}.fullName`} inputName={names.fullName} label={t('reception.fullName')} required onValue={forgetIfBlank}>
        {(props) => <input {...props} type="text" autoComplete="off" maxLength={120} />}
      </NestedField>
      <NestedField form={form} name={date} inputName={names.birthDate} label={t('reception.birthDate')} required>
        {(props) => (
          <DateInput
            form={form}
            name={date}
            inputName={props.name}
            id={props.id}
            aria-describedby={props['aria-describedby']}
            max={todayInVietnam()}
            onValue={(value) => {
              // a whole date is checked at once, against the year the personal ID encodes
              if (isIsoDate(value)) void form.trigger(date);
              forgetIfBlank();
            }}
          />
        )}
      </NestedField>
    </>
  );
}

function Receipt({ dossier, onNext }: { dossier: DossierDetail; onNext: () => void }) {
  const { t, lang } = useI18n();
  const printRef = useRef<HTMLAnchorElement>(null);
  // The receipt is what the citizen gets next (React's autoFocus does not apply to links).
  useEffect(() => printRef.current?.focus(), []);
  const due = dossier.apologyDueAt ?? dossier.dueAt;
  const weekday = due ? new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { weekday: 'long' }).format(new Date(Date.parse(due) - 1)) : '';
  return (
    <section className="card reception-done" data-testid="reception-done" aria-labelledby="reception-done-title">
      <h2 id="reception-done-title">✓ {t('reception.done')}</h2>
      <div className="reception-result">
        <div>
          <div className="result-label">{t('reception.code')}</div>
          <div className="result-code" data-testid="dossier-code">
            {dossier.code}
          </div>
        </div>
        <div>
          <div className="result-label">{t('reception.promised')}</div>
          <div className="result-date" data-testid="promised-date">
            {formatDueDate(due)}
          </div>
          <div className="muted">{weekday}</div>
        </div>
      </div>
      <p>
        {dossier.procedure.name} <span className="muted">({dossier.procedure.code})</span> · <strong>{dossier.applicant.fullName}</strong>
      </p>
      <div className="button-row">
        <a className="btn btn-primary" href={`/api/dossiers/${dossier.id}/forms/receipt`} ref={printRef} data-testid="print-receipt">
          {t('reception.printReceipt')}
        </a>
        <button type="button" className="btn" onClick={onNext} data-testid="reception-next">
          {t('reception.next')}
        </button>
        <Link to={`/dossiers/${dossier.id}`} className="btn" data-testid="reception-open">
          {t('reception.open')}
        </Link>
      </div>
    </section>
  );
}

/** The dossier itself, once the procedure is chosen: the people, the papers, the channel; Ctrl+Enter receives it. */
function ReceptionFormView({
  form,
  procedure,
  desk,
  onChangeProcedure,
  onReceived,
}: {
  form: ReceptionForm;
  procedure: OfferedProcedure;
  desk: UnitRef;
  onChangeProcedure: () => void;
  onReceived: (dossier: DossierDetail) => void;
}) {
  const { t, lang } = useI18n();
  const persons = useFieldArray({ control: form.control, name: 'persons' });
  const receive = $api.useMutation('post', '/api/dossiers');
  const [tried, setTried] = useState(false);
  const documents = procedure.current.documents;
  const papers = form.watch('receivedPapers') ?? [];
  const rows = form.watch('persons');

  useEffect(() => {
    // Birth registration names the father and the mother: their rows are ready, left empty when one is unknown.
    if (procedure.code === BIRTH_REGISTRATION && !form.getValues('persons').some((r) => !blank(r))) persons.replace(PARENTS.map((relation) => relatedRow(relation)));
    // After choosing, the applicant's personal ID is next.
    form.setFocus('applicant.personalId');
    // once per chosen procedure (the view is keyed by it)
  }, [procedure]);

  const papersMissing = (received: string[]): string[] => {
    const missing = documents.filter((d) => d.required && !received.includes(d.name)).map((d) => d.name);
    return missing.length ? [t('reception.papersMissing', { names: missing.join('; ') })] : [];
  };
  // every mistake at once, above the button, as "Người nộp hồ sơ: …"
  const problemsOf = (errors: FieldErrors<ReceptionValues>): string[] => {
    const found: string[] = [];
    const list = (label: string, group: unknown) => {
      for (const key of FIELD_ORDER) {
        const message: unknown = errorAt(group, `${key}.message`);
        if (typeof message === 'string') found.push(`${label}: ${messageIn(lang, message)}`);
      }
    };
    list(t('reception.applicant'), errors.applicant);
    const rowErrors: unknown = errors.persons;
    if (Array.isArray(rowErrors)) rowErrors.forEach((p, i) => list(t('reception.personN', { n: i + 1 }), p));
    const whole: unknown = errorAt(rowErrors, 'root.message') ?? errorAt(rowErrors, 'message');
    if (typeof whole === 'string') found.push(messageIn(lang, whole));
    return found;
  };

  // after the first attempt the list follows the form: a paper ticked or a field put right leaves it at once
  const problems = tried ? [...problemsOf(form.formState.errors), ...papersMissing(papers)] : [];

  const submit = form.handleSubmit(
    async (values) => {
      setTried(true);
      if (papersMissing(values.receivedPapers).length) return;
      const body = {
        ...values,
        offeredProcedureId: procedure.id,
        unitId: desk.id,
        // in the procedure's order
        receivedPapers: documents.filter((d) => values.receivedPapers.includes(d.name)).map((d) => d.name),
      };
      const dossier = await receive.mutateAsync({ body }).catch(() => null);
      if (dossier) onReceived(dossier);
    },
    () => setTried(true),
  );
  const busy = form.formState.isSubmitting;

  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (!busy) void submit();
    }
  };

  const parentsMissing = procedure.code === BIRTH_REGISTRATION ? PARENTS.filter((r) => !rows.some((p) => p.relation.trim() === r)) : [];
  const relationsId = 'relation-suggestions';

  return (
    <form onSubmit={(e) => void submit(e)} onKeyDown={onKeyDown} autoComplete="off" noValidate data-testid="reception-form">
      <section className="card chosen-procedure" data-testid="chosen-procedure">
        <div>
          <div className="muted small">{t('reception.procedure')}</div>
          <div className="chosen-name">
            <code>{procedure.code}</code> {procedure.name}
          </div>
          <div className="muted small">
            {t(`reception.level.${procedure.level}`)} · {procedure.current.processingDays > 0 ? t('reception.processingDays', { n: procedure.current.processingDays }) : t('reception.sameDay')}
          </div>
        </div>
        <button type="button" className="btn" onClick={onChangeProcedure} data-testid="change-procedure">
          {t('reception.change')}
        </button>
      </section>

      <div className="reception-grid">
        <div>
          <section className="card" aria-labelledby="applicant-title">
            <h2 id="applicant-title">{t('reception.applicant')}</h2>
            <div className="form-grid" data-testid="applicant">
              <PersonFields form={form} at="applicant" names={{ personalId: 'applicantPersonalId', fullName: 'applicantFullName', birthDate: 'applicantBirthDate' }} />
              <NestedField form={form} name="applicant.phone" inputName="applicantPhone" label={t('reception.phone')}>
                {(props) => <input {...props} type="tel" inputMode="tel" autoComplete="off" maxLength={20} />}
              </NestedField>
              <NestedField form={form} name="applicant.email" inputName="applicantEmail" label={t('reception.email')}>
                {(props) => <input {...props} type="email" inputMode="email" autoComplete="off" maxLength={200} />}
              </NestedField>
              <NestedField form={form} name="applicant.address" inputName="applicantAddress" label={t('reception.address')}>
                {(props) => <input {...props} type="text" autoComplete="off" maxLength={300} />}
              </NestedField>
            </div>
          </section>

          <section className="card" aria-labelledby="persons-title" data-testid="persons">
            <h2 id="persons-title">{t('reception.persons')}</h2>
            <p className="hint">{t('reception.personsHint')}</p>
            <datalist id={relationsId}>
              {RELATIONS.map((r) => (
                <option key={r} value={r} />
              ))}
            </datalist>
            {persons.fields.length === 0 && <p className="muted">{t('reception.personsNone')}</p>}
            {persons.fields.map((row, i) => (
              <fieldset key={row.id} className="person-row" data-testid="person-row" data-relation={rows[i]?.relation ?? row.relation}>
                <legend className="visually-hidden">{t('reception.personN', { n: i + 1 })}</legend>
                <NestedField form={form} name={`persons.${i}.relation`} inputName={`relation-${i}`} label={t('reception.relation')} required>
                  {(props) => <input {...props} type="text" list={relationsId} autoComplete="off" maxLength={60} placeholder={t('reception.relationPlaceholder')} />}
                </NestedField>
                <PersonFields form={form} at={`persons.${i}`} names={{ personalId: `personalId-${i}`, fullName: `fullName-${i}`, birthDate: `birthDate-${i}` }} compact />
                <button
                  type="button"
                  className="btn btn-small btn-ghost person-remove"
                  onClick={() => persons.remove(i)}
                  aria-label={t('reception.removePerson', { n: i + 1 })}
                  title={t('reception.removePerson', { n: i + 1 })}
                >
                  ✕
                </button>
              </fieldset>
            ))}
            <div className="button-row">
              {parentsMissing.map((relation) => (
                <button key={relation} type="button" className="btn btn-small" onClick={() => persons.append(relatedRow(relation), { shouldFocus: false })}>
                  + {t(relation === 'Cha' ? 'reception.addFather' : 'reception.addMother')}
                </button>
              ))}
              <button type="button" className="btn btn-small" onClick={() => persons.append(relatedRow(), { shouldFocus: false })} data-testid="add-person">
                + {t('reception.addPerson')}
              </button>
            </div>
          </section>
        </div>

        <div className="reception-side">
          <section className="card" aria-labelledby="papers-title" data-testid="papers">
            <h2 id="papers-title">{t('reception.papers')}</h2>
            {documents.length === 0 ? (
              <p className="muted">{t('reception.papersNone')}</p>
            ) : (
              <>
                <p className="hint">{t('reception.papersHint')}</p>
                <ul className="checklist">
                  {documents.map((d, i) => (
                    <li key={i}>
                      <label>
                        <input
                          type="checkbox"
                          name={`paper-${i}`}
                          checked={papers.includes(d.name)}
                          onChange={(e) => form.setValue('receivedPapers', e.target.checked ? [...papers, d.name] : papers.filter((n) => n !== d.name))}
                          data-testid="paper"
                          data-required={d.required}
                        />
                        <span>
                          {d.name}
                          <span className="muted small">
                            {' '}
                            ({d.required ? t('common.required') : t('reception.optional')}; {t('reception.copies', { n: d.copies })})
                          </span>
                        </span>
                      </label>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>

          <section className="card">
            <fieldset className="channel-choice">
              <legend>{t('reception.channel')}</legend>
              {CHANNELS.map((c) => (
                <label key={c} className="radio">
                  <input type="radio" {...form.register('channel')} value={c} />
                  {t(`dossier.channel.${c}`)}
                </label>
              ))}
            </fieldset>
            {problems.length > 0 && (
              <div className="alert alert-error" role="alert" data-testid="reception-problems">
                <ul>
                  {problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </div>
            )}
            <ErrorBox error={receive.error} />
            <button type="submit" className="btn btn-primary btn-block btn-large" disabled={busy} data-testid="reception-submit">
              {busy ? t('reception.submitting') : t('reception.submit')}
              <kbd>{t('reception.submitKeys')}</kbd>
            </button>
          </section>
        </div>
      </div>
    </form>
  );
}

export function ReceptionPage() {
  const { t } = useI18n();
  usePageTitle(t('reception.title'));
  const desks = useDesks();
  const [deskId, setDeskId] = useState('');
  const [procedure, setProcedure] = useState<OfferedProcedure | null>(null);
  const [received, setReceived] = useState<DossierDetail | null>(null);
  // the form outlives a change of procedure: the people typed in stay, the papers (the procedure's) do not
  const form = useZodForm(receptionForm, emptyForm);

  const desk = desks?.find((d) => d.id === deskId) ?? desks?.[0] ?? null;

  const reset = () => {
    form.reset(emptyForm);
    setProcedure(null);
    setReceived(null);
  };
  const choose = (p: OfferedProcedure) => {
    form.setValue('receivedPapers', []);
    setProcedure(p);
  };

  if (desks === null) return <Loading />;
  if (!desk) {
    return (
      <div className="page" data-testid="reception-page">
        <h1>{t('reception.title')}</h1>
        <Notice kind="warning">{t('reception.noDesk')}</Notice>
      </div>
    );
  }

  return (
    <div className="page page-wide" data-testid="reception-page">
      <div className="page-head">
        <h1>{t('reception.title')}</h1>
        {desks.length > 1 ? (
          <label className="desk-select">
            <span>{t('reception.desk')}</span>
            <select name="desk" value={desk.id} onChange={(e) => setDeskId(e.target.value)} disabled={!!procedure && !received}>
              {desks.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span className="muted" data-testid="reception-desk">
            {t('reception.desk')}: <strong>{desk.name}</strong>
          </span>
        )}
      </div>

      {received ? (
        <Receipt dossier={received} onNext={reset} />
      ) : !procedure ? (
        <section className="card">
          <ProcedurePicker key={desk.id} deskId={desk.id} onChoose={choose} />
        </section>
      ) : (
        <ReceptionFormView key={procedure.id} form={form} procedure={procedure} desk={desk} onChangeProcedure={() => setProcedure(null)} onReceived={setReceived} />
      )}
    </div>
  );
}
