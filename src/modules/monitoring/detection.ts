import type { RuleName, Severity } from '../../../common/detection-rules.ts';
import type { LookupService } from '../registry/index.ts';
/**
 * Issue 6: what the detector hands to the detection rules, and what they give back. The detector follows the
 * journal (every lookup, refusal and sign-in is in it, in commit order) and turns each entry into a MonitoredEvent;
 * the rules look at the event against recent history and may raise alerts.
 */

export type MonitoredEvent =
  | {
      kind: 'lookup';
      /** the journal entry that completed the lookup */
      seq: number;
      at: Date;
      lookupId: string;
      accountId: string | null;
      clientId: string | null;
      /** the caller's own unit */
      unitId: string;
      dossierId: string;
      /** keyed hash of the citizen's personal ID, as in the journal and the lookup record */
      citizen: string;
      service: LookupService;
      procedureCode: string;
      /** matched, mismatch, not_found, found, ambiguous, or error:<kind> */
      outcome: string;
    }
  /** a refused lookup or another refused request (403, 404) of an officer or an integration key: see history.ts Refusal */
  | { kind: 'refused'; seq: number; at: Date; accountId: string | null; clientId: string | null; unitId: string | null; reason: string; route: string | null }
  | { kind: 'sign_in'; seq: number; at: Date; accountId: string; ip: string; outcome: 'success' | 'failure' }
  | { kind: 'concurrent_session'; seq: number; at: Date; accountId: string; ip: string };


/** A rule's configuration: on or off, its severity, and its thresholds (each rule documents its own). */
export interface RuleSettings {
  enabled: boolean;
  severity: Severity;
  params: Record<string, number>;
}

export interface AlertDraft {
  rule: RuleName;
  severity: Severity;
  /** whom the alert is about (an officer, or an integration key), grouped per account into one case */
  accountId: string | null;
  clientId: string | null;
  unitId: string | null;
  at: Date;
  /** one sentence a leader understands, with the figures that made the rule fire */
  explanationVi: string;
  explanationEn: string;
  details: Record<string, unknown>;
  /** keyed hashes of the citizens concerned (never personal IDs) */
  citizens: string[];
  /** the journal entries that made it fire */
  seqs: number[];
  /** the same behaviour in the same window raises one alert, not one per lookup */
  dedupeKey: string;
}
