import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { CHANNELS, type Channel } from '../../../../common/dossier-workflow.ts';
import { get, post, query, useRoles, type DossierDetail, type OfferedProcedure, type UnitRef } from '../../api/index.ts';
import { ErrorBox, Field, Loading, Notice, usePageTitle } from '../../components.tsx';
import { useI18n, type Translate } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { useMe } from '../../session.ts';
import { birthYearOf, isValidPersonalId } from '../../text.ts';
import { formatDueDate } from './Dossiers.tsx';

/** Thủ tục đăng ký khai sinh: the father and the mother are the related persons. */
const BIRTH_REGISTRATION = '1.001193';
const PARENTS = ['Cha', 'Mẹ'];
/** Relations as they are written in civil-status papers (stored in Vietnamese whatever the UI language). */
const RELATIONS = ['Cha', 'Mẹ', 'Vợ', 'Chồng', 'Con', 'Người được khai sinh', 'Người chết', 'Người giám hộ', 'Người được ủy quyền'];

interface PersonForm {
  personalId: string;
  fullName: string;
  birthDate: string;
}
interface RelatedForm extends PersonForm {
  key: number;
  relation: string;
}
const emptyApplicant = { personalId: '', fullName: '', birthDate: '', phone: '', email: '', address: '' };
type ApplicantForm = typeof emptyApplicant;

let nextRowKey = 1;
const relatedRow = (relation = ''): RelatedForm => ({ key: nextRowKey++, relation, personalId: '', fullName: '', birthDate: '' });

/** Today in Vietnam as YYYY-MM-DD: the latest possible date of birth. */
const todayInVietnam = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());

function personalIdProblem(value: string, t: Translate): string | null {
  if (value.length < 12) return t('reception.personalIdLength', { n: value.length });
  if (!isValidPersonalId(value, new Date())) return t('reception.personalIdInvalid');
  return null;
}

function birthDateProblem(p: PersonForm, t: Translate): string | null {
  if (!p.birthDate || personalIdProblem(p.personalId, t)) return null;
  const year = birthYearOf(p.personalId);
  return Number(p.birthDate.slice(0, 4)) !== year ? t('reception.birthYearMismatch', { year }) : null;
}

const blank = (p: RelatedForm) => !p.personalId && !p.fullName.trim() && !p.birthDate;

/** The desks where this officer receives: the units of their roles that carry dossiers.receive. */
function useDesks(): UnitRef[] | null {
  const me = useMe();
  const { data: roles } = useRoles();
  return useMemo(() => {
    if (!roles) return null;
    const receiving = new Set(roles.filter((r) => r.permissions.includes('dossiers.receive')).map((r) => r.role));
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
  const [items, setItems] = useState<OfferedProcedure[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    let current = true;
    const timer = window.setTimeout(() => {
      get<{ items: OfferedProcedure[] }>(`/api/procedures/offered${query({ unitId: deskId, status: 'offered', q: text.trim() })}`).then(
        (r) => {
          if (!current) return;
          setItems(r.items);
          setFailed(false);
          setActive(0);
        },
        () => current && setFailed(true),
      );
    }, 150);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [deskId, text]);

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

/** A citizen's personal ID: digits only, checked as it is typed (length once the field is left). */
function PersonalIdField({ name, value, onChange, reveal, compact }: { name: string; value: string; onChange: (v: string) => void; reveal: boolean; compact?: boolean }) {
  const { t } = useI18n();
  const [left, setLeft] = useState(false);
  const problem = personalIdProblem(value, t);
  const shown = problem && (value.length === 12 || (left && value !== '') || reveal) ? problem : null;
  const errorId = useId();
  return (
    <Field label={t(compact ? 'reception.personalIdShort' : 'reception.personalId')} hint={compact ? undefined : t('reception.personalIdHint')} required>
      {(id, hint) => (
        <>
          <input
            id={id}
            name={name}
            type="text"
            inputMode="numeric"
            autoComplete="off"
            maxLength={12}
            className="mono"
            placeholder={compact ? t('reception.personalIdPlaceholder') : undefined}
            value={value}
            onChange={(e) => onChange(e.target.value.replace(/\D/g, '').slice(0, 12))}
            onBlur={() => setLeft(true)}
            aria-invalid={!!shown}
            aria-describedby={[shown ? errorId : '', hint ?? ''].join(' ').trim() || undefined}
            data-valid={!problem}
          />
          {shown && (
            <div className="field-error" id={errorId} data-testid="field-error">
              {shown}
            </div>
          )}
        </>
      )}
    </Field>
  );
}

function BirthDateField({ name, person, onChange, reveal }: { name: string; person: PersonForm; onChange: (v: string) => void; reveal: boolean }) {
  const { t } = useI18n();
  const errorId = useId();
  const shown = birthDateProblem(person, t) ?? (reveal && !person.birthDate ? t('reception.birthDateRequired') : null);
  return (
    <Field label={t('reception.birthDate')} required>
      {(id) => (
        <>
          <input id={id} name={name} type="date" max={todayInVietnam()} value={person.birthDate} onChange={(e) => onChange(e.target.value)} aria-invalid={!!shown} aria-describedby={shown ? errorId : undefined} />
          {shown && (
            <div className="field-error" id={errorId} data-testid="field-error">
              {shown}
            </div>
          )}
        </>
      )}
    </Field>
  );
}

function NameField({ name, value, onChange, reveal }: { name: string; value: string; onChange: (v: string) => void; reveal: boolean }) {
  const { t } = useI18n();
  const invalid = reveal && value.trim().length < 2;
  return (
    <Field label={t('reception.fullName')} required>
      {(id) => <input id={id} name={name} type="text" autoComplete="off" maxLength={120} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid} />}
    </Field>
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

export function ReceptionPage() {
  const { t } = useI18n();
  usePageTitle(t('reception.title'));
  const desks = useDesks();
  const [deskId, setDeskId] = useState('');
  const [procedure, setProcedure] = useState<OfferedProcedure | null>(null);
  const [papers, setPapers] = useState<Set<number>>(new Set());
  const [applicant, setApplicant] = useState<ApplicantForm>(emptyApplicant);
  const [persons, setPersons] = useState<RelatedForm[]>([]);
  const [channel, setChannel] = useState<Channel>('in_person');
  const [reveal, setReveal] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [received, setReceived] = useState<DossierDetail | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const firstFieldRef = useRef<HTMLDivElement>(null);

  const desk = desks?.find((d) => d.id === deskId) ?? desks?.[0] ?? null;

  const reset = () => {
    setProcedure(null);
    setPapers(new Set());
    setApplicant(emptyApplicant);
    setPersons([]);
    setChannel('in_person');
    setReveal(false);
    setProblems([]);
    setError(null);
    setReceived(null);
  };

  const choose = (p: OfferedProcedure) => {
    setProcedure(p);
    setPapers(new Set());
    setProblems([]);
    setError(null);
    // Birth registration names the father and the mother: their rows are ready, left empty when one is unknown.
    if (p.code === BIRTH_REGISTRATION) setPersons((rows) => (rows.some((r) => !blank(r)) ? rows : PARENTS.map((relation) => relatedRow(relation))));
  };

  // After choosing, the applicant's personal ID is next.
  useEffect(() => {
    if (procedure) firstFieldRef.current?.querySelector('input')?.focus();
  }, [procedure]);

  const setApplicantField = (key: keyof ApplicantForm) => (value: string) => setApplicant((a) => ({ ...a, [key]: value }));
  const setPerson = (key: number, field: keyof Omit<RelatedForm, 'key'>) => (value: string) => setPersons((rows) => rows.map((r) => (r.key === key ? { ...r, [field]: value } : r)));

  const check = (): string[] => {
    const found: string[] = [];
    const checkPerson = (p: PersonForm, label: string) => {
      const idProblem = personalIdProblem(p.personalId, t);
      if (idProblem) found.push(`${label}: ${idProblem}`);
      if (p.fullName.trim().length < 2) found.push(`${label}: ${t('reception.fullName')} (${t('common.required')})`);
      if (!p.birthDate) found.push(`${label}: ${t('reception.birthDate')} (${t('common.required')})`);
      const birth = birthDateProblem(p, t);
      if (birth) found.push(`${label}: ${birth}`);
    };
    checkPerson(applicant, t('reception.applicant'));
    persons
      .filter((p) => !blank(p))
      .forEach((p, i) => {
        const label = t('reception.personN', { n: i + 1 });
        if (p.relation.trim().length < 2) found.push(`${label}: ${t('reception.relation')} (${t('common.required')})`);
        checkPerson(p, label);
      });
    const missing = procedure?.current.documents.filter((d, i) => d.required && !papers.has(i)).map((d) => d.name) ?? [];
    if (missing.length) found.push(t('reception.papersMissing', { names: missing.join('; ') }));
    return found;
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!procedure || !desk || busy) return;
    const found = check();
    setReveal(true);
    setProblems(found);
    setError(null);
    if (found.length) {
      window.setTimeout(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid=true]')?.focus());
      return;
    }
    setBusy(true);
    try {
      const dossier = await post<DossierDetail>('/api/dossiers', {
        offeredProcedureId: procedure.id,
        unitId: desk.id,
        channel,
        applicant: {
          personalId: applicant.personalId,
          fullName: applicant.fullName.trim(),
          birthDate: applicant.birthDate,
          phone: applicant.phone.trim(),
          email: applicant.email.trim(),
          address: applicant.address.trim(),
        },
        persons: persons
          .filter((p) => !blank(p))
          .map((p) => ({ relation: p.relation.trim(), personalId: p.personalId, fullName: p.fullName.trim(), birthDate: p.birthDate })),
        receivedPapers: procedure.current.documents.filter((_, i) => papers.has(i)).map((d) => d.name),
      });
      setReceived(dossier);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void submit();
    }
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

  const parentsMissing = procedure?.code === BIRTH_REGISTRATION ? PARENTS.filter((r) => !persons.some((p) => p.relation.trim() === r)) : [];
  const relationsId = 'relation-suggestions';

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
        <form ref={formRef} onSubmit={submit} onKeyDown={onKeyDown} autoComplete="off" noValidate data-testid="reception-form">
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
            <button type="button" className="btn" onClick={() => setProcedure(null)} data-testid="change-procedure">
              {t('reception.change')}
            </button>
          </section>

          <div className="reception-grid">
            <div>
              <section className="card" aria-labelledby="applicant-title">
                <h2 id="applicant-title">{t('reception.applicant')}</h2>
                <div className="form-grid" ref={firstFieldRef} data-testid="applicant">
                  <PersonalIdField name="applicantPersonalId" value={applicant.personalId} onChange={setApplicantField('personalId')} reveal={reveal} />
                  <NameField name="applicantFullName" value={applicant.fullName} onChange={setApplicantField('fullName')} reveal={reveal} />
                  <BirthDateField name="applicantBirthDate" person={applicant} onChange={setApplicantField('birthDate')} reveal={reveal} />
                  <Field label={t('reception.phone')}>
                    {(id) => <input id={id} name="applicantPhone" type="tel" inputMode="tel" autoComplete="off" maxLength={20} value={applicant.phone} onChange={(e) => setApplicantField('phone')(e.target.value)} />}
                  </Field>
                  <Field label={t('reception.email')}>
                    {(id) => <input id={id} name="applicantEmail" type="email" inputMode="email" autoComplete="off" maxLength={200} value={applicant.email} onChange={(e) => setApplicantField('email')(e.target.value)} />}
                  </Field>
                  <Field label={t('reception.address')}>
                    {(id) => <input id={id} name="applicantAddress" type="text" autoComplete="off" maxLength={300} value={applicant.address} onChange={(e) => setApplicantField('address')(e.target.value)} />}
                  </Field>
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
                {persons.length === 0 && <p className="muted">{t('reception.personsNone')}</p>}
                {persons.map((p, i) => (
                  <fieldset key={p.key} className="person-row" data-testid="person-row" data-relation={p.relation}>
                    <legend className="visually-hidden">{t('reception.personN', { n: i + 1 })}</legend>
                    <Field label={t('reception.relation')} required>
                      {(id) => (
                        <input
                          id={id}
                          name={`relation-${i}`}
                          type="text"
                          list={relationsId}
                          autoComplete="off"
                          maxLength={60}
                          placeholder={t('reception.relationPlaceholder')}
                          value={p.relation}
                          onChange={(e) => setPerson(p.key, 'relation')(e.target.value)}
                          aria-invalid={reveal && !blank(p) && p.relation.trim().length < 2}
                        />
                      )}
                    </Field>
                    <PersonalIdField name={`personalId-${i}`} value={p.personalId} onChange={setPerson(p.key, 'personalId')} reveal={reveal && !blank(p)} compact />
                    <NameField name={`fullName-${i}`} value={p.fullName} onChange={setPerson(p.key, 'fullName')} reveal={reveal && !blank(p)} />
                    <BirthDateField name={`birthDate-${i}`} person={p} onChange={setPerson(p.key, 'birthDate')} reveal={reveal && !blank(p)} />
                    <button
                      type="button"
                      className="btn btn-small btn-ghost person-remove"
                      onClick={() => setPersons((rows) => rows.filter((r) => r.key !== p.key))}
                      aria-label={t('reception.removePerson', { n: i + 1 })}
                      title={t('reception.removePerson', { n: i + 1 })}
                    >
                      ✕
                    </button>
                  </fieldset>
                ))}
                <div className="button-row">
                  {parentsMissing.map((relation) => (
                    <button key={relation} type="button" className="btn btn-small" onClick={() => setPersons((rows) => [...rows, relatedRow(relation)])}>
                      + {t(relation === 'Cha' ? 'reception.addFather' : 'reception.addMother')}
                    </button>
                  ))}
                  <button type="button" className="btn btn-small" onClick={() => setPersons((rows) => [...rows, relatedRow()])} data-testid="add-person">
                    + {t('reception.addPerson')}
                  </button>
                </div>
              </section>
            </div>

            <div className="reception-side">
              <section className="card" aria-labelledby="papers-title" data-testid="papers">
                <h2 id="papers-title">{t('reception.papers')}</h2>
                {procedure.current.documents.length === 0 ? (
                  <p className="muted">{t('reception.papersNone')}</p>
                ) : (
                  <>
                    <p className="hint">{t('reception.papersHint')}</p>
                    <ul className="checklist">
                      {procedure.current.documents.map((d, i) => (
                        <li key={i}>
                          <label>
                            <input
                              type="checkbox"
                              name={`paper-${i}`}
                              checked={papers.has(i)}
                              onChange={(e) =>
                                setPapers((set) => {
                                  const next = new Set(set);
                                  if (e.target.checked) next.add(i);
                                  else next.delete(i);
                                  return next;
                                })
                              }
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
                      <input type="radio" name="channel" value={c} checked={channel === c} onChange={() => setChannel(c)} />
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
                <ErrorBox error={error} />
                <button type="submit" className="btn btn-primary btn-block btn-large" disabled={busy} data-testid="reception-submit">
                  {busy ? t('reception.submitting') : t('reception.submit')}
                  <kbd>{t('reception.submitKeys')}</kbd>
                </button>
              </section>
            </div>
          </div>
        </form>
      )}
    </div>
  );
}
