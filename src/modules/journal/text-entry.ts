import { canonical } from './entry.ts';

/**
 * encodeEntry (entry.ts) for a journal row read as PostgreSQL's text output, byte for byte, without building the row
 * Drizzle would have read: what lets `journal verify` hash pages of text as they come.
 */

/** A row as the verifier reads it: each column in PostgreSQL's text output (what the drivers parse from), NULL as null. */
export type TextRow = readonly (string | null)[];

/** The journal's columns in encodeEntry's order, as text. */
export const ENTRY_COLUMNS = ['seq', 'at', 'type', 'outcome', 'actor_account_id', 'actor_unit_id', 'actor_roles', 'target_type', 'target_id', 'unit_id', 'reason', 'details', 'ip', 'user_agent', 'request_id', 'citizens'];

/** How the driver in use turns a text[] into an array (node-postgres and PGlite differ on NULL elements). */
export type TextArrayParser = (literal: string) => unknown[];

/** Characters JSON.stringify escapes (and surrogates, which it may): a string without them is quoted as it is. */
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
const quote = (v: string | null | undefined) => (v == null ? 'null' : PLAIN.test(v) ? `"${v}"` : JSON.stringify(v));

/** An array literal as the driver would read it; the journal's common literals (no quoting, no NULL) without the parser. */
function textArray(literal: string, parse: TextArrayParser): unknown[] {
  if (literal === '{}') return [];
  if (literal.charCodeAt(0) === 123 && literal.indexOf('"') < 0 && literal.indexOf('\\') < 0 && literal.indexOf('{', 1) < 0 && literal.indexOf('}') === literal.length - 1) {
    const items = literal.slice(1, -1).split(',');
    if (!items.some((item) => item === '' || item === 'NULL')) return items;
  }
  return parse(literal);
}

/**
 * What `new Date(text).toISOString()` gives for a timestamptz in PostgreSQL's ISO output at UTC, without the
 * Date (any other form, and years before 1000, which V8 reads differently, take the Date).
 */
function isoInstant(text: string): string {
  const n = text.length;
  const c0 = text.charCodeAt(0);
  if (n >= 22 && n <= 29 && c0 >= 49 && c0 <= 57 && text.charCodeAt(4) === 45 && text.charCodeAt(10) === 32 && text.charCodeAt(n - 3) === 43 && text.charCodeAt(n - 2) === 48 && text.charCodeAt(n - 1) === 48) {
    if (n === 22) return `${text.slice(0, 10)}T${text.slice(11, 19)}.000Z`;
    if (text.charCodeAt(19) === 46) return `${text.slice(0, 10)}T${text.slice(11, 19)}.${(text.slice(20, n - 3) + '00').slice(0, 3)}Z`;
  }
  return new Date(text).toISOString();
}

/** JSON.stringify(canonical(value)) for a value from JSON.parse, written directly. */
function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return out + ']';
  }
  const keys = Object.keys(value as object);
  if (keys.length === 0) return '{}';
  // integer-like keys come first in an object, whatever the order they were set in: canonical() as it is
  const c = keys[0]!.charCodeAt(0);
  if (c >= 48 && c <= 57) return JSON.stringify(canonical(value));
  if (keys.length > 1) keys.sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) out += (i === 0 ? '' : ',') + quote(keys[i]) + ':' + canonicalJson((value as Record<string, unknown>)[keys[i]!]);
  return out + '}';
}

/** jsonb as Drizzle reads it: the driver's JSON.parse, then Drizzle's own JSON.parse of a string that parses. */
function drizzleJsonb(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * encodeEntry's bytes, as a string, for a row read as text (ENTRY_COLUMNS): the same as encodeEntry of the row
 * Drizzle would have read (a property test holds the two equal), without building that row.
 */
export function encodeTextEntry(r: TextRow, parseArray: TextArrayParser): string {
  const seq = r[0]!;
  const citizens = r[15] == null ? [] : textArray(r[15], parseArray);
  return (
    (citizens.length > 0 ? '["motcua.journal.v2",' : '["motcua.journal.v1",') +
    (seq.length <= 15 ? seq : String(Number(seq))) +
    ',"' +
    isoInstant(r[1]!) +
    '",' +
    quote(r[2]) +
    ',' +
    quote(r[3]) +
    ',' +
    quote(r[4]) +
    ',' +
    quote(r[5]) +
    ',' +
    (r[6] == null ? 'null' : JSON.stringify(textArray(r[6], parseArray))) +
    ',' +
    quote(r[7]) +
    ',' +
    quote(r[8]) +
    ',' +
    quote(r[9]) +
    ',' +
    quote(r[10]) +
    ',' +
    (r[11] == null ? 'null' : canonicalJson(drizzleJsonb(r[11]))) +
    ',' +
    quote(r[12]) +
    ',' +
    quote(r[13]) +
    ',' +
    quote(r[14]) +
    (citizens.length > 0 ? ',' + JSON.stringify(citizens) + ']' : ']')
  );
}

