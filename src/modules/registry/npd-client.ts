import crypto from 'node:crypto';
import CircuitBreaker from 'opossum';
import { Agent, request, errors as undiciErrors } from 'undici';
import type { Clock } from '../../platform/clock.ts';

/** What the system owner enters once (R34): sealed at rest, handed only to this client, never shown again. */
export interface NpdConnectionSettings {
  endpoint: string;
  certificate: string;
  privateKey: string;
  caCertificate: string;
  account: string;
  password: string;
}

/** Who asks and why, on every call: the platform's request fields (the lookup's id is MaYeuCau). */
export interface NpdCaller {
  MaYeuCau: string;
  MaDVC: string;
  MaTichHop: string;
  MaDonVi: string;
  MaCanBo: string;
}

export interface NpdPerson {
  personalId: string;
  fullName: string;
  /** YYYY-MM-DD */
  birthDate: string;
}

export type VerifyAnswer = { outcome: 'matched'; record: Record<string, unknown> } | { outcome: 'mismatch' } | { outcome: 'not_found' };
export type FindAnswer = { outcome: 'found'; personalId: string } | { outcome: 'not_found' } | { outcome: 'ambiguous' };

export interface NpdLogEntry {
  at: string;
  service: string;
  requestId: string;
  unitCode: string;
  officer: string;
  outcome: string;
}

/** The adapter the gateway speaks to: the real NPD and npd-sim answer the same shape over the same client. */
export interface NpdAdapter {
  verify(caller: NpdCaller, person: NpdPerson): Promise<VerifyAnswer>;
  find(caller: NpdCaller, person: Omit<NpdPerson, 'personalId'> & { fatherName?: string; motherName?: string }): Promise<FindAnswer>;
  requestLog(from: Date, to: Date): Promise<NpdLogEntry[]>;
  close(): Promise<void>;
}

export type NpdFailure = 'timeout' | 'unavailable' | 'busy' | 'disconnected' | 'refused' | 'bad_answer';

/** A call that gave no answer. Its message is ours: nothing of the connection settings or the wire is in it. */
export class NpdError extends Error {
  constructor(readonly kind: NpdFailure) {
    super(`NPD call failed: ${kind}`);
  }
}

/** The longest delay a Node timer takes (a longer one fires after 1 ms): opossum's own reset timer, out of the way. */
const NEVER_MS = 2 ** 31 - 1;

const isoToVn = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** The fingerprint shown instead of the settings: SHA-256 of the client certificate, as `openssl x509 -fingerprint -sha256` prints it. */
export function certificateFacts(pem: string): { fingerprint: string; expiresAt: Date } {
  const cert = new crypto.X509Certificate(pem);
  return { fingerprint: cert.fingerprint256, expiresAt: new Date(cert.validTo) };
}

/**
 * One HTTPS client with mutual TLS and the API credential. A slow or failing NPD must not hang the desk (R43):
 * every call has a deadline, only a connection that never reached the NPD is retried (once), and a circuit breaker
 * stops calling for a while after repeated failures so officers get an immediate, clear refusal.
 *
 * "For a while" is read on the injected clock, as every rule that depends on time: opossum counts the failures and
 * opens the circuit, but its reset timer (wall time, setTimeout) is pushed out of reach; this client notes when the
 * circuit opened and, at the first call once `breakerResetMs` has passed on the clock, lets that one call through as
 * opossum's half-open state would (success closes the circuit, a failure opens it again, calls meanwhile are refused).
 */
export class HttpNpdClient implements NpdAdapter {
  readonly #agent: Agent;
  readonly #origin: string;
  readonly #authorization: string;
  readonly #timeoutMs: number;
  readonly #breaker: CircuitBreaker<[string, object], unknown>;
  readonly #clock: Clock;
  readonly #resetMs: number;
  /** When the circuit last opened, on the clock (ms); null while it is closed. */
  #openedAt: number | null = null;
  /** The one call let through an open circuit is under way: the others are refused until it answers. */
  #trialInFlight = false;

  constructor(settings: NpdConnectionSettings, options: { timeoutMs: number; breakerResetMs?: number; clock: Clock }) {
    const url = new URL(settings.endpoint);
    this.#origin = url.origin;
    this.#timeoutMs = options.timeoutMs;
    this.#clock = options.clock;
    this.#resetMs = options.breakerResetMs ?? 10_000;
    this.#authorization = `Basic ${Buffer.from(`${settings.account}:${settings.password}`).toString('base64')}`;
    this.#agent = new Agent({
      connect: { cert: settings.certificate, key: settings.privateKey, ca: settings.caCertificate, timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connections: 64,
      keepAliveTimeout: 30_000,
    });
    this.#breaker = new CircuitBreaker((path: string, body: object) => this.#post(path, body), {
      timeout: false,
      errorThresholdPercentage: 50,
      volumeThreshold: 5,
      rollingCountTimeout: 10_000,
      // the half-open timing is this client's, on the clock (see above); every close() clears opossum's timer
      resetTimeout: NEVER_MS,
      errorFilter: isNpdDecision,
    });
    this.#breaker.on('open', () => (this.#openedAt = this.#clock.now().getTime()));
    this.#breaker.on('close', () => (this.#openedAt = null));
  }

  async #post(path: string, body: object, retried = false): Promise<unknown> {
    let response;
    try {
      response = await request(`${this.#origin}${path}`, {
        method: 'POST',
        dispatcher: this.#agent,
        headers: { 'content-type': 'application/json', authorization: this.#authorization },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      // safe to retry: the request never reached the NPD (refused or reset before any byte of the answer)
      const neverSent = err instanceof undiciErrors.SocketError || (err as NodeJS.ErrnoException).code === 'ECONNREFUSED' || (err as NodeJS.ErrnoException).code === 'ECONNRESET';
      if (neverSent && !retried) return this.#post(path, body, true);
      throw new NpdError(isTimeout(err) ? 'timeout' : 'unavailable');
    }
    const text = await response.body.text().catch((err: unknown) => {
      throw new NpdError(isTimeout(err) ? 'timeout' : 'unavailable');
    });
    const json = parseJson(text);
    if (response.statusCode === 200 && json) return json;
    if (response.statusCode === 403 && json?.MaLoi === 'NGAT_KET_NOI') throw new NpdError('disconnected');
    if (response.statusCode === 401 || response.statusCode === 403) throw new NpdError('refused');
    if (response.statusCode === 429) throw new NpdError('busy');
    throw new NpdError(response.statusCode >= 500 ? 'unavailable' : 'bad_answer');
  }

  async #call(path: string, body: object): Promise<Record<string, unknown>> {
    // the breaker is open (or its one trial call is under way): do not even try
    if (this.#trialInFlight) throw new NpdError('unavailable');
    const trial = this.#breaker.opened && this.#openedAt !== null && this.#clock.now().getTime() >= this.#openedAt + this.#resetMs;
    if (trial) {
      this.#trialInFlight = true;
      this.#breaker.close();
    }
    try {
      return (await this.#breaker.fire(path, body)) as Record<string, unknown>;
    } catch (err) {
      // a failed trial opens the circuit again, for another breakerResetMs from now
      if (trial && !isNpdDecision(err)) this.#breaker.open();
      if (err instanceof NpdError) throw err;
      throw new NpdError('unavailable');
    } finally {
      if (trial) this.#trialInFlight = false;
    }
  }

  async verify(caller: NpdCaller, person: NpdPerson): Promise<VerifyAnswer> {
    const answer = await this.#call('/api/v1/cong-dan/tra-cuu', {
      ...caller,
      SoDinhDanh: person.personalId,
      HoVaTen: person.fullName,
      NgayThangNamSinh: isoToVn(person.birthDate),
    });
    if (answer.KetQua === 'KHOP' && isRecord(answer.CongDan)) return { outcome: 'matched', record: answer.CongDan };
    if (answer.KetQua === 'KHONG_KHOP') return { outcome: 'mismatch' };
    if (answer.KetQua === 'KHONG_TIM_THAY') return { outcome: 'not_found' };
    throw new NpdError('bad_answer');
  }

  async find(caller: NpdCaller, person: Omit<NpdPerson, 'personalId'> & { fatherName?: string; motherName?: string }): Promise<FindAnswer> {
    const answer = await this.#call('/api/v1/cong-dan/tim-so-dinh-danh', {
      ...caller,
      HoVaTen: person.fullName,
      NgayThangNamSinh: isoToVn(person.birthDate),
      ...(person.fatherName ? { HoVaTenCha: person.fatherName } : {}),
      ...(person.motherName ? { HoVaTenMe: person.motherName } : {}),
    });
    if (answer.KetQua === 'TIM_THAY' && typeof answer.SoDinhDanh === 'string' && /^\d{12}$/.test(answer.SoDinhDanh)) return { outcome: 'found', personalId: answer.SoDinhDanh };
    if (answer.KetQua === 'KHONG_TIM_THAY') return { outcome: 'not_found' };
    if (answer.KetQua === 'NHIEU_KET_QUA') return { outcome: 'ambiguous' };
    throw new NpdError('bad_answer');
  }

  /** The NPD's own record of our requests (reconciliation): read directly, outside the breaker. */
  async requestLog(from: Date, to: Date): Promise<NpdLogEntry[]> {
    const query = new URLSearchParams({ tu: from.toISOString(), den: to.toISOString() });
    let response;
    try {
      response = await request(`${this.#origin}/api/v1/nhat-ky?${query}`, {
        dispatcher: this.#agent,
        headers: { authorization: this.#authorization },
        signal: AbortSignal.timeout(Math.max(this.#timeoutMs, 30_000)),
      });
    } catch (err) {
      throw new NpdError(isTimeout(err) ? 'timeout' : 'unavailable');
    }
    const json = parseJson(await response.body.text());
    if (response.statusCode !== 200 || !json || !Array.isArray(json.Items)) throw new NpdError(response.statusCode === 401 ? 'refused' : 'unavailable');
    return json.Items.filter(isRecord).map((i) => ({
      at: String(i.ThoiGian),
      service: String(i.DichVu),
      requestId: String(i.MaYeuCau),
      unitCode: String(i.MaDonVi),
      officer: String(i.MaCanBo),
      outcome: String(i.KetQua),
    }));
  }

  async close(): Promise<void> {
    this.#breaker.shutdown();
    await this.#agent.close();
  }
}

/** Answers that are the NPD's decision, not its failure: they do not open the circuit (opossum's errorFilter). */
function isNpdDecision(err: unknown): boolean {
  return err instanceof NpdError && ['disconnected', 'refused', 'busy'].includes(err.kind);
}

function isTimeout(err: unknown): boolean {
  return (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError ||
    (err as Error)?.name === 'TimeoutError' ||
    (err as Error)?.name === 'AbortError'
  );
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
