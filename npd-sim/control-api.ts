import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors } from './errors.ts';
import { parseFaultMode, type FaultMode } from './faults.ts';
import { parseJson, readBody, sameSecret, sendError, sendJson } from './http-json.ts';
import type { Population } from './population.ts';
import { samplePeople, type SampleFilter } from './sample.ts';

/** The control API (plain HTTP on loopback, bearer token): fault modes, sample citizens, health. */

export interface ControlContext {
  token: string;
  population: Population;
  mode(): FaultMode;
  setMode(mode: FaultMode): void;
}

const MAX_SAMPLE = 1000;

function integerParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number | string {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  return Number.isInteger(value) && value >= min && value <= max ? value : `${name} phải là số nguyên từ ${min} đến ${max}`;
}

function booleanParam(query: URLSearchParams, name: string): boolean | string {
  const raw = query.get(name);
  if (raw === null || raw === '' || raw === 'false') return false;
  return raw === 'true' ? true : `${name} phải là true hoặc false`;
}

function sampleFilter(query: URLSearchParams): SampleFilter | string {
  const filter = {
    count: integerParam(query, 'count', 10, 1, MAX_SAMPLE),
    minAge: integerParam(query, 'minAge', 0, 0, 200),
    maxAge: integerParam(query, 'maxAge', 200, 0, 200),
    withParents: booleanParam(query, 'withParents'),
    namesakes: booleanParam(query, 'namesakes'),
  };
  const problem = Object.values(filter).find((v) => typeof v === 'string');
  return typeof problem === 'string' ? problem : (filter as SampleFilter);
}

export function controlApiHandler(context: ControlContext): (req: IncomingMessage, res: ServerResponse) => void {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Bearer ') || !sameSecret(header.slice(7), context.token)) {
      req.resume();
      return sendError(res, errors.badControlToken);
    }
    const url = new URL(req.url ?? '/', 'http://control');
    const route = `${req.method} ${url.pathname}`;
    if (route === 'PUT /mode') {
      const body = await readBody(req);
      if (body === null) return sendError(res, errors.tooLarge, { connection: 'close' });
      const mode = parseFaultMode(parseJson(body));
      if (typeof mode === 'string') return sendError(res, errors.badRequest(mode));
      context.setMode(mode);
      res.writeHead(204).end();
      return;
    }
    req.resume();
    if (route === 'GET /mode') return sendJson(res, 200, context.mode());
    if (route === 'GET /health') return sendJson(res, 200, { ok: true });
    if (route === 'GET /sample') {
      const filter = sampleFilter(url.searchParams);
      if (typeof filter === 'string') return sendError(res, errors.badRequest(filter));
      return sendJson(res, 200, { Items: samplePeople(context.population, filter) });
    }
    const knownPath = ['/mode', '/health', '/sample'].includes(url.pathname);
    sendError(res, knownPath ? errors.methodNotAllowed : errors.notFound);
  }

  return (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, errors.failing);
    });
  };
}
