import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { answer, client, type AccountSummary } from '../api/index.ts';
import { useI18n } from '../i18n.ts';
import { accountLabel, type AccountRef } from './names.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An ARIA combobox over the accounts API: type part of a name or username (diacritics optional), pick with the
 * arrows and Enter or the mouse. A full account UUID typed or pasted is accepted as it is.
 */
export function AccountPicker({
  id,
  text,
  value,
  onChange,
  describedBy,
  invalid,
  label,
  testId = 'journal-actor',
}: {
  id: string;
  text: string;
  value: AccountRef | null;
  onChange: (text: string, value: AccountRef | null) => void;
  describedBy?: string;
  invalid: boolean;
  /** The list's accessible name (the journal's "actor" by default). */
  label?: string;
  testId?: string;
}) {
  const { t } = useI18n();
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState<AccountSummary[] | null>(null);
  const [active, setActive] = useState(-1);
  const [error, setError] = useState(false);
  const search = value ? '' : text.trim();

  useEffect(() => {
    if (!open || search === '' || UUID.test(search)) {
      setResults(null);
      return;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      answer(client.GET('/api/accounts', { params: { query: { q: search, limit: 8 } } })).then(
        (r) => {
          if (!current) return;
          setResults(r.items);
          setError(false);
          setActive(r.items.length ? 0 : -1);
        },
        () => current && setError(true),
      );
    }, 250);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [search, open]);

  const choose = (a: AccountSummary) => {
    const ref = { id: a.id, username: a.username, fullName: a.fullName };
    onChange(accountLabel(ref), ref);
    setOpen(false);
  };
  const showList = open && search !== '' && !UUID.test(search) && (results !== null || error);
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const n = results?.length ?? 0;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      if (n) setActive((i) => (i + 1) % n);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      if (n) setActive((i) => (i <= 0 ? n - 1 : i - 1));
    } else if (event.key === 'Enter' && showList && results && active >= 0 && results[active]) {
      event.preventDefault();
      choose(results[active]);
    } else if (event.key === 'Escape' && showList) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
    }
  };
  return (
    <div className="combo">
      <div className="combo-input">
        <input
          id={id}
          type="text"
          role="combobox"
          name="actor"
          autoComplete="off"
          spellCheck={false}
          aria-autocomplete="list"
          aria-expanded={showList}
          aria-controls={listId}
          aria-activedescendant={showList && active >= 0 && results?.[active] ? `${listId}-${active}` : undefined}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          placeholder={t('journal.filterActorPlaceholder')}
          value={text}
          onChange={(e) => {
            onChange(e.target.value, null);
            setOpen(true);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setOpen(false)}
          data-testid={testId}
          data-selected={value?.id ?? ''}
        />
        {text !== '' && (
          <button type="button" className="combo-clear" aria-label={t('journal.actorClear')} title={t('journal.actorClear')} onClick={() => onChange('', null)}>
            ×
          </button>
        )}
      </div>
      <ul id={listId} role="listbox" className="combo-list" hidden={!showList} aria-label={label ?? t('journal.filterActor')}>
        {error && <li className="combo-empty">{t('journal.actorSearchFailed')}</li>}
        {!error && results?.length === 0 && <li className="combo-empty">{t('journal.actorNoMatch')}</li>}
        {!error &&
          results?.map((a, i) => (
            <li
              key={a.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'combo-option active' : 'combo-option'}
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(i)}
              onClick={() => choose(a)}
              data-testid={`${testId}-option`}
            >
              <span className="strong">{a.fullName}</span> <code className="small">{a.username}</code>
              <div className="muted small">{a.unit.name}</div>
            </li>
          ))}
      </ul>
    </div>
  );
}
