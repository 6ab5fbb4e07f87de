import type { Lang } from '../i18n.ts';

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

/** The CSRF token of the session, on every request that may change something. */
export const csrfHeader = (method: string): Record<string, string> => (method !== 'GET' && method !== 'HEAD' && csrfToken ? { 'x-csrf-token': csrfToken } : {});

export interface RequestOptions {
  /** A 401 is expected here (sign-in pages, start-up): do not treat it as the end of the session. */
  quiet?: boolean;
}

export async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { ...init, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw networkError();
  }
}

export function failureOf(response: Response, payload: unknown, options: RequestOptions): ApiError {
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
  const response = await send(path, { method: 'POST', headers: { accept: 'application/json', 'content-type': file.type || 'application/octet-stream', ...csrfHeader('POST') }, body: file });
  const payload: unknown = await response.json().catch(() => null);
  if (response.ok) {
    apiEvents.onTouch();
    return payload as T;
  }
  throw failureOf(response, payload, {});
}

/** Fetches a file (a document, a form, an export): its bytes and the name the server gave it, or the server's error. */
export async function fetchFile(path: string, init: RequestInit = { method: 'GET' }): Promise<{ blob: Blob; fileName: string }> {
  const response = await send(path, init);
  if (!response.ok) throw failureOf(response, await response.json().catch(() => null), {});
  apiEvents.onTouch();
  const disposition = response.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const plain = /filename="([^"]+)"/i.exec(disposition)?.[1];
  return { blob: await response.blob(), fileName: encoded ? decodeURIComponent(encoded) : (plain ?? 'tep') };
}

/**
 * Hands a file to the browser as a download (fetch + blob, so an error shows on the page and no URL, perhaps with a
 * personal ID in it, lands in the browser's downloads list); answers the name the server gave it.
 */
export async function saveFile(path: string, init?: RequestInit): Promise<string> {
  const { blob, fileName } = await fetchFile(path, init);
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
 * A citizen's file, opened for a reason (R01): the reason goes in the body, never in the address, so it stays out of
 * the browser's history and the server's access logs. `view` shows it in a new tab, opened from the click itself (so
 * the browser does not take it for a pop-up) and filled once the file is here; the others save it. Answers the saved
 * file's name.
 */
export async function openFile(path: string, mode: 'view' | 'download' | 'original', reason: string): Promise<string | null> {
  const init: RequestInit = { method: 'POST', headers: { accept: '*/*', 'content-type': 'application/json', ...csrfHeader('POST') }, body: JSON.stringify({ reason }) };
  if (mode !== 'view') return saveFile(path, init);
  const tab = window.open('', '_blank');
  try {
    const { blob } = await fetchFile(path, init);
    const url = URL.createObjectURL(blob);
    if (tab) {
      tab.opener = null;
      tab.location.href = url;
    }
    window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return null;
  } catch (error) {
    tab?.close();
    throw error;
  }
}

/** Builds a query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
