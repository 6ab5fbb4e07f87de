import { isMessageKey, useI18n, type Translate } from '../i18n.ts';

export function LookupOutcomeBadge({ outcome }: { outcome: string | null }) {
  const { t } = useI18n();
  const css =
    outcome === null ? 'badge-left' : outcome === 'matched' || outcome === 'found' ? 'badge-active' : outcome.startsWith('error:') ? 'badge-locked' : 'badge-refused';
  return (
    <span className={`badge ${css}`} data-testid="lookup-outcome" data-outcome={outcome ?? 'unfinished'}>
      {lookupOutcomeLabel(outcome, t)}
    </span>
  );
}

/** A lookup's outcome as recorded: one of the five answers, "error:<kind>", or null while unfinished. */
function lookupOutcomeLabel(outcome: string | null, t: Translate): string {
  if (outcome === null) return t('lookups.outcome.unfinished');
  const key = `lookups.outcome.${outcome}`;
  if (isMessageKey(key)) return t(key);
  return outcome.startsWith('error:') ? `${t('lookups.outcome.error')}: ${outcome.slice(6)}` : outcome;
}
