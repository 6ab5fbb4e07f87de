import type { AlertDraft, RuleSettings } from '../detection.ts';
import type { Caller } from '../history.ts';
import { unique, type Batch } from './batch.ts';
import { SEVERITIES, type RuleName, type Severity } from '../../../../common/detection-rules.ts';

export type Params = Record<string, number>;

/** A detection rule: its settings until the security officer changes them, and what it raises on a batch. */
export interface Rule {
  defaults: RuleSettings;
  run(b: Batch, s: RuleSettings, p: Params): Promise<AlertDraft[]>;
}

export function alert(
  rule: RuleName,
  severity: Severity,
  a: { caller: Caller | null; unitId: string | null; at: Date; vi: string; en: string; details: Record<string, unknown>; citizens: readonly string[]; seqs: readonly number[]; key: string },
): AlertDraft {
  return {
    rule,
    severity,
    accountId: a.caller?.accountId ?? null,
    clientId: a.caller && !a.caller.accountId ? a.caller.clientId : null,
    unitId: a.unitId,
    at: a.at,
    explanationVi: a.vi,
    explanationEn: a.en,
    details: a.details,
    citizens: unique(a.citizens),
    seqs: unique(a.seqs),
    dedupeKey: `${rule}:${a.key}`,
  };
}

const higher = (a: Severity, b: Severity) => (SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b);

/**
 * The drafts of one dedupe key as one alert: the latest figures, the earliest time, the highest severity, and the
 * journal entries and citizens of all, with sets so that thousands of drafts of one key stay linear.
 */
export function mergeByKey(drafts: readonly AlertDraft[]): AlertDraft[] {
  const byKey = new Map<string, { last: AlertDraft; at: Date; severity: Severity; citizens: Set<string>; seqs: Set<number> }>();
  for (const d of drafts) {
    const seen = byKey.get(d.dedupeKey);
    if (!seen) {
      byKey.set(d.dedupeKey, { last: d, at: d.at, severity: d.severity, citizens: new Set(d.citizens), seqs: new Set(d.seqs) });
      continue;
    }
    seen.last = d;
    if (d.at < seen.at) seen.at = d.at;
    seen.severity = higher(seen.severity, d.severity);
    for (const c of d.citizens) seen.citizens.add(c);
    for (const q of d.seqs) seen.seqs.add(q);
  }
  return [...byKey.values()].map((m) => ({ ...m.last, at: m.at, severity: m.severity, citizens: [...m.citizens], seqs: [...m.seqs] }));
}
