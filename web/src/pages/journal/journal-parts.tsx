import type { JournalEntry } from '../../api/index.ts';
import { isMessageKey, useI18n, type Translate } from '../../i18n.ts';

// What the journal's list, its entry dialog and its checkpoint panel all show.

/** The readable name of an event type; unknown types show as they are. */
export function eventLabel(type: string, t: Translate): string {
  const key = `journal.type.${type}`;
  return isMessageKey(key) ? t(key) : type;
}

/** The number of citizens an entry concerns; tolerates a server that sends the hashes themselves. */
export const citizenCount = (c: unknown): number => (typeof c === 'number' ? c : Array.isArray(c) ? c.length : 0);

export const short = (value: string | null | undefined, n = 8) => (value ? (value.length > n + 1 ? `${value.slice(0, n)}…` : value) : '');

export function Hash({ value, n = 16 }: { value: string | null | undefined; n?: number }) {
  const { t } = useI18n();
  if (!value) return <span className="muted">{t('common.none')}</span>;
  return (
    <code className="hash" title={value}>
      {short(value, n)}
    </code>
  );
}

export function None() {
  const { t } = useI18n();
  return <span className="muted">{t('common.none')}</span>;
}

export function OutcomeBadge({ outcome }: { outcome: string }) {
  const { t } = useI18n();
  const known = outcome === 'success' || outcome === 'failure' || outcome === 'refused';
  const css = outcome === 'success' ? 'badge-active' : outcome === 'failure' ? 'badge-locked' : 'badge-refused';
  return (
    <span className={`badge ${css}`} data-testid="outcome-badge" data-outcome={outcome}>
      {known ? t(`journal.outcome.${outcome}`) : outcome}
    </span>
  );
}

export type UnitName = NonNullable<JournalEntry['unit']>;
