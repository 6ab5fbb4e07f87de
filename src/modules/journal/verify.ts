import crypto from 'node:crypto';
import { types as pgliteTypes } from '@electric-sql/pglite';
import { and, asc, count, eq, gt, gte, is, isNull, lt, lte, sql } from 'drizzle-orm';
import { NodePgSession } from 'drizzle-orm/node-postgres';
import { PgTransaction } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Executor } from '../../platform/db.ts';
import { NoteError, openNote, parseCheckpoint, parseVerifierKey, type NoteVerifier } from './checkpoint.ts';
import { canonical, encodeEntry } from './entry.ts';
import { journal, journalArchives, journalCheckpoints, journalIndex, type JournalRow } from './journal.tables.ts';
import { rangeNodes } from './nodes.ts';
import { CompactRange, EMPTY_ROOT, leafHash, nodeHash, verifyInclusion } from './merkle.ts';

export interface VerifyReport {
  /** entries in the tree */
  size: number;
  checkpoints: number;
  /** committed entries the sequencer has not integrated yet */
  pending: number;
  /** each damage found, naming its position; empty when the journal is intact */
  problems: string[];
}

interface TreeData {
  /** the tree index, by position, with the entry it points to (null when the row is gone) */
  positions: { idx: number; seq: number; leafHash: Buffer; entry: JournalRow | null }[];
  checkpoints: { size: number; root: Buffer; note: string }[];
}

// ——— The tree check: one definition of every problem message, for the database and for exported files ———

const nodeInput = Buffer.alloc(65, 1);

/** RFC 9162 node hash over hex digests (merkle.ts's nodeHash), without a Buffer per node. */
function nodeHashHex(left: string, right: string): string {
  if (left.length !== 64 || right.length !== 64) return nodeHash(Buffer.from(left, 'hex'), Buffer.from(right, 'hex')).toString('hex');
  nodeInput.write(left, 1, 'hex');
  nodeInput.write(right, 33, 'hex');
  return crypto.hash('sha256', nodeInput, 'hex');
}

const EMPTY_ROOT_HEX = EMPTY_ROOT.toString('hex');

/** merkle.ts's CompactRange over hex digests: the same tree (a property test holds them equal), at a fraction of the cost. */
export class HexRange {
  constructor(
    public size = 0,
    public readonly nodes: string[] = [],
  ) {}

  append(leaf: string): void {
    const nodes = this.nodes;
    nodes.push(leaf);
    for (let s = this.size; s % 2 === 1; s = Math.floor(s / 2)) {
      const right = nodes.pop()!;
      nodes.push(nodeHashHex(nodes.pop()!, right));
    }
    this.size += 1;
  }

  root(): string {
    const nodes = this.nodes;
    if (nodes.length === 0) return EMPTY_ROOT_HEX;
    let acc = nodes[nodes.length - 1]!;
    for (let i = nodes.length - 2; i >= 0; i--) acc = nodeHashHex(nodes[i]!, acc);
    return acc;
  }
}

/** Leaf hash (hex) of an entry's canonical bytes given as a string: SHA-256(0x00 ‖ UTF-8 of the string). */
const leafHashHex = (encoded: string): string => crypto.hash('sha256', '\u0000' + encoded, 'hex');

/**
 * Checks positions one by one, in tree order: each entry against its leaf, the leaves against every signed
 * checkpoint. Holds only the tree's right edge, so a journal of any size streams through it.
 */
class TreeCheck {
  readonly problems: string[] = [];
  archived = 0;
  private readonly expectedRoots = new Map<number, string>();
  private readonly range: HexRange;
  private lastGood: number;

  constructor(
    checkpoints: readonly { size: number; root: Buffer; note: string }[],
    verifier: NoteVerifier,
    private readonly options: { start?: HexRange; archived?: (idx: number) => boolean },
  ) {
    for (const cp of checkpoints) {
      try {
        const body = parseCheckpoint(openNote(cp.note, [verifier]).text);
        if (body.origin !== verifier.name || body.size !== cp.size || !body.root.equals(cp.root)) {
          this.problems.push(`checkpoint ${cp.size}: the signed note does not match the stored checkpoint`);
        }
        this.expectedRoots.set(body.size, body.root.toString('hex'));
      } catch (err) {
        this.problems.push(`checkpoint ${cp.size}: ${err instanceof NoteError ? err.message : 'unreadable'} (not signed by the journal key)`);
      }
    }
    this.range = options.start ?? new HexRange();
    this.lastGood = this.range.size;
  }

  /** One row of the tree index: its stored leaf and, unless the entry is gone, the leaf recomputed from the entry. */
  position(idx: number, seq: number, stored: string, recomputed: string | null): void {
    const range = this.range;
    if (idx !== range.size) this.problems.push(`position ${range.size}: missing from the tree index (next is ${idx})`);
    let leaf = stored;
    if (recomputed === null) {
      if (this.options.archived?.(idx)) this.archived += 1;
      else this.problems.push(`position ${idx} (entry ${seq}): the entry was deleted`);
    } else {
      leaf = recomputed;
      if (leaf !== stored) this.problems.push(`position ${idx} (entry ${seq}): the entry was altered`);
    }
    range.append(leaf);
    const expected = this.expectedRoots.get(range.size);
    if (expected === undefined) return;
    if (expected === range.root()) this.lastGood = range.size;
    else this.problems.push(`checkpoint ${range.size}: the entries no longer produce its root (changed between positions ${this.lastGood} and ${range.size - 1})`);
  }

  finish(checkpoints: number): Omit<VerifyReport, 'pending'> & { archived: number } {
    for (const size of this.expectedRoots.keys()) {
      if (size > this.range.size) this.problems.push(`checkpoint ${size}: the tree has only ${this.range.size} entries (entries removed from the end)`);
    }
    return { size: this.range.size, checkpoints, problems: this.problems, archived: this.archived };
  }
}

/**
 * Recomputes every leaf from the entries and the whole tree from the leaves, and checks every checkpoint against
 * it and against the verifier key, which must come from outside the database.
 */
export function verifyTree(
  data: TreeData,
  verifier: NoteVerifier,
  options: {
    /** the right edge of the tree before the first position given (an archive starts mid-tree) */
    start?: CompactRange;
    /** positions whose entry may be absent because it lives in an archive file */
    archived?: (idx: number) => boolean;
  } = {},
): Omit<VerifyReport, 'pending'> & { archived: number } {
  const start = options.start && new HexRange(options.start.size, options.start.nodes.map((n) => n.toString('hex')));
  const check = new TreeCheck(data.checkpoints, verifier, { start, archived: options.archived });
  for (const { idx, seq, leafHash: stored, entry } of data.positions) {
    check.position(idx, seq, stored.toString('hex'), entry ? leafHash(encodeEntry(entry)).toString('hex') : null);
  }
  return check.finish(data.checkpoints.length);
}

async function loadTree(tx: Executor): Promise<TreeData> {
  const rows = await tx.select({ index: journalIndex, entry: journal }).from(journalIndex).leftJoin(journal, eq(journal.seq, journalIndex.seq)).orderBy(asc(journalIndex.idx));
  return {
    positions: rows.map(({ index, entry }) => ({ ...index, entry })),
    checkpoints: await tx.select().from(journalCheckpoints).orderBy(asc(journalCheckpoints.size)),
  };
}

/** What the journal says of its archived months: which positions they held and how many entries. */
export interface ArchiveRecord {
  month: string;
  entries: number;
  firstPosition: number | null;
  lastPosition: number | null;
  fileName: string | null;
  fileSha256: string | null;
}

/** Positions inside an archive's range may have no entry; the archives' own count says how many. */
function archiveAccounting(archives: readonly ArchiveRecord[]) {
  return {
    inArchive: (idx: number) => archives.some((a) => a.firstPosition !== null && a.lastPosition !== null && idx >= a.firstPosition && idx <= a.lastPosition),
    check(report: { archived: number; problems: string[] }) {
      const expected = archives.reduce((n, a) => n + a.entries, 0);
      if (report.archived !== expected) {
        report.problems.push(`archives: ${expected} entries were archived but ${report.archived} positions inside the archived ranges have no entry (entries deleted among archived months)`);
      }
    },
  };
}

/**
 * Verifies a tree whose archived months are present only through their leaf hashes: an absent entry counts as
 * archived only inside an archive's positions, and the count must be the archives' own.
 */
function verifyWithArchives(data: TreeData, verifier: NoteVerifier, archives: readonly ArchiveRecord[]) {
  const accounting = archiveAccounting(archives);
  const report = verifyTree(data, verifier, { archived: accounting.inArchive });
  accounting.check(report);
  return report;
}

async function loadArchiveRecords(tx: Executor): Promise<ArchiveRecord[]> {
  const rows = await tx.select().from(journalArchives).orderBy(asc(journalArchives.month));
  return rows.map((a) => ({ ...a, fileSha256: a.fileSha256?.toString('hex') ?? null }));
}

// ——— `journal verify`: the rows streamed from the database a page at a time, never all at once ———

/** A row as the verifier reads it: each column in PostgreSQL's text output (what the drivers parse from), NULL as null. */
export type TextRow = readonly (string | null)[];

/** The journal's columns in encodeEntry's order, as text. */
const ENTRY_COLUMNS = ['seq', 'at', 'type', 'outcome', 'actor_account_id', 'actor_unit_id', 'actor_roles', 'target_type', 'target_id', 'unit_id', 'reason', 'details', 'ip', 'user_agent', 'request_id', 'citizens'];

/** How the driver in use turns a text[] into an array (node-postgres and PGlite differ on NULL elements). */
export type TextArrayParser = (literal: string) => unknown[];

const pgTextArray = (pg.types.getTypeParser as (oid: number, format: 'text') => TextArrayParser)(1009, 'text');
const pgliteTextArray: TextArrayParser = (literal) => pgliteTypes.arrayParser(literal, (value: string) => value, 1009) as unknown[];

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

/** Rows read as text, parsed only when asked for (a page stays one string and its line offsets). */
export interface TextRows {
  readonly length: number;
  /** the first column of row i, cheaply */
  first(i: number): string | null;
  /** every column of row i */
  row(i: number): TextRow;
}

/** A query's result in COPY's text format: as node-postgres delivered it (bytes), or as PGlite's string_agg built it. */
type RawRows = { copy: Buffer | string | null };

/** COPY's text format: tab between columns, \N for NULL, backslash escapes. */
const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
function copyField(field: string): string | null {
  if (field === '\\N') return null;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e.length > 1 || (e >= '0' && e <= '7')) return String.fromCharCode(e[0] === 'x' ? parseInt(e.slice(1), 16) : parseInt(e, 8));
    return COPY_ESCAPES[e] ?? e;
  });
}

/**
 * Rows in COPY's text format. Bytes are read as latin1 to find the lines, and each line is decoded as UTF-8 only when
 * it is not ASCII.
 */
class CopyRows implements TextRows {
  private readonly text: string;
  private readonly starts: number[] = [];
  /** the lines with a byte above 0x7f (read as UTF-8), when there are any */
  private readonly utf8: Uint8Array | null = null;

  constructor(private readonly data: Buffer | string) {
    const text = (this.text = typeof data === 'string' ? data : data.toString('latin1'));
    // every row ends with a newline, but perhaps the last (one inside a value is written \n); starts[i + 1] - 1 ends row i
    let at = 0;
    while (at < text.length) {
      this.starts.push(at);
      at = text.indexOf('\n', at) + 1 || text.length + 1;
    }
    this.starts.push(at);
    if (typeof data === 'string') return;
    const high = /[\x80-\xff]/g;
    for (let m = high.exec(text), line = 0; m !== null; m = high.exec(text)) {
      this.utf8 ??= new Uint8Array(this.starts.length);
      while (this.starts[line + 1]! <= m.index) line++;
      this.utf8[line] = 1;
      high.lastIndex = this.starts[line + 1]!;
    }
  }

  get length() {
    return this.starts.length - 1;
  }

  first(i: number): string | null {
    const start = this.starts[i]!;
    const end = this.starts[i + 1]! - 1;
    const tab = this.text.indexOf('\t', start);
    const field = this.text.slice(start, tab >= 0 && tab < end ? tab : end);
    return field.indexOf('\\') < 0 ? field : copyField(field);
  }

  row(i: number): TextRow {
    const start = this.starts[i]!;
    const end = this.starts[i + 1]! - 1;
    const fields: (string | null)[] = (this.utf8?.[i] ? (this.data as Buffer).toString('utf8', start, end) : this.text.slice(start, end)).split('\t');
    for (let f = 0; f < fields.length; f++) if (fields[f]!.indexOf('\\') >= 0) fields[f] = copyField(fields[f]!);
    return fields;
  }
}

export const textRows = (raw: RawRows): TextRows => new CopyRows(raw.copy ?? '');

/** Reads `SELECT columns FROM … [ORDER BY …]` (literals inlined: no parameters) as text, however many rows. */
export interface TextSource {
  raw(columns: readonly string[], from: string, orderBy?: string): Promise<RawRows>;
  driver: 'pg' | 'pglite';
}

const readRows = async (source: TextSource, columns: readonly string[], from: string, orderBy?: string) => textRows(await source.raw(columns, from, orderBy));
export const textArrayParser = (driver: TextSource['driver']): TextArrayParser => (driver === 'pg' ? pgTextArray : pgliteTextArray);

/** node-postgres: `COPY … TO STDOUT` through pg-copy-streams, the chunks kept as they come. */
function copySource(client: pg.ClientBase): TextSource {
  const copyOut = async (text: string) => {
    const chunks: Buffer[] = [];
    for await (const chunk of client.query(copyTo(text))) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  return {
    raw: async (columns, from, orderBy) => ({ copy: await copyOut(`COPY (SELECT ${columns.join(', ')} ${from}${orderBy ? ` ORDER BY ${orderBy}` : ''}) TO STDOUT`) }),
    driver: 'pg',
  };
}

/** A column written as COPY writes it (NULL as \\N; backslash, tab and newline escaped), in SQL. */
const copyText = (column: string) => String.raw`coalesce(replace(replace(replace((${column})::text, E'\\', E'\\\\'), E'\t', E'\\t'), E'\n', E'\\n'), E'\\N')`;

/**
 * PGlite, where COPY TO STDOUT is out of reach: the same text built by string_agg, one value for the driver to decode
 * however many rows it holds (an aggregate is fed in its subquery's order, which the reader checks).
 */
function aggSource(tx: Executor): TextSource {
  return {
    async raw(columns, from, orderBy) {
      const inner = `SELECT ${columns.join(', ')} ${from}${orderBy ? ` ORDER BY ${orderBy}` : ''}`;
      const names = columns.map((_, i) => `c${i}`);
      const result = (await tx.execute(
        sql.raw(`SELECT string_agg(concat_ws(E'\\t', ${names.map((c) => copyText(`s.${c}`)).join(', ')}), E'\\n') AS page FROM (${inner}) AS s(${names.join(', ')})`),
      )) as unknown as { rows: { page: string | null }[] };
      return { copy: result.rows[0]?.page ?? null };
    },
    driver: 'pglite',
  };
}

/** The executor's own connection, read as COPY's text: COPY itself on node-postgres, string_agg on PGlite. */
export function textSource(tx: Executor): TextSource {
  const session = (tx as unknown as { session: unknown }).session;
  if (is(session, NodePgSession)) {
    const client = (session as unknown as { client: unknown }).client;
    if (!(client instanceof pg.Client)) throw new Error('journal verify reads in a transaction (one connection)');
    return copySource(client);
  }
  return aggSource(tx);
}

/** Positions per query: enough to amortise each round trip, little enough to keep memory flat. */
const PAGE = 16_384;
const FIRST_PAGE = 1024;
/** How far apart two runs of entry numbers may be and still be read with one range scan. */
const SEQ_GAP = 64;

/**
 * The journal rows with these entry numbers (and perhaps a few others), in no particular order. The journal is
 * partitioned by month, not by seq, so it is read by ranges of seq (an index range scan on each partition): the runs
 * of the numbers, close runs merged while that reads at most twice the rows needed.
 */
export async function readEntries(source: TextSource, seqs: readonly string[]): Promise<RawRows> {
  // the numbers are PostgreSQL's own output of bigints, written into the query as they are
  if (!seqs.every((s) => /^-?\d+$/.test(s))) throw new Error('journal verify: an entry number is not a number');
  if (seqs.length === 0 || !seqs.every((s) => s.length <= 15)) {
    return source.raw(ENTRY_COLUMNS, `FROM journal WHERE seq IN (${seqs.length === 0 ? 'NULL' : seqs.join(',')})`);
  }
  const numbers = seqs.map(Number).sort((a, b) => a - b);
  const from: number[] = [numbers[0]!];
  const to: number[] = [numbers[0]!];
  let width = 1;
  for (let i = 1; i < numbers.length; i++) {
    const n = numbers[i]!;
    const last = to[to.length - 1]!;
    if (n <= last + 1 || (n - last <= SEQ_GAP && width + (n - last) <= 2 * numbers.length)) {
      width += n - last;
      to[to.length - 1] = n;
    } else {
      from.push(n);
      to.push(n);
      width += 1;
    }
  }
  if (from.length === 1) return source.raw(ENTRY_COLUMNS, `FROM journal WHERE seq >= ${from[0]} AND seq <= ${to[0]}`);
  return source.raw(
    ENTRY_COLUMNS.map((c) => `j.${c}`),
    `FROM unnest('{${from.join(',')}}'::bigint[], '{${to.join(',')}}'::bigint[]) AS r(a, b) CROSS JOIN LATERAL (SELECT * FROM journal WHERE seq >= r.a AND seq <= r.b) AS j`,
  );
}

/** The first i with seqs[i] >= seq. */
function lowerBound(seqs: Float64Array, seq: number): number {
  let lo = 0;
  let hi = seqs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (seqs[mid]! < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * For each position's entry number, the leaves (hex) recomputed from the journal rows with that number: none when
 * the entry is gone, more than one when seq is duplicated across partitions (met at its position, as a join would).
 * The entries come by seq and the positions nearly so: both are walked together, searching only when a position
 * goes back.
 */
class PageLeaves {
  /** the entries' seq, ascending, and where each is among the rows */
  private readonly entrySeqs: Float64Array;
  private readonly order: Int32Array | null = null;
  private at = 0;

  constructor(
    private readonly entries: TextRows,
    private readonly parseArray: TextArrayParser,
  ) {
    let seqs = new Float64Array(entries.length);
    let sorted = true;
    for (let i = 0; i < entries.length; i++) {
      seqs[i] = Number(entries.first(i));
      if (i > 0 && seqs[i]! < seqs[i - 1]!) sorted = false;
    }
    if (!sorted) {
      const unsorted = seqs;
      this.order = Int32Array.from({ length: unsorted.length }, (_, i) => i).sort((a, b) => unsorted[a]! - unsorted[b]!);
      seqs = this.order.reduce((out, row, i) => ((out[i] = unsorted[row]!), out), new Float64Array(unsorted.length));
    }
    this.entrySeqs = seqs;
  }

  /** The leaves of the positions whose entry numbers are `seqs[from..to)`, asked for in order. */
  leaves(seqs: readonly string[], from = 0, to = seqs.length): string[] {
    const { entries, entrySeqs, order } = this;
    const leaves: string[] = [];
    let at = this.at;
    for (let i = from; i < to; i++) {
      const seqText = seqs[i]!;
      const seq = Number(seqText);
      if (at > 0 && entrySeqs[at - 1]! >= seq) at = lowerBound(entrySeqs, seq);
      while (at < entrySeqs.length && entrySeqs[at]! < seq) at++;
      let found = '';
      for (let e = at; e < entrySeqs.length && entrySeqs[e] === seq; e++) {
        const row = order ? order[e]! : e;
        if (entries.first(row) === seqText) found += leafHashHex(encodeTextEntry(entries.row(row), this.parseArray));
      }
      leaves.push(found);
    }
    this.at = at;
    return leaves;
  }
}

// ——— Pages of positions through the tree check ———

interface Page {
  /** idx, seq, leaf hash (hex), by position */
  index: TextRow[];
  seqs: string[];
  entries: RawRows;
  /** the first position after this page */
  next: bigint;
}

async function readPage(source: TextSource, from: bigint, last: bigint, pageSize: number): Promise<Page | null> {
  for (let lo = from; lo <= last; ) {
    const hi = lo + BigInt(pageSize);
    const rows = await readRows(source, ['idx', 'seq', `encode(leaf_hash, 'hex')`], `FROM journal_index WHERE idx >= ${lo} AND idx < ${hi} AND idx <= ${last}`, 'idx');
    if (rows.length === 0) {
      // a gap in the index (damage): on to the next position there is
      const next = (await readRows(source, ['min(idx)'], `FROM journal_index WHERE idx >= ${hi}`)).first(0);
      if (next == null) return null;
      lo = BigInt(next);
      continue;
    }
    const index = Array.from({ length: rows.length }, (_, i) => rows.row(i));
    // by position: the query asks for that order, and an aggregate is only usually fed in it
    if (index.some((r, i) => i > 0 && Number(r[0]) <= Number(index[i - 1]![0]))) index.sort((a, b) => Number(a[0]) - Number(b[0]));
    const seqs = index.map((r) => r[1]!);
    return { index, seqs, entries: await readEntries(source, seqs), next: hi };
  }
  return null;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Positions hashed between two turns of the event loop, in which the driver sends for and receives the next page. */
const CHUNK = 2048;

/**
 * Streams every position, in tree order, with its entries, through the tree check. The next page is read while this
 * one is hashed. (A worker thread for the hashing was tried: on two cores shared with the database it was slower.)
 */
async function checkPositions(source: TextSource, check: TreeCheck, pageSize: number, lastRead: () => void): Promise<void> {
  const bounds = (await readRows(source, ['min(idx)', 'max(idx)'], 'FROM journal_index')).row(0);
  if (bounds[0] == null || bounds[1] == null) return lastRead();
  const last = BigInt(bounds[1]);
  // the first pages small, so that hashing starts soon; then each twice the last, up to pageSize
  let size = Math.min(pageSize, FIRST_PAGE);
  const read = (from: bigint) => {
    const page = readPage(source, from, last, size);
    size = Math.min(pageSize, size * 2);
    void page.then((p) => p ?? lastRead(), () => {}); // a failure is met where the page is awaited
    return page;
  };
  let pending: Promise<Page | null> = read(BigInt(bounds[0]));
  try {
    for (;;) {
      const page: Page | null = await pending;
      if (!page) return;
      pending = read(page.next);
      const leaves = new PageLeaves(textRows(page.entries), textArrayParser(source.driver));
      for (let from = 0; from < page.seqs.length; from += CHUNK) {
        if (from > 0) await yieldToLoop();
        const to = Math.min(from + CHUNK, page.seqs.length);
        leaves.leaves(page.seqs, from, to).forEach((found, i) => {
          const [idx, seq, stored] = page.index[from + i]!;
          if (found.length === 0) check.position(Number(idx), Number(seq), stored!, null);
          for (let at = 0; at < found.length; at += 64) check.position(Number(idx), Number(seq), stored!, found.slice(at, at + 64));
        });
      }
    }
  } finally {
    await pending.catch(() => {});
  }
}

async function verifyIn(tx: Executor, verifier: NoteVerifier, pageSize: number): Promise<VerifyReport & { archived: number }> {
  const checkpoints = await tx.select({ size: journalCheckpoints.size, root: journalCheckpoints.root, note: journalCheckpoints.note }).from(journalCheckpoints).orderBy(asc(journalCheckpoints.size));
  const accounting = archiveAccounting(await loadArchiveRecords(tx));
  const check = new TreeCheck(checkpoints, verifier, { archived: accounting.inArchive });
  // asked for once the last page is read, so that the database counts while the last page is hashed
  let pending: Promise<{ n: number }[]> | undefined;
  const countPending = () => {
    pending = tx.select({ n: count() }).from(journal).leftJoin(journalIndex, eq(journalIndex.seq, journal.seq)).where(isNull(journalIndex.seq)).then((rows) => rows);
    pending.catch(() => {});
  };
  await checkPositions(textSource(tx), check, pageSize, countPending);
  const report = check.finish(checkpoints.length);
  accounting.check(report);
  const [unintegrated] = await (pending ?? (countPending(), pending!));
  return { ...report, pending: unintegrated?.n ?? 0 };
}

/**
 * Recomputes every leaf from the entries and the whole tree from the leaves, page by page, and checks every signed
 * checkpoint (the verifier key must come from outside the database). In the caller's transaction, or else in a
 * read-only one of its own, so that the pages are one snapshot.
 */
export async function verifyJournal(tx: Executor, verifier: NoteVerifier, options: { pageSize?: number } = {}): Promise<VerifyReport & { archived: number }> {
  const pageSize = options.pageSize ?? PAGE;
  if (tx instanceof PgTransaction) return verifyIn(tx, verifier, pageSize);
  return tx.transaction((own) => verifyIn(own, verifier, pageSize), { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

// ——— Bundles: the journal as a file an inspector verifies on their own machine, with no database ———

export const BUNDLE_FORMAT = 'motcua.journal.bundle.v1';

export type ExportedEntry = Omit<JournalRow, 'at'> & { at: string };
type ExportedPosition = { idx: number; seq: number; leafHash: string; entry: ExportedEntry | null };
type ExportedCheckpoint = { size: number; root: string; note: string };

export interface JournalBundle {
  format: typeof BUNDLE_FORMAT;
  verifierKey: string;
  positions: ExportedPosition[];
  checkpoints: ExportedCheckpoint[];
  /** months moved to archive files: their entries are absent here, their leaf hashes are not */
  archives?: ArchiveRecord[];
}

const exportPosition = (p: TreeData['positions'][number]): ExportedPosition => ({ idx: p.idx, seq: p.seq, leafHash: p.leafHash.toString('hex'), entry: p.entry && { ...p.entry, at: p.entry.at.toISOString() } });
const exportCheckpoint = (c: TreeData['checkpoints'][number]): ExportedCheckpoint => ({ size: c.size, root: c.root.toString('hex'), note: c.note });
const importTree = (positions: ExportedPosition[], checkpoints: ExportedCheckpoint[]): TreeData => ({
  positions: positions.map((p) => ({ idx: p.idx, seq: p.seq, leafHash: Buffer.from(p.leafHash, 'hex'), entry: p.entry && { ...p.entry, at: new Date(p.entry.at) } })),
  checkpoints: checkpoints.map((c) => ({ size: c.size, root: Buffer.from(c.root, 'hex'), note: c.note })),
});

export async function exportBundle(tx: Executor, verifierKey: string): Promise<JournalBundle> {
  const tree = await loadTree(tx);
  return {
    format: BUNDLE_FORMAT,
    verifierKey,
    positions: tree.positions.map(exportPosition),
    checkpoints: tree.checkpoints.map(exportCheckpoint),
    archives: await loadArchiveRecords(tx),
  };
}

/** Verifies a bundle against a verifier key the inspector obtained independently (not the one inside the file). */
export function verifyBundle(bundle: JournalBundle, trustedKey: string) {
  if (bundle.format !== BUNDLE_FORMAT) throw new Error(`not a ${BUNDLE_FORMAT} file`);
  return verifyWithArchives(importTree(bundle.positions, bundle.checkpoints), parseVerifierKey(trustedKey), bundle.archives ?? []);
}

// ——— Archives: one month moved out of the database, still verifiable against the signed checkpoints ———

export const ARCHIVE_FORMAT = 'motcua.journal.archive.v1';

export interface JournalArchive {
  format: typeof ARCHIVE_FORMAT;
  /** first day of the month (Vietnam time) */
  month: string;
  verifierKey: string;
  /** the tree size before the first position held, and the tree's right edge there (hex, largest subtree first) */
  start: number;
  frontier: string[];
  /** every position from `start` to the first checkpoint at or after the month's last; entries of other months are null */
  positions: ExportedPosition[];
  checkpoints: ExportedCheckpoint[];
}

export async function buildArchive(tx: Executor, month: string, verifierKey: string, rows: { entry: JournalRow; idx: number }[]): Promise<JournalArchive> {
  const first = rows[0]!.idx;
  const last = rows.at(-1)!.idx;
  const [closing] = await tx.select().from(journalCheckpoints).where(gt(journalCheckpoints.size, last)).orderBy(asc(journalCheckpoints.size)).limit(1);
  if (!closing) throw new Error(`the month ${month} is not yet wholly in a signed checkpoint; wait for the sequencer`);
  const index = await tx.select().from(journalIndex).where(and(gte(journalIndex.idx, first), lt(journalIndex.idx, closing.size))).orderBy(asc(journalIndex.idx));
  const bySeq = new Map(rows.map((r) => [r.entry.seq, r.entry]));
  const [frontier] = first > 0 ? await rangeNodes(tx, [{ start: 0, end: first }]) : [[]];
  const checkpoints = await tx.select().from(journalCheckpoints).where(and(gt(journalCheckpoints.size, first), lte(journalCheckpoints.size, closing.size))).orderBy(asc(journalCheckpoints.size));
  return {
    format: ARCHIVE_FORMAT,
    month,
    verifierKey,
    start: first,
    frontier: frontier!.map((h) => h.toString('hex')),
    positions: index.map((i) => exportPosition({ ...i, entry: bySeq.get(i.seq) ?? null })),
    checkpoints: checkpoints.map(exportCheckpoint),
  };
}

/** An archive file checks on its own: its entries give the leaves, which with the frontier give the signed roots. */
export function verifyArchive(archive: JournalArchive, trustedKey: string) {
  if (archive.format !== ARCHIVE_FORMAT) throw new Error(`not a ${ARCHIVE_FORMAT} file`);
  const start = new CompactRange(archive.start, archive.frontier.map((h) => Buffer.from(h, 'hex')));
  const report = verifyTree(importTree(archive.positions, archive.checkpoints), parseVerifierKey(trustedKey), { start, archived: () => true });
  if (report.checkpoints === 0) report.problems.push('no signed checkpoint in the archive: nothing anchors its entries');
  const entries = archive.positions.filter((p) => p.entry).length;
  return { ...report, entries };
}

// ——— Selections: chosen entries, each with its inclusion proof against one signed checkpoint ———

export const SELECTION_FORMAT = 'motcua.journal.selection.v1';

export interface JournalSelection {
  format: typeof SELECTION_FORMAT;
  /** what was asked for, in words, for the inspector's report */
  filter: Record<string, string>;
  checkpoint: { size: number; note: string };
  entries: { position: number; entry: ExportedEntry; inclusionProof: string[] }[];
}

/**
 * Checks each entry of a selection against the signed checkpoint, with the verifier key the inspector trusts: a
 * changed, invented or moved entry fails its inclusion proof. It says nothing of entries left out of the selection.
 */
export function verifySelection(bundle: JournalSelection, trustedKey: string): { size: number; entries: number; problems: string[] } {
  if (bundle.format !== SELECTION_FORMAT) throw new Error(`not a ${SELECTION_FORMAT} file`);
  const verifier = parseVerifierKey(trustedKey);
  let body;
  try {
    body = parseCheckpoint(openNote(bundle.checkpoint.note, [verifier]).text);
  } catch (err) {
    return { size: 0, entries: bundle.entries.length, problems: [`checkpoint: ${err instanceof NoteError ? err.message : 'unreadable'} (not signed by the journal key)`] };
  }
  const problems: string[] = [];
  for (const { position, entry, inclusionProof } of bundle.entries) {
    const leaf = leafHash(encodeEntry({ ...entry, at: new Date(entry.at) }));
    const proof = inclusionProof.map((h) => Buffer.from(h, 'hex'));
    if (!verifyInclusion(leaf, position, body.size, proof, body.root)) problems.push(`position ${position} (entry ${entry.seq}): not in the signed tree as exported (altered, invented or moved)`);
  }
  return { size: body.size, entries: bundle.entries.length, problems };
}

/** Any exported journal file, by its format: what `motcua journal verify-export` prints. */
export function verifyExportedFile(json: unknown, trustedKey: string): { summary: string; problems: string[] } {
  const format = (json as { format?: unknown } | null)?.format;
  if (format === SELECTION_FORMAT) {
    const r = verifySelection(json as JournalSelection, trustedKey);
    return { summary: `${r.entries} selected entries, each proven in the signed tree of ${r.size}`, problems: r.problems };
  }
  if (format === ARCHIVE_FORMAT) {
    const r = verifyArchive(json as JournalArchive, trustedKey);
    return { summary: `archive of ${(json as JournalArchive).month.slice(0, 7)}: ${r.entries} entries, positions ${(json as JournalArchive).start}–${r.size - 1}, ${r.checkpoints} checkpoints`, problems: r.problems };
  }
  if (format === BUNDLE_FORMAT) {
    const r = verifyBundle(json as JournalBundle, trustedKey);
    return { summary: `${r.size} entries, ${r.checkpoints} checkpoints`, problems: r.problems };
  }
  throw new Error(`not a journal export (format ${JSON.stringify(format)})`);
}
