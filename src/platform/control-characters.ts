import { Stream } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { invalidInput } from './errors.ts';

/**
 * Characters no text of ours holds: C0 controls but tab and line breaks, DEL, the C1 controls, and halves of a UTF-16
 * pair without the other (with the `u` flag a whole pair is one code point and does not match). PostgreSQL refuses
 * U+0000 in text and jsonb, so a NUL that reached a query failed it with a 500; a lone half is no character and
 * cannot be written as UTF-8; the others are invisible on screen and in exports.
 */
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff]/u;

const FORBIDDEN_ALL = new RegExp(FORBIDDEN.source, 'gu');

/** For text taken as it comes (a header kept for the record, such as the User-Agent): the forbidden characters go. */
export function withoutControlCharacters(text: string): string {
  return text.replace(FORBIDDEN_ALL, '');
}

/** Bytes and streams (an upload's body) are not text; the query string's and the path's objects have their own prototypes. */
const isText = (v: object): v is Record<string, unknown> => !ArrayBuffer.isView(v) && !(v instanceof Stream);

/**
 * The path (`/applicant/fullName`, as in the schemas' errors) of the first string or key in parsed input that holds a
 * forbidden character, or null. Iterative: a deeply nested JSON body must not overflow the stack.
 */
export function findControlCharacters(value: unknown): string | null {
  const pending: [unknown, string][] = [[value, '']];
  while (pending.length > 0) {
    const [v, path] = pending.pop()!;
    if (typeof v === 'string') {
      if (FORBIDDEN.test(v)) return path || '/';
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => pending.push([item, `${path}/${i}`]));
    } else if (typeof v === 'object' && v !== null && isText(v)) {
      for (const [key, item] of Object.entries(v)) {
        // a bad key is reported at its object: the key itself is not echoed
        if (FORBIDDEN.test(key)) return path || '/';
        pending.push([item, `${path}/${key}`]);
      }
    }
  }
  return null;
}

/**
 * Refuses a request whose body, query string or path parameters hold a forbidden character, before any route's
 * validation, so that no route can forget it: 400 `invalid_input` naming the field, as the schemas' own errors do.
 */
export async function refuseControlCharacters(req: FastifyRequest): Promise<void> {
  for (const part of [req.params, req.query, req.body]) {
    const path = findControlCharacters(part);
    if (path !== null) {
      throw invalidInput([{ path, message: 'Có ký tự điều khiển hoặc ký tự không hợp lệ (như NUL).' }]);
    }
  }
}
