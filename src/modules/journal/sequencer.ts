import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { asc, desc, eq, gte, isNull, or, sql } from 'drizzle-orm';
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
 * it is created on first start. The public verifier key is written beside it for inspectors.
 */
export function loadJournalSigner(dataDir: string, origin: string, keys: Keys): JournalSigner {
  const file = path.join(dataDir, 'journal-signing.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    fs.writeFileSync(file, keys.seal(pem, 'journal-signing-key') + '\n', { mode: 0o600, flag: 'wx' });
  }
  const signer = journalSigner(origin, crypto.createPrivateKey(keys.open(fs.readFileSync(file, 'utf8').trim(), 'journal-signing-key')));
  fs.writeFileSync(path.join(dataDir, 'journal-verifier.txt'), signer.vkey + '\n');
  return signer;
}

/**
 * Gives every committed, not yet integrated entry its position in the tree, in the order of `seq`, and publishes a
 * signed checkpoint of the new tree. One sequencer at a time across processes (an advisory lock); an entry that
 * commits late simply gets a later position.
 */
export async function integrate(database: Database, signer: NoteSigner, clock: Clock): Promise<number> {
  return database.db.transaction(async (tx) => {
    const locked = (await tx.execute(sql`SELECT pg_try_advisory_xact_lock(${SEQUENCER_LOCK}) AS ok`)) as unknown as { rows: { ok: boolean }[] };
    if (!locked.rows[0]?.ok) return 0;
    const pending = await tx
      .select({ entry: journal })
      .from(journal)
      .leftJoin(journalIndex, eq(journalIndex.seq, journal.seq))
      .where(isNull(journalIndex.seq))
      .orderBy(asc(journal.seq))
      .limit(BATCH);
    if (pending.length === 0) return 0;
    const [last] = await tx.select().from(journalCheckpoints).orderBy(desc(journalCheckpoints.size)).limit(1);
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
    await tx.insert(journalCheckpoints).values({
      size: range.size,
      root,
      note: signNote(formatCheckpoint({ origin: signer.name, size: range.size, root }), signer),
      frontier: range.nodes.map((node) => node.toString('hex')),
      createdAt: clock.now(),
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
  const [latest] = await db.select().from(journalCheckpoints).orderBy(desc(journalCheckpoints.size)).limit(1);
  const [acked] = await db.select().from(journalWitnessed).where(eq(journalWitnessed.witnessUrl, witnessUrl)).orderBy(desc(journalWitnessed.size)).limit(1);
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
  const [latest] = await tx.select().from(journalCheckpoints).orderBy(desc(journalCheckpoints.size)).limit(1);
  const [witnessed] = witnessUrl
    ? await tx.select().from(journalWitnessed).where(eq(journalWitnessed.witnessUrl, witnessUrl)).orderBy(desc(journalWitnessed.size)).limit(1)
    : [];
  const covered = witnessUrl ? (witnessed?.size ?? 0) : (latest?.size ?? 0);
  const [oldestUncovered] = await tx
    .select({ at: journal.at })
    .from(journal)
    .leftJoin(journalIndex, eq(journalIndex.seq, journal.seq))
    .where(or(isNull(journalIndex.idx), gte(journalIndex.idx, covered)))
    .orderBy(asc(journal.seq))
    .limit(1);
  return {
    checkpoint: latest ? { size: latest.size, at: latest.createdAt.toISOString() } : null,
    witness: witnessUrl ? { url: witnessUrl, size: witnessed?.size ?? 0, at: witnessed?.at.toISOString() ?? null } : null,
    failClosed: oldestUncovered !== undefined && now.getTime() - oldestUncovered.at.getTime() > limitMs,
  };
}
