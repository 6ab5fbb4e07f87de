import type { LoggerOptions } from 'pino';
import { ConfigError } from './config.ts';
import { DataDirLockedError } from './data-dir-lock.ts';
import { MigrationChangedError } from './db.ts';

/**
 * What a log line keeps of an error: its class, its code, where it was thrown. Never its message: a failed query's
 * message is the SQL with its parameters (Drizzle's "Failed query … params: …"), PostgreSQL's repeats the offending
 * value ('invalid input syntax for type uuid: "…"') and its detail the whole row, so a citizen's personal ID, name,
 * phone or search terms would end up in the log (R15).
 */
export interface LoggedError {
  type: string;
  /** PostgreSQL's SQLSTATE, Node's errno name, Fastify's or our AppError's code. */
  code?: string;
  statusCode?: number;
  stack?: string[];
  cause?: LoggedError;
  errors?: LoggedError[];
}

const CODE = /^[A-Za-z0-9_.:-]{1,64}$/;
/** A V8 frame names a function and a place in code; anything else in a stack is the message. */
const FRAME = /^\s+at .*(?::\d+:\d+\)?|\((?:native|<anonymous>)\))$/;
const MAX_DEPTH = 5;

function typeOf(err: object): string {
  const name = (err as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name ? name : 'Object';
}

/** The frames of a stack without its header, which is the message (and may span lines that look like frames). */
function frames(err: Error): string[] | undefined {
  if (typeof err.stack !== 'string') return undefined;
  const at = err.message ? err.stack.indexOf(err.message) : -1;
  const body = at >= 0 ? err.stack.slice(at + err.message.length) : err.stack;
  return body.split('\n').filter((line) => FRAME.test(line)).map((line) => line.trim());
}

export function serializeError(err: unknown, depth = 0): LoggedError {
  if (typeof err !== 'object' || err === null) return { type: typeof err };
  const e = err as { code?: unknown; statusCode?: unknown; cause?: unknown; errors?: unknown };
  const out: LoggedError = { type: typeOf(err) };
  if (typeof e.code === 'string' && CODE.test(e.code)) out.code = e.code;
  if (typeof e.statusCode === 'number') out.statusCode = e.statusCode;
  if (err instanceof Error) out.stack = frames(err);
  if (depth < MAX_DEPTH) {
    if (e.cause !== undefined) out.cause = serializeError(e.cause, depth + 1);
    if (Array.isArray(e.errors)) out.errors = e.errors.slice(0, 5).map((inner) => serializeError(inner, depth + 1));
  }
  return out;
}

/** One line for a person: `DrizzleQueryError ← DatabaseError 23514`. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e: LoggedError | undefined = serializeError(err); e; e = e.cause) parts.push(e.code ? `${e.type} ${e.code}` : e.type);
  return parts.join(' ← ');
}

/**
 * What the CLI and the server's console print of an error: the message of errors written for the operator (a bad
 * setting, the data directory in use, a command's own refusals, which are plain `Error`s), else only what
 * describeError shows.
 */
export function operatorMessage(err: unknown): string {
  const forOperator = err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof MigrationChangedError || (err instanceof Error && err.constructor === Error);
  return forOperator ? (err as Error).message : describeError(err);
}

/**
 * The pino options every logger of the process shares (Fastify's, hence the request logs and the jobs', which log
 * through app.log). pino takes an error's message as the line's text when no text is given, and Fastify passes
 * `err.message` itself as the text of the errors it logs: the hook puts the error's class there instead.
 */
export const logOptions = {
  serializers: {
    // Fastify's types want pino's own error shape ({ type, message, stack }); ours leaves the message out on purpose.
    err: serializeError as unknown as (err: Error) => { type: string; message: string; stack: string },
  },
  hooks: {
    logMethod(args, method) {
      const [first, text, ...rest] = args as unknown[];
      const err = first instanceof Error ? first : (first as { err?: unknown } | null)?.err;
      if (!(err instanceof Error) || (text !== undefined && text !== err.message)) return method.apply(this, args);
      const merged = first instanceof Error ? { err: first } : first;
      return method.apply(this, [merged, typeOf(err), ...rest] as Parameters<typeof method>);
    },
  },
} satisfies LoggerOptions;
