import type { Lang } from './i18n.ts';
import type { RuleName, Severity } from '../../common/detection-rules.ts';
import type { Channel, DossierAction, DossierStatus } from '../../common/dossier-workflow.ts';

/** An error answered by the server ({ error: { code, message, messageEn, details } }) or a network failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly messageVi: string;
  readonly messageEn: string;
  readonly details: unknown;

  constructor(status: number, code: string, messageVi: string, messageEn: string, details?: unknown) {
    super(messageEn);
    this.status = status;
    this.code = code;
    this.messageVi = messageVi;
    this.messageEn = messageEn;
    this.details = details;
  }

  text(lang: Lang): string {
    return lang === 'vi' ? this.messageVi : this.messageEn;
  }

  /** Validation problems (code invalid_input) as { path, message } pairs. */
  fieldProblems(): { path: string; message: string }[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.filter((d): d is { path: string; message: string } => typeof d?.path === 'string' && typeof d?.message === 'string');
  }
}

const networkError = () =>
  new ApiError(0, 'network', 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.', 'Cannot reach the server. Check the network and try again.');

/** otp_required: the account was granted a role that needs a one-time code; the next sign-in enrolls one. */
const SESSION_END_CODES = ['session_idle_locked', 'not_signed_in', 'otp_required'] as const;
export type SessionEndCode = (typeof SESSION_END_CODES)[number];
const endsSession = (code: string): code is SessionEndCode => (SESSION_END_CODES as readonly string[]).includes(code);

/** What the rest of the app wants to hear about: every answered request restarts the server's idle clock. */
export const apiEvents: {
  onTouch: () => void;
  onSessionEnded: (code: SessionEndCode) => void;
  onIncompleteSignIn: () => void;
} = {
  onTouch: () => {},
  onSessionEnded: () => {},
  onIncompleteSignIn: () => {},
};

let csrfToken = '';
/** The token of the current session, from GET /api/auth/me; it changes with every sign-in step. */
export function setCsrfToken(token: string) {
  csrfToken = token;
}

export interface RequestOptions {
  /** A 401 is expected here (sign-in pages, start-up): do not treat it as the end of the session. */
  quiet?: boolean;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await send(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const payload: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.ok) {
    apiEvents.onTouch();
    return payload as T;
  }
  throw failureOf(response, payload, options);
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { ...init, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw networkError();
  }
}

function failureOf(response: Response, payload: unknown, options: RequestOptions): ApiError {
  const error = (payload as { error?: { code?: string; message?: string; messageEn?: string; details?: unknown } } | null)?.error;
  const failure = error?.code
    ? new ApiError(response.status, error.code, error.message ?? '', error.messageEn ?? error.message ?? '', error.details)
    : new ApiError(response.status, 'http_' + response.status, `Lỗi máy chủ (${response.status}).`, `Server error (${response.status}).`);
  if (!options.quiet && response.status === 401 && endsSession(failure.code)) apiEvents.onSessionEnded(failure.code);
  if (!options.quiet && failure.code === 'sign_in_incomplete') apiEvents.onIncompleteSignIn();
  return failure;
}

/** Sends a file as the request body, typed by its own media type (the documents API takes one raw file). */
export async function uploadFile<T>(path: string, file: File): Promise<T> {
  const response = await send(path, { method: 'POST', headers: { accept: 'application/json', 'content-type': file.type || 'application/octet-stream', 'x-csrf-token': csrfToken }, body: file });
  const payload: unknown = await response.json().catch(() => null);
  if (response.ok) {
    apiEvents.onTouch();
    return payload as T;
  }
  throw failureOf(response, payload, {});
}

/** GETs a file (a document, a form): its bytes and the name the server gave it, or the server's error. */
export async function fetchFile(path: string): Promise<{ blob: Blob; fileName: string }> {
  const response = await send(path, { method: 'GET' });
  if (!response.ok) throw failureOf(response, await response.json().catch(() => null), {});
  apiEvents.onTouch();
  const disposition = response.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const plain = /filename="([^"]+)"/i.exec(disposition)?.[1];
  return { blob: await response.blob(), fileName: encoded ? decodeURIComponent(encoded) : (plain ?? 'tep') };
}

/**
 * GETs a file and hands it to the browser as a download (fetch + blob, so an error shows on the page and no URL,
 * perhaps with a personal ID in it, lands in the browser's downloads list); answers the name the server gave it.
 */
export async function saveFile(path: string): Promise<string> {
  const { blob, fileName } = await fetchFile(path);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return fileName;
}

/**
 * A citizen's file, opened for the reason already in `path`: viewed in a new tab (opened from the click itself, so the
 * browser does not take it for a pop-up) or saved; answers the saved file's name.
 */
export async function openFile(path: string, mode: 'view' | 'download' | 'original'): Promise<string | null> {
  if (mode === 'view') {
    window.open(path, '_blank', 'noopener');
    return null;
  }
  return saveFile(path);
}

export const get = <T>(path: string, options?: RequestOptions) => api<T>('GET', path, undefined, options);
export const post = <T>(path: string, body?: unknown, options?: RequestOptions) => api<T>('POST', path, body, options);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

/** Builds a query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

// ——— Shapes of the answers (see /api/docs) ———

export type Stage = 'otp' | 'password_change' | 'otp_enrollment' | 'full';
export interface UnitRef {
  id: string;
  code: string;
  name: string;
}
export interface Me {
  stage: Stage;
  csrfToken: string;
  idleTimeoutSeconds: number;
  session: { id: string; idleExpiresAt: string; expiresAt: string };
  account: {
    id: string;
    username: string;
    fullName: string;
    unit: UnitRef;
    otpEnabled: boolean;
    otpRequired: boolean;
    passwordExpiresAt: string;
  };
  roles: { role: string; nameVi: string; nameEn: string; unit: UnitRef }[];
  permissions: string[];
}
export interface SessionInfo {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  idleExpiresAt?: string;
  expiresAt?: string;
  ip: string;
  userAgent: string;
  current?: boolean;
  concurrent: boolean;
}
export type UnitKind = 'province' | 'commune' | 'department' | 'desk' | 'office';
export interface Unit {
  id: string;
  code: string;
  name: string;
  fullName: string;
  kind: UnitKind;
  unitType: string | null;
  parentId: string | null;
  abilities?: { read: boolean; addChild: boolean; issueAccount: boolean; rename: boolean };
}
export interface RoleInfo {
  role: string;
  nameVi: string;
  nameEn: string;
  permissions: string[];
  grantedBy: string;
}
export type AccountStatus = 'active' | 'locked' | 'left';
export interface AccountSummary {
  id: string;
  username: string;
  fullName: string;
  position: string;
  unit: UnitRef;
  status: AccountStatus;
  lastSignInAt: string | null;
  otpEnabled: boolean;
  roles: string[];
}
export type AccountAbility = 'read' | 'update' | 'lock' | 'unlock' | 'transfer' | 'leave' | 'resetPassword' | 'resetOtp' | 'grantRoles' | 'endSessions';
export interface AccountDetail extends Omit<AccountSummary, 'roles'> {
  personalId: string;
  email: string;
  phone: string;
  statusReason: string | null;
  mustChangePassword: boolean;
  passwordChangedAt: string;
  passwordExpiresAt: string;
  otpRequired: boolean;
  createdAt: string;
  roles: { id: string; role: string; unit: UnitRef; grantedAt: string; revocable: boolean }[];
  sessions: SessionInfo[];
  abilities: Partial<Record<AccountAbility, boolean>>;
}

export interface RequiredDocument {
  name: string;
  required: boolean;
  copies: number;
}
export interface ProcedureVersion {
  id: string;
  version: number;
  processingDays: number;
  documents: RequiredDocument[];
  purpose: string;
  npdFields: string[];
  retentionYears: number | null;
}
/** A procedure the province offers, with its current version (GET /api/procedures/offered). */
export interface OfferedProcedure {
  id: string;
  code: string;
  name: string;
  field: string;
  level: 'province' | 'commune';
  status: 'offered' | 'withdrawn';
  currentVersion: number;
  current: ProcedureVersion;
}

export type { Channel, DossierAction, DossierStatus };
export type DeadlineStatus = 'on_track' | 'due_soon' | 'overdue' | 'paused';
export type DossierQueue = 'desk' | 'processing' | 'mine';

export interface DossierSummary {
  id: string;
  code: string;
  status: DossierStatus;
  channel: Channel;
  procedure: { code: string; name: string; version: number };
  applicant: { personalId: string; fullName: string };
  desk: { id: string; name: string };
  processingUnit: { id: string; name: string } | null;
  assignee: { id: string; fullName: string; username: string } | null;
  receivedAt: string;
  dueAt: string | null;
  apologyDueAt: string | null;
  deadlineStatus: DeadlineStatus | null;
}
export interface DossierPerson {
  relation: string;
  personalId: string;
  fullName: string;
  birthDate: string | null;
}
export interface DossierDetail extends Omit<DossierSummary, 'applicant'> {
  statusReason: string | null;
  /** The procedure's rules as they were when the dossier was received: its papers name the components. */
  rules: { offeredProcedureId: string; documents: RequiredDocument[]; purpose: string; npdFields: string[]; retentionYears: number | null };
  receivedPapers: string[];
  applicant: { personalId: string; fullName: string; birthDate: string; phone: string; email: string; address: string };
  workingDays: number;
  settledAt: string | null;
  returnedAt: string | null;
  persons: DossierPerson[];
  pauses: { kind: string; from: string; to: string | null }[];
  timeline: {
    at: string;
    action: string;
    fromStatus: string | null;
    toStatus: string;
    actor: { fullName: string; username: string } | null;
    unit: string | null;
    note: string | null;
  }[];
  abilities: Partial<Record<DossierAction, boolean>>;
}

export type DocumentKind = 'digitized' | 'reused' | 'from_npd';
/** A paper of a dossier, stored encrypted; its bytes are only read through view/download with a reason. */
export interface DossierDocument {
  id: string;
  dossierId: string;
  kind: DocumentKind;
  component: string | null;
  /** kind reused: the electronic result this component is (its file is named <result code>.pdf). */
  reusedResultId: string | null;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploadedAt: string;
  uploadedBy: { fullName: string; username: string } | null;
}

/** An electronic result (Decree 45/2020): coded <dossier code>-KQ<n>, its SHA-256 signed by the processing unit. */
export interface DossierResult {
  id: string;
  code: string;
  dossierId: string;
  seq: number;
  unit: { id: string; name: string };
  procedureCode: string;
  name: string;
  mediaType: 'application/pdf';
  size: number;
  sha256: string;
  issuedAt: string;
  issuedBy: { fullName: string; username: string } | null;
  /** The signed statement (C2SP signed note, Ed25519). */
  statement: string;
  verifierKey: string;
}
export interface DossierResults {
  items: DossierResult[];
  abilities: { issue: boolean; original: boolean };
}
/** GET /api/results/{code}/verify (public). */
export interface ResultVerification {
  code: string;
  signatureValid: boolean;
  /** null when no sha256 was given, or the signature does not verify. */
  fileMatches: boolean | null;
  issuedAt: string;
  unit: { id: string; name: string };
  verifierKey: string | null;
  statement: string | null;
  /** The unit's key that signed it, by its id (a later rotation does not change it). */
  key: { id: string; generation: number; status: ResultKeyStatus; revokedAt: string | null; compromisedSince: string | null } | null;
  /** The signature is valid and its key was not revoked as compromised at the issue time. */
  trusted: boolean;
}
/** current signs new results; retired was replaced and still verifies what it signed; revoked was declared stolen. */
export type ResultKeyStatus = 'current' | 'retired' | 'revoked';
/** GET /api/units/{id}/result-keys (those who manage the unit's keys), also the answer of rotate and revoke. */
export interface UnitResultKeys {
  unit: { id: string; code: string; name: string };
  /** newest generation first */
  keys: {
    id: string;
    generation: number;
    status: ResultKeyStatus;
    createdAt: string;
    revokedAt: string | null;
    compromisedSince: string | null;
    verifierKey: string;
    revocations: { revokedAt: string; revokedBy: { fullName: string; username: string } | null; reason: string; compromisedSince: string }[];
  }[];
}
/** One of the applicant's earlier results (GET /api/dossiers/{id}/reusable-results). */
export interface ReusableResult {
  id: string;
  code: string;
  procedure: { code: string; name: string };
  unit: { id: string; name: string };
  issuedAt: string;
  name: string;
  size: number;
  sha256: string;
  attached: boolean;
}

// ——— The NPD gateway (issue 5) ———

/** A field of the National Population Database a procedure may declare (GET /api/procedures/npd-fields). */
export interface NpdFieldInfo {
  key: string;
  vi: string;
  en: string;
  lawItem: number;
  sensitive: boolean;
}
export type LookupService = 'verify' | 'find';
export type LookupOutcome = 'matched' | 'mismatch' | 'not_found' | 'found' | 'ambiguous';
/** POST /api/dossiers/{id}/lookups: held in the page only, never stored. */
export interface LookupResult {
  lookupId: string;
  service: LookupService;
  /** "applicant", or the related person's relation as written in the dossier. */
  subject: string;
  outcome: LookupOutcome;
  purpose: string;
  /** Only the fields the procedure version declares, by their key (ho_ten, noi_thuong_tru…). */
  fields: Record<string, unknown>;
  matchesDossier: boolean | null;
}
/** One lookup of a dossier: who, when, outcome, which fields; never the values. */
export interface LookupRecord {
  id: string;
  service: string;
  subject: string;
  startedAt: string;
  completedAt: string | null;
  /** A LookupOutcome, "error:<kind>", or null while unfinished. */
  outcome: string | null;
  fieldsReturned: string[];
  by: { fullName: string; username: string } | null;
  clientId: string | null;
}
export interface DossierLookups {
  mayLookUp: boolean;
  purpose: string;
  fields: string[];
  items: LookupRecord[];
}
export type SuspensionScope = 'system' | 'unit' | 'account';
/** GET /api/npd/status: whether lookups work for the signed-in officer now. */
export interface NpdStatus {
  configured: boolean;
  disconnectedSince: string | null;
  suspension: { scope: SuspensionScope; reason: string; unitName: string | null } | null;
}
/** What anyone ever sees of the NPD connection (R34): never the settings themselves. */
export interface NpdConnection {
  id: string;
  fingerprint: string;
  certificateExpiresAt: string;
  setBy: { fullName: string; username: string };
  setAt: string;
  replacedAt: string | null;
}
export interface NpdConnectionStatus {
  current: NpdConnection | null;
  history: NpdConnection[];
}
export interface NpdSuspension {
  id: string;
  scope: SuspensionScope;
  unit: { id: string; name: string } | null;
  account: { id: string; fullName: string; username: string } | null;
  reason: string;
  suspendedBy: { fullName: string; username: string } | null;
  suspendedAt: string;
  liftedBy: { fullName: string; username: string } | null;
  liftedAt: string | null;
  liftReason: string | null;
}
export interface NpdSuspensions {
  disconnectedSince: string | null;
  items: NpdSuspension[];
}
export type UnansweredExplanation = 'unfinished' | 'not_sent' | 'missing_at_npd';
/** GET /api/npd/reconciliation: the NPD's own log against our lookup records (R35, R36). */
export interface Reconciliation {
  from: string;
  to: string;
  npdRequests: number;
  records: number;
  matched: number;
  unrecorded: { at: string; service: string; requestId: string; unitCode: string; officer: string; outcome: string }[];
  unanswered: { id: string; startedAt: string; outcome: string | null; explanation: UnansweredExplanation }[];
}
/** Another provincial system allowed to call the gateway with its own key (R35). */
export interface IntegrationClient {
  id: string;
  name: string;
  unit: { id: string; name: string };
  procedures: string[];
  fields: string[];
  createdAt: string;
  revokedAt: string | null;
}

// ——— Monitoring and response (issue 6) ———

export type { RuleName, Severity };
export type CaseStatus = 'new' | 'investigating' | 'dismissed' | 'confirmed';
export type IncidentStatus = 'open' | 'notified' | 'closed';
export interface PersonRef {
  fullName: string;
  username: string;
}
/** A case of the triage queue: the alerts about one account (or integration key), grouped (GET /api/monitoring/cases). */
export interface CaseSummary {
  id: string;
  status: CaseStatus;
  severity: Severity;
  account: { id: string; fullName: string; username: string } | null;
  clientId: string | null;
  unit: { id: string; name: string } | null;
  openedAt: string;
  updatedAt: string;
  alerts: number;
}
export interface CaseAlert {
  id: string;
  rule: RuleName;
  severity: Severity;
  /** when the behaviour happened; raisedAt is when the detector saw it */
  at: string;
  raisedAt: string;
  explanationVi: string;
  explanationEn: string;
  details: Record<string, unknown>;
  /** how many citizens it concerns (never who) */
  citizens: number;
}
export interface CaseDetail extends CaseSummary {
  mayTriage: boolean;
  items: CaseAlert[];
  notes: { at: string; status: CaseStatus | null; note: string; by: PersonRef | null }[];
}
export interface RuleSettings {
  enabled: boolean;
  severity: Severity;
  params: Record<string, number>;
}
export interface DetectionRule extends RuleSettings {
  rule: RuleName;
  defaults: RuleSettings;
}
export interface Incident {
  id: string;
  code: string;
  caseId: string | null;
  unit: { id: string; name: string };
  title: string;
  description: string;
  status: IncidentStatus;
  detectedAt: string;
  /** 72 hours after detection */
  notifyBy: string;
  /** whole hours left to notify the authority (negative: late); null once notified */
  hoursLeft: number | null;
  overdue: boolean;
  notifiedAt: string | null;
  openedBy: PersonRef;
  openedAt: string;
  closedAt: string | null;
  affected: number;
}
export interface IncidentDetail extends Incident {
  mayManage: boolean;
}
/** The journal's publication, as GET /api/journal/checkpoint answers it. */
export interface JournalStatus {
  checkpoint: { size: number; root: string; note: string; at: string } | null;
  witness: { url: string; size: number; at: string | null } | null;
  failClosed: boolean;
}
/** GET /api/monitoring/dashboard: counts only, no citizen. Days and hours are Vietnam time. */
export interface SecurityDashboard {
  /** days with lookups only, "YYYY-MM-DD" */
  perDay: { day: string; lookups: number; refusedAtNpd: number }[];
  /** hours with lookups only, "YYYY-MM-DDTHH" */
  perHour: { hour: string; lookups: number }[];
  byUnit: { unit: { id: string; name: string }; lookups: number }[];
  byProcedure: { code: string; lookups: number }[];
  /** lookups in the last 24 hours against the account's daily average over the 29 days before */
  topAccounts: { account: { id: string; fullName: string; username: string }; today: number; baseline: number }[];
  openCases: Partial<Record<Severity, number>>;
  openIncidents: { id: string; code: string; title: string; notifyBy: string; notified: boolean; overdue: boolean }[];
  killSwitch: { active: NpdSuspension[]; recent: NpdSuspension[]; disconnectedSince: string | null };
  journal: JournalStatus;
  /** the journal position the detector has read, and how many entries it is behind */
  detector: { position: number; behind: number };
}
export interface AppNotification {
  id: number;
  at: string;
  kind: string;
  target: { type: string; id: string };
  textVi: string;
  textEn: string;
  read: boolean;
}
export interface Notifications {
  unread: number;
  items: AppNotification[];
}
