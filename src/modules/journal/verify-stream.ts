import { types as pgliteTypes } from '@electric-sql/pglite';
import { asc, count, eq, is, isNull, sql } from 'drizzle-orm';
import { NodePgSession } from 'drizzle-orm/node-postgres';
import { PgTransaction } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Executor } from '../../platform/db.ts';
import type { NoteVerifier } from './checkpoint.ts';
import { journal, journalArchives, journalCheckpoints, journalIndex } from './journal.tables.ts';
import { encodeTextEntry, ENTRY_COLUMNS, type TextArrayParser, type TextRow } from './text-entry.ts';
import { archiveAccounting, leafHashHex, TreeCheck, type ArchiveRecord, type VerifyReport } from './verify.ts';

// ——— `journal verify`: the rows streamed from the database a page at a time, never all at once; the one place that
// knows the drivers (COPY on node-postgres, string_agg on PGlite, and how each parses a text[]) ———

const pgTextArray = (pg.types.getTypeParser as (oid: number, format: 'text') => TextArrayParser)(1009, 'text');
const pgliteTextArray: TextArrayParser = (literal) => pgliteTypes.arrayParser(literal, (value: string) => value, 1009) as unknown[];

export async function loadArchiveRecords(tx: Executor): Promise<ArchiveRecord[]> {
  const rows = await tx.select().from(journalArchives).orderBy(asc(journalArchives.month));
  return rows.map((a) => ({ ...a, fileSha256: a.fileSha256?.toString('hex') ?? null }));
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
