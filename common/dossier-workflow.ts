/** The permissions a dossier's transitions ask for (a part of the server's roles table, authz/roles.ts). */
export type DossierPermission = 'dossiers.receive' | 'dossiers.process' | 'dossiers.approve';

/** The national public-service portal's statuses of a dossier. */
export const DOSSIER_STATUSES = [
  'received',
  'not_accepted',
  'processing',
  'supplement_requested',
  'financial_obligation',
  'withdrawn',
  'stopped',
  'settled',
  'result_returned',
] as const;
export type DossierStatus = (typeof DOSSIER_STATUSES)[number];

export const CHANNELS = ['in_person', 'online', 'post'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Statuses in which the dossier is still the province's to finish: its deadline runs or is paused. */
export const OPEN_STATUSES: readonly DossierStatus[] = ['received', 'processing', 'supplement_requested', 'financial_obligation'];

/** Statuses that end a dossier: its retention period counts from then. */
export const CLOSED_STATUSES: readonly DossierStatus[] = ['not_accepted', 'withdrawn', 'stopped', 'result_returned'];

/**
 * Where the acting officer must hold the permission: at the desk that received the dossier (and returns its
 * result), or at the unit processing it now.
 */
export type Seat = 'desk' | 'processing';

export interface Transition {
  from: readonly DossierStatus[];
  /** null: the status stays (a transfer between units, an apology) */
  to: DossierStatus | null;
  permission: DossierPermission;
  seat: Seat;
  /** a reason is written on the form the citizen receives (refusal, supplement request, apology…) */
  reason: boolean;
}

/**
 * Every move a dossier can make, who makes it and from where (Decree 61/2018 Art. 17–20, now Decree 118/2025;
 * Circular 01/2018 forms 02–04). One table, read by the service, the policy and the UI's abilities.
 */
export const TRANSITIONS = {
  // the desk refuses a dossier that is incomplete or not its procedure's (form 03), right after intake
  not_accept: { from: ['received'], to: 'not_accepted', permission: 'dossiers.receive', seat: 'desk', reason: true },
  // the desk hands the papers to the processing unit: in the system, not over a chat app (R05)
  assign: { from: ['received'], to: 'processing', permission: 'dossiers.receive', seat: 'desk', reason: false },
  // a processing unit passes it on to another unit (or another of its officers)
  transfer: { from: ['processing'], to: null, permission: 'dossiers.process', seat: 'processing', reason: false },
  request_supplement: { from: ['processing'], to: 'supplement_requested', permission: 'dossiers.process', seat: 'processing', reason: true },
  receive_supplement: { from: ['supplement_requested'], to: 'processing', permission: 'dossiers.receive', seat: 'desk', reason: false },
  request_payment: { from: ['processing'], to: 'financial_obligation', permission: 'dossiers.process', seat: 'processing', reason: true },
  record_payment: { from: ['financial_obligation'], to: 'processing', permission: 'dossiers.receive', seat: 'desk', reason: false },
  // the citizen takes the application back, at the desk
  withdraw: { from: OPEN_STATUSES, to: 'withdrawn', permission: 'dossiers.receive', seat: 'desk', reason: true },
  // late: the unit apologises with a new date (form 04), once
  apologize: { from: ['processing', 'supplement_requested', 'financial_obligation'], to: null, permission: 'dossiers.process', seat: 'processing', reason: true },
  // the leader refuses to settle, with the reason the citizen is given
  stop: { from: ['processing'], to: 'stopped', permission: 'dossiers.approve', seat: 'processing', reason: true },
  approve: { from: ['processing'], to: 'settled', permission: 'dossiers.approve', seat: 'processing', reason: false },
  return_result: { from: ['settled'], to: 'result_returned', permission: 'dossiers.receive', seat: 'desk', reason: false },
} as const satisfies Record<string, Transition>;

export type DossierAction = keyof typeof TRANSITIONS;
export const DOSSIER_ACTIONS = Object.keys(TRANSITIONS) as DossierAction[];
