import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { and, asc, desc, eq, sql, TransactionRollbackError } from 'drizzle-orm';
import type { Clock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import type { Keys } from '../../platform/crypto.ts';
import type { Database, Executor } from '../../platform/db.ts';
import { addSignatures, formatCheckpoint, signNote, verifierKey, type NoteSigner } from './checkpoint.ts';
import { encodeEntry } from './entry.ts';
import { rangeRoots } from './nodes.ts';
import { journal, journalCheckpoints, journalIndex, journalNodes, journalWitnessed } from './journal.tables.ts';
import { CompactRange, consistencyRanges, leafHash } from './merkle.ts';
import { witnessRequest } from './witness.ts';

const SEQUENCER_LOCK = 727275;
const BATCH = 4096;

export interface JournalSigner extends NoteSigner {
  publicKey: KeyObject;
  /** The verifier key an inspector needs, `name+id+key`. */
  vkey: string;
}

/** The checkpoint origin line: stable for the life of the deployment, one per province. */
export function journalOrigin(config: Pick<Config, 'provinceCode'>): string {
  return `motcua/${config.provinceCode}/journal`;
}

export function journalSigner(origin: string, privateKey: KeyObject): JournalSigner {
  const publicKey = crypto.createPublicKey(privateKey);
  return { name: origin, privateKey, publicKey, vkey: verifierKey(origin, publicKey) };
}

/**
 * The checkpoint signing key lives outside the database, in the data directory, sealed under the master key;
 * it is created on first start. The public verifier key is written beside it for inspectors. Server processes that
 * share the data directory share the key: one started at the same moment as another keeps the key the other made.
 */
export function loadJournalSigner(dataDir: string, origin: string, keys: Keys): JournalSigner {
  const file = path.join(dataDir, 'journal-signing.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // written whole under another name, then linked into place: link() fails if the key exists, so the first wins
    const draft = `${file}.${process.pid}.new`;
    fs.writeFileSync(draft, keys.seal(pem, 'journal-signing-key') + '\n', { mode: 0o600 });
    try {
      fs.linkSync(draft, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  const signer = journalSigner(origin, crypto.createPrivateKey(keys.open(fs.readFileSync(file, 'utf8').trim(), 'journal-signing-key')));
  const verifier = path.join(dataDir, `journal-verifier.txt.${process.pid}.new`);
  fs.writeFileSync(verifier, signer.vkey + '\n');
  fs.renameSync(verifier, path.join(dataDir, 'journal-verifier.txt'));
  return signer;
}

/** Where the sequencer stands: the last entry integrated, in (txid, seq) order (migration 0015). */
interface Cursor {
  txid: string;
  seq: number;
}

const START: Cursor = { txid: '0', seq: 0 };
/** The transaction that wrote an entry: the sequencer's order, kept out of `journal`'s row type (the leaf and exports never carry it). */
const entryTxid = sql`${journal}.txid`;
const afterCursor = (c: Cursor) => sql`(${entryTxid}, ${journal.seq}) > (${c.txid}::xid8, ${c.seq}::bigint)`;
// Only entries written before migration 0015 (txid 0) can be in the tree already past the cursor (see there).
const notIntegrated = sql`(${entryTxid} <> '0'::xid8 OR NOT EXISTS (SELECT FROM ${journalIndex} WHERE ${journalIndex.seq} = ${journal.seq}))`;

/**
 * For the queries that take the first entries past the cursor. Misled by estimates of one row past it (a partition's
 * statistics predate the backlog), the planner sorts every waiting entry under the Limit, and the cost it then sees
 * turns JIT on: 0.9 s for a batch with 200,000 waiting at 10M entries. Without a Sort its one ordered path is the Merge
 * Append of the partitions' (txid, seq) indexes, which reads what the Limit takes (bench/journal-scale.ts).
 */
export const INDEX_ORDER = sql`SELECT set_config('enable_sort', 'off', true), set_config('jit', 'off', true)`;

/** Runs fn under INDEX_ORDER inside a savepoint rolled back after it: the caller's transaction keeps its settings. */
async function inIndexOrder<T>(tx: Executor, fn: (tx: Executor) => Promise<T>): Promise<T> {
  let result: T | undefined;
  await tx
    .transaction(async (inner) => {
      await inner.execute(INDEX_ORDER);
      result = await fn(inner);
      inner.rollback();
    })
    .catch((err: unknown) => {
      if (!(err instanceof TransactionRollbackError)) throw err;
    });
  return result as T;
}

export function latestCheckpointRow(tx: Executor) {
  return tx.select().from(journalCheckpoints).orderBy(desc(journalCheckpoints.size)).limit(1);
}

function cursorOf(checkpoint: { lastTxid: string; lastSeq: number } | undefined): Cursor {
  return checkpoint ? { txid: checkpoint.lastTxid, seq: checkpoint.lastSeq } : START;
}

/**
 * The oldest transaction that may still write to this journal: the oldest in progress at the statement's snapshot, or
 * the next one if none is. Transaction ids are cluster-wide, so those still running in another database of the cluster
 * are left out (a long one there must not hold this journal back); one that ended since the snapshot stays in (its
 * database cannot be told any more, and its entries are not visible yet).
 */
const writersHorizon = sql`(
  SELECT coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot())) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
  WHERE x::text::bigint % 4294967296 NOT IN (
    SELECT l.transactionid::text::bigint FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'transactionid' AND l.granted AND a.datname <> current_database()))`;

/**
 * The next entries to integrate: after the cursor in (txid, seq) order, written by transactions that have all ended
 * (below the horizon, so none can commit before them later). An index range, however long the journal.
 */
export function pendingEntries(tx: Executor, after: Cursor, limit: number) {
  return tx
    .select({ entry: journal, txid: sql<string>`${entryTxid}::text` })
    .from(journal)
    .where(and(afterCursor(after), sql`${entryTxid} < ${writersHorizon}`, notIntegrated))
    .orderBy(entryTxid, asc(journal.seq))
    .limit(limit);
}

/** The committed entry that has waited longest for the tree (the next one the sequencer takes), if any. */
export function oldestWaiting(tx: Executor, after: Cursor) {
  return tx.select({ at: journal.at }).from(journal).where(and(afterCursor(after), notIntegrated)).orderBy(entryTxid, asc(journal.seq)).limit(1);
}

/** The last checkpoint a witness cosigned. */
export function latestWitnessed(tx: Executor, witnessUrl: string) {
  return tx.select().from(journalWitnessed).where(eq(journalWitnessed.witnessUrl, witnessUrl)).orderBy(desc(journalWitnessed.size)).limit(1);
}

/** The entry at a tree position. */
export function entryAtPosition(tx: Executor, idx: number) {
  return tx.select({ at: journal.at }).from(journalIndex).innerJoin(journal, eq(journal.seq, journalIndex.seq)).where(eq(journalIndex.idx, idx)).limit(1);
}

/**
 * Gives every committed, not yet integrated entry its position in the tree, in (txid, seq) order, and publishes a
 * signed checkpoint of the new tree. One sequencer at a time across processes (an advisory lock); an entry whose
 * transaction is still open waits, with every later one, until it ends.
 */
export async function integrate(database: Database, signer: NoteSigner, clock: Clock): Promise<number> {
  return database.db.transaction(async (tx) => {
    const locked = (await tx.execute(sql`SELECT pg_try_advisory_xact_lock(${SEQUENCER_LOCK}) AS ok`)) as unknown as { rows: { ok: boolean }[] };
    if (!locked.rows[0]?.ok) return 0;
    const [last] = await latestCheckpointRow(tx);
    await tx.execute(INDEX_ORDER);
    const pending = await pendingEntries(tx, cursorOf(last), BATCH);
    if (pending.length === 0) return 0;
    const range = new CompactRange(last?.size ?? 0, (last?.frontier ?? []).map((hex) => Buffer.from(hex, 'hex')));
    const nodes: { level: number; idx: number; hash: Buffer }[] = [];
    const rows = pending.map(({ entry }) => {
      const leaf = leafHash(encodeEntry(entry));
      const row = { idx: range.size, seq: entry.seq, leafHash: leaf };
      for (const node of range.append(leaf)) nodes.push({ level: node.level, idx: node.index, hash: node.hash });
      return row;
    });
    await tx.insert(journalIndex).values(rows);
    if (nodes.length > 0) await tx.insert(journalNodes).values(nodes);
    const root = range.root();
    const end = pending.at(-1)!;
    await tx.insert(journalCheckpoints).values({
      size: range.size,
      root,
      note: signNote(formatCheckpoint({ origin: signer.name, size: range.size, root }), signer),
      frontier: range.nodes.map((node) => node.toString('hex')),
      createdAt: clock.now(),
      lastTxid: end.txid,
      lastSeq: end.entry.seq,
    });
    return rows.length;
  });
}

/**
 * Sends the latest checkpoint to the witness with a consistency proof from the last one it accepted. A witness
 * that holds another size (409) is answered once more from that size. Returns how many entries were newly witnessed.
 */
export async function publishToWitness(database: Database, witnessUrl: string, clock: Clock): Promise<number> {
  const db = database.db;
  const [latest] = await latestCheckpointRow(db);
  const [acked] = await latestWitnessed(db, witnessUrl);
  if (!latest || acked?.size === latest.size) return 0;
  const send = async (oldSize: number) =>
    fetch(`${witnessUrl.replace(/\/$/, '')}/add-checkpoint`, {
      method: 'POST',
      body: witnessRequest(oldSize, await rangeRoots(db, consistencyRanges(oldSize, latest.size)), latest.note),
      signal: AbortSignal.timeout(10_000),
    });
  let from = acked?.size ?? 0;
  let res = await send(from);
  if (res.status === 409) {
    const held = Number((await res.text()).trim());
    from = held;
    if (!Number.isSafeInteger(held) || held > latest.size) throw new Error(`the witness holds size ${held}, beyond this journal's ${latest.size}: history was rewritten or the witness serves another log`);
    res = await send(held);
  }
  if (res.status !== 200) throw new Error(`the witness refused checkpoint ${latest.size}: ${res.status} ${(await res.text()).trim()}`);
  // The witness answers its cosignature lines only (C2SP tlog-witness); kept appended to the checkpoint they sign,
  // the row is a cosigned note that verifyCosignature checks with the witness's key alone.
  const cosigned = addSignatures(latest.note, await res.text());
  await db.insert(journalWitnessed).values({ size: latest.size, witnessUrl, note: cosigned, at: clock.now() });
  return latest.size - from;
}

/**
 * X-Road's rule, fail closed: when no checkpoint (or, with a witness, no witnessed checkpoint) covers entries older
 * than the limit, what depends on the journal (NPD lookups) must stop until it recovers.
 */
export async function journalPublication(tx: Executor, now: Date, limitMs: number, witnessUrl: string | undefined) {
  const [latest] = await latestCheckpointRow(tx);
  const [witnessed] = witnessUrl ? await latestWitnessed(tx, witnessUrl) : [];
  const size = latest?.size ?? 0;
  const covered = witnessUrl ? (witnessed?.size ?? 0) : size;
  // The oldest uncovered entry is the first outside the tree or, with a witness, the first in the tree it has not seen.
  const [waiting] = await inIndexOrder(tx, (t) => oldestWaiting(t, cursorOf(latest)));
  const [unwitnessed] = covered < size ? await entryAtPosition(tx, covered) : [];
  const oldest = Math.min(waiting?.at.getTime() ?? Infinity, unwitnessed?.at.getTime() ?? Infinity);
  return {
    checkpoint: latest ? { size: latest.size, at: latest.createdAt.toISOString() } : null,
    witness: witnessUrl ? { url: witnessUrl, size: witnessed?.size ?? 0, at: witnessed?.at.toISOString() ?? null } : null,
    failClosed: now.getTime() - oldest > limitMs,
  };
}
