import type { Lang } from './i18n.ts';

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

export type SessionEndCode = 'session_idle_locked' | 'not_signed_in';

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

export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw networkError();
  }
  const payload: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.ok) {
    apiEvents.onTouch();
    return payload as T;
  }
  const error = (payload as { error?: { code?: string; message?: string; messageEn?: string; details?: unknown } } | null)?.error;
  const failure = error?.code
    ? new ApiError(response.status, error.code, error.message ?? '', error.messageEn ?? error.message ?? '', error.details)
    : new ApiError(response.status, 'http_' + response.status, `Lỗi máy chủ (${response.status}).`, `Server error (${response.status}).`);
  if (!options.quiet && response.status === 401 && (failure.code === 'session_idle_locked' || failure.code === 'not_signed_in')) {
    apiEvents.onSessionEnded(failure.code);
  }
  if (!options.quiet && failure.code === 'sign_in_incomplete') apiEvents.onIncompleteSignIn();
  throw failure;
}

export const get = <T>(path: string, options?: RequestOptions) => api<T>('GET', path, undefined, options);
export const post = <T>(path: string, body?: unknown, options?: RequestOptions) => api<T>('POST', path, body, options);
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
