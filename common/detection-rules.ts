/** The detection rules' names and the severities of their alerts (R14, R38): the server's detector and the web's screens. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RULE_NAMES = [
  'volume_spike',
  'peer_outlier',
  'off_hours',
  'many_citizens_in_dossier',
  'citizen_many_accounts',
  'self_lookup',
  'colleague_lookup',
  'family_lookup',
  'enumeration',
  'first_use',
  'new_address',
  'concurrent_session',
  'repeated_refusals',
  'lookup_after_reset',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];
