import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { errors, type NpdError } from './errors.ts';
import type { FaultMode } from './faults.ts';
import { parseJson, readBody, sameSecret, sendError, sendJson, sendJsonText } from './http-json.ts';
import { parseTimSoDinhDanh, parseTraCuu, timSoDinhDanh, traCuu, type TimSoDinhDanhResponse, type TraCuuResponse } from './lookup-services.ts';
import type { Credential } from './pki.ts';
import type { Population } from './population.ts';
import type { RequestLog, Service } from './request-log.ts';

/**
 * The NPD API behind mutual TLS (the TLS layer has already refused certificates from other CAs): the credential,
 * the fault mode, the two services and the request log.
 */

export interface NpdApiContext {
  population: Population;
  log: RequestLog;
  credential: Credential;
  mode(): FaultMode;
}

const SERVICES = new Map<string, Service>([
  ['/api/v1/cong-dan/tra-cuu', 'tra-cuu'],
  ['/api/v1/cong-dan/tim-so-dinh-danh', 'tim-so-dinh-danh'],
]);
const LOG_PATH = '/api/v1/nhat-ky';
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds of an ISO 8601 date-time with a zone (a bare local time would be ambiguous), else null. */
function instant(raw: string | null): number | null {
  // An unencoded "+07:00" arrives as " 07:00" (a query string's "+" means a space).
  const text = raw?.replace(/ (\d{2}:\d{2})$/, '+$1') ?? '';
  if (!ISO_DATE_TIME.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/** The account named in a Basic Authorization header ('' if none), and whether the password is right. */
function authenticate(header: string | undefined, credential: Credential): { account: string; valid: boolean } {
  if (!header?.startsWith('Basic ')) return { account: '', valid: false };
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const account = colon === -1 ? '' : decoded.slice(0, colon);
  return { account, valid: sameSecret(decoded, `${credential.account}:${credential.password}`) };
}

const FAULT_ERRORS: Partial<Record<FaultMode['mode'], NpdError>> = {
  failing: errors.failing,
  rate_limited: errors.rateLimited,
  disconnected: errors.disconnected,
};

const text = (value: unknown) => (typeof value === 'string' ? value : null);

/** Why a call is refused before the service runs, in the order the checks apply; null when it is not. */
function refusalOf(valid: boolean, mode: FaultMode, method: string | undefined, body: Buffer | null): NpdError | null {
  if (!valid) return errors.badCredential;
  const fault = FAULT_ERRORS[mode.mode];
  if (fault) return fault;
  if (method !== 'POST') return errors.methodNotAllowed;
  if (body === null) return errors.tooLarge;
  return null;
}

interface Served {
  answer: TraCuuResponse | TimSoDinhDanhResponse;
  outcome: string;
  personalId: string | null;
}

function serve(population: Population, service: Service, json: unknown): Served | NpdError {
  if (json === undefined) return errors.badRequest('nội dung không phải JSON');
  if (service === 'tra-cuu') {
    const request = parseTraCuu(json);
    if (typeof request === 'string') return errors.badRequest(request);
    const answer = traCuu(population, request);
    return { answer, outcome: answer.KetQua, personalId: request.SoDinhDanh };
  }
  const request = parseTimSoDinhDanh(json);
  if (typeof request === 'string') return errors.badRequest(request);
  const answer = timSoDinhDanh(population, request);
  return { answer, outcome: answer.KetQua, personalId: answer.SoDinhDanh ?? null };
}

export function npdApiHandler(context: NpdApiContext): (req: IncomingMessage, res: ServerResponse) => void {
  async function callService(service: Service, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = new Date().toISOString();
    const mode = context.mode();
    // A down NPD never answers and never records: the caller sees its connection reset.
    if (mode.mode === 'down') {
      req.socket.destroy();
      return;
    }
    const caller = authenticate(req.headers.authorization, context.credential);
    const body = await readBody(req);
    if (mode.mode === 'slow') await sleep(mode.delayMs);
    const json = body === null ? undefined : parseJson(body);
    const fields = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
    const result = refusalOf(caller.valid, mode, req.method, body) ?? serve(context.population, service, json);
    const refused = 'MaLoi' in result;

    context.log.append({
      ThoiGian: receivedAt,
      DichVu: service,
      MaYeuCau: text(fields.MaYeuCau),
      MaDVC: text(fields.MaDVC),
      MaTichHop: text(fields.MaTichHop),
      MaDonVi: text(fields.MaDonVi),
      MaCanBo: text(fields.MaCanBo),
      SoDinhDanh: refused ? (service === 'tra-cuu' ? text(fields.SoDinhDanh) : null) : result.personalId,
      KetQua: refused ? result.MaLoi : result.outcome,
      MaTaiKhoan: caller.account,
    });
    if (!refused) return sendJson(res, 200, result.answer);
    sendError(res, result, {
      ...(result === errors.rateLimited ? { 'retry-after': '1' } : {}),
      ...(result === errors.methodNotAllowed ? { allow: 'POST' } : {}),
      // The unread rest of an oversized body would be taken for the next request: close instead.
      ...(body === null ? { connection: 'close' } : {}),
    });
  }

  function readLog(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    if (req.method !== 'GET') return sendError(res, errors.methodNotAllowed, { allow: 'GET' });
    const [from, to] = [instant(query.get('tu')), instant(query.get('den'))];
    if (from === null || to === null) return sendError(res, errors.badRequest('tu và den phải là thời điểm ISO 8601 (vd. 2026-11-23T08:00:00Z)'));
    sendJsonText(res, 200, `{"Items":${context.log.betweenJson(from, to)}}`);
  }

  return (req, res) => {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
    const service = SERVICES.get(pathname);
    if (service) {
      callService(service, req, res).catch(() => {
        if (!res.headersSent) sendError(res, errors.failing);
      });
      return;
    }
    req.resume();
    if (!authenticate(req.headers.authorization, context.credential).valid) return sendError(res, errors.badCredential);
    if (pathname === LOG_PATH) return readLog(req, res, new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1)));
    sendError(res, errors.notFound);
  };
}
