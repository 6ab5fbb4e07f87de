import type { AlertDraft, MonitoredEvent, RuleSettings } from '../detection.ts';
import type { History } from '../history.ts';
import { Batch } from './batch.ts';
import { citizenManyAccounts } from './citizen-many-accounts.ts';
import { colleagueLookup } from './colleague-lookup.ts';
import { concurrentSession } from './concurrent-session.ts';
import { enumeration } from './enumeration.ts';
import { familyLookup } from './family-lookup.ts';
import { firstUse } from './first-use.ts';
import { lookupAfterReset } from './lookup-after-reset.ts';
import { manyCitizensInDossier } from './many-citizens-in-dossier.ts';
import { newAddress } from './new-address.ts';
import { offHours } from './off-hours.ts';
import { peerOutlier } from './peer-outlier.ts';
import { repeatedRefusals } from './repeated-refusals.ts';
import { mergeByKey, type Params, type Rule } from './rule.ts';
import { selfLookup } from './self-lookup.ts';
import { volumeSpike } from './volume-spike.ts';
import type { RuleName } from '../../../../common/detection-rules.ts';

/**
 * Issue 6 item 1: the detection rules, one file each with its defaults. Every parameter is a number; its unit is in
 * the comment. Critical, which suspends the account's lookups, are: a lookup soon after someone else reset the
 * account's credentials (lookup_after_reset), and one escalation: a volume spike at `criticalFactor` times the
 * officer's own usual level (and at least `criticalMinimum` lookups).
 */
const RULES: Record<RuleName, Rule> = {
  volume_spike: volumeSpike,
  peer_outlier: peerOutlier,
  off_hours: offHours,
  many_citizens_in_dossier: manyCitizensInDossier,
  citizen_many_accounts: citizenManyAccounts,
  self_lookup: selfLookup,
  colleague_lookup: colleagueLookup,
  family_lookup: familyLookup,
  enumeration,
  first_use: firstUse,
  new_address: newAddress,
  concurrent_session: concurrentSession,
  repeated_refusals: repeatedRefusals,
  lookup_after_reset: lookupAfterReset,
};

export const DEFAULT_RULES = Object.fromEntries(Object.entries(RULES).map(([name, rule]) => [name, rule.defaults])) as Record<RuleName, RuleSettings>;

const paramsOf = (rule: RuleName, s: RuleSettings): Params => ({ ...DEFAULT_RULES[rule].params, ...s.params });

/**
 * Runs every enabled rule on every event. The history already holds the events themselves (the detector reads
 * committed journal entries), so windows ending at an event include it. One alert per dedupe key: the same behaviour
 * in the same window, raised by several events of the batch, is merged into one draft (latest figures, first time,
 * all journal entries and citizens). While the behaviour lasts, later batches raise the same key again, with newer
 * figures, which storeAlerts gathers into the alert already stored.
 */
export async function evaluate(history: History, events: MonitoredEvent[], settings: Record<RuleName, RuleSettings>): Promise<AlertDraft[]> {
  if (events.length === 0) return [];
  const batch = new Batch(history, events);
  const drafts: AlertDraft[] = [];
  for (const [name, rule] of Object.entries(RULES) as [RuleName, Rule][]) {
    const s = settings[name] ?? DEFAULT_RULES[name];
    if (s.enabled) drafts.push(...(await rule.run(batch, s, paramsOf(name, s))));
  }
  return mergeByKey(drafts);
}
