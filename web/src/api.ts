import type { components, paths } from './api/schema.ts';
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

// ——— Shapes of the answers: generated from the server's OpenAPI document (npm run openapi), never written by hand ———

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
/** The JSON a route answers on success, as the server declares it (openapi.json). */
export type Answer<P extends keyof paths, M extends keyof paths[P] = 'get' & keyof paths[P]> = paths[P][M] extends { responses: { 200: infer R } } ? Json<R> : never;
/** The JSON body a route accepts. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;
type Item<T> = T extends { items: (infer I)[] } ? I : never;

export type UnitRef = components['schemas']['UnitRef'];
export type Me = Answer<'/api/auth/me'>;
export type Stage = Me['stage'];
export type SessionInfo = Item<Answer<'/api/sessions'>>;
export type Unit = Answer<'/api/units/{id}', 'patch'>;
export type UnitKind = Unit['kind'];
export type RoleInfo = Item<Answer<'/api/roles'>>;
export type AccountSummary = Item<Answer<'/api/accounts'>>;
export type AccountStatus = AccountSummary['status'];
export type AccountDetail = Answer<'/api/accounts/{id}'>;
export type AccountAbility = keyof AccountDetail['abilities'];
export type ResetRequest = Item<Answer<'/api/accounts/reset-requests'>>;
export type SharingSignal = Item<Answer<'/api/accounts/sharing-signals'>>;
export type OtpEnrollment = Answer<'/api/auth/otp/enrollment', 'post'>;

export type JournalEntry = Item<Answer<'/api/journal/entries'>>;
export type EntryWithProof = Answer<'/api/journal/entries/{seq}'>;
/** The journal's publication, as GET /api/journal/checkpoint answers it. */
export type JournalStatus = Answer<'/api/journal/checkpoint'>;

/** A procedure the province offers, with its current version (GET /api/procedures/offered). */
export type OfferedProcedure = Item<Answer<'/api/procedures/offered'>>;
export type ProcedureVersion = OfferedProcedure['current'];
export type RequiredDocument = ProcedureVersion['documents'][number];
/** A field of the National Population Database a procedure may declare (GET /api/procedures/npd-fields). */
export type NpdFieldInfo = Item<Answer<'/api/procedures/npd-fields'>>;

export type { Channel, DossierAction, DossierStatus };
export type DossierSummary = Item<Answer<'/api/dossiers'>>;
export type DeadlineStatus = NonNullable<DossierSummary['deadlineStatus']>;
export type DossierQueue = NonNullable<NonNullable<paths['/api/dossiers']['get']['parameters']['query']>['queue']>;
export type DossierDetail = Answer<'/api/dossiers/{id}'>;
export type DossierPerson = DossierDetail['persons'][number];
/** A paper of a dossier, stored encrypted; its bytes are only read through view/download with a reason. */
export type DossierDocument = Item<Answer<'/api/dossiers/{id}/documents'>>;
export type DocumentKind = DossierDocument['kind'];
/** An electronic result (Decree 45/2020): coded <dossier code>-KQ<n>, its SHA-256 signed by the processing unit. */
export type DossierResults = Answer<'/api/dossiers/{id}/results'>;
export type DossierResult = Item<DossierResults>;
/** GET /api/results/{code}/verify (public). */
export type ResultVerification = Answer<'/api/results/{code}/verify'>;
/** GET /api/units/{id}/result-keys (those who manage the unit's keys), also the answer of rotate and revoke. */
export type UnitResultKeys = Answer<'/api/units/{id}/result-keys'>;
/** current signs new results; retired was replaced and still verifies what it signed; revoked was declared stolen. */
export type ResultKeyStatus = UnitResultKeys['keys'][number]['status'];
/** One of the applicant's earlier results (GET /api/dossiers/{id}/reusable-results). */
export type ReusableResult = Item<Answer<'/api/dossiers/{id}/reusable-results'>>;
export type Statistics = Answer<'/api/statistics'>;

// ——— The NPD gateway (issue 5) ———

/** POST /api/dossiers/{id}/lookups: held in the page only, never stored. */
export type LookupResult = Answer<'/api/dossiers/{id}/lookups', 'post'>;
export type LookupService = LookupResult['service'];
export type LookupOutcome = LookupResult['outcome'];
export type DossierLookups = Answer<'/api/dossiers/{id}/lookups'>;
/** One lookup of a dossier: who, when, outcome, which fields; never the values. */
export type LookupRecord = Item<DossierLookups>;
/** GET /api/npd/status: whether lookups work for the signed-in officer now. */
export type NpdStatus = Answer<'/api/npd/status'>;
export type NpdConnectionStatus = Answer<'/api/npd/connection'>;
/** What anyone ever sees of the NPD connection (R34): never the settings themselves. */
export type NpdConnection = NpdConnectionStatus['history'][number];
export type NpdSuspensions = Answer<'/api/npd/suspensions'>;
export type NpdSuspension = Item<NpdSuspensions>;
export type SuspensionScope = NpdSuspension['scope'];
/** GET /api/npd/reconciliation: the NPD's own log against our lookup records (R35, R36). */
export type Reconciliation = Answer<'/api/npd/reconciliation'>;
export type UnansweredExplanation = Reconciliation['unanswered'][number]['explanation'];
/** Another provincial system allowed to call the gateway with its own key (R35). */
export type IntegrationClient = Item<Answer<'/api/integrations'>>;

// ——— Monitoring and response (issue 6) ———

export type { RuleName, Severity };
/** A case of the triage queue: the alerts about one account (or integration key), grouped. */
export type CaseSummary = Item<Answer<'/api/monitoring/cases'>>;
export type CaseStatus = CaseSummary['status'];
export type CaseDetail = Answer<'/api/monitoring/cases/{id}'>;
export type CaseAlert = Item<CaseDetail>;
export type RuleList = Answer<'/api/monitoring/rules'>;
export type DetectionRule = Item<RuleList>;
export type RuleSettings = DetectionRule['defaults'];
export type IncidentDetail = Answer<'/api/incidents/{id}'>;
export type Incident = Item<Answer<'/api/incidents'>>;
export type IncidentStatus = Incident['status'];
/** GET /api/monitoring/dashboard: counts only, no citizen. Days and hours are Vietnam time. */
export type SecurityDashboard = Answer<'/api/monitoring/dashboard'>;
export type Notifications = Answer<'/api/notifications'>;
export type AppNotification = Item<Notifications>;
