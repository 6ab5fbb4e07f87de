import crypto from 'node:crypto';
import { desc, eq, isNull } from 'drizzle-orm';
import { requireActor, type Ctx } from '../../platform/context.ts';
import { invalid } from '../../platform/errors.ts';
import { record } from '../journal/index.ts';
import { certificateFacts, type NpdConnectionSettings } from './npd-client.ts';
import { npdConnections } from './registry.tables.ts';
import { officersView } from '../accounts/index.ts';

const accounts = officersView('accounts');

const sealContext = (id: string) => `npd connection v1:${id}`;

const bad = (code: string, vi: string, en: string) => invalid(code, vi, en);

/** The settings must work before they are stored: a wrong pair of certificate and key is caught at the desk, not at the first lookup. */
function check(settings: NpdConnectionSettings) {
  const url = URL.parse(settings.endpoint);
  if (!url || url.protocol !== 'https:' || url.username || url.password) {
    throw bad('npd_endpoint_invalid', 'Địa chỉ kết nối phải là một URL https:// (không chứa tài khoản).', 'The endpoint must be an https:// URL without credentials in it.');
  }
  let certificate: crypto.X509Certificate;
  try {
    certificate = new crypto.X509Certificate(settings.certificate);
    new crypto.X509Certificate(settings.caCertificate);
  } catch {
    throw bad('npd_certificate_invalid', 'Chứng thư số hoặc chứng thư CA không đọc được (cần định dạng PEM).', 'The certificate or the CA certificate cannot be read (PEM expected).');
  }
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(settings.privateKey);
  } catch {
    throw bad('npd_key_invalid', 'Khóa bí mật không đọc được (cần định dạng PEM, không đặt mật khẩu).', 'The private key cannot be read (unencrypted PEM expected).');
  }
  if (!certificate.checkPrivateKey(key)) {
    throw bad('npd_key_mismatch', 'Khóa bí mật không khớp với chứng thư số.', 'The private key does not belong to the certificate.');
  }
}

/**
 * R34: the system owner enters the NPD connection once. It is sealed at rest and never shown again, to anyone:
 * a rotation replaces it (and wipes the old one); the journal and the screens know only who, when and a fingerprint.
 */
export async function setConnection(ctx: Ctx, settings: NpdConnectionSettings, setBy = requireActor(ctx).accountId) {
  check(settings);
  const now = ctx.clock.now();
  const [previous] = await ctx.tx.update(npdConnections).set({ replacedAt: now, sealed: null }).where(isNull(npdConnections.replacedAt)).returning({ id: npdConnections.id });
  const id = crypto.randomUUID();
  const facts = certificateFacts(settings.certificate);
  await ctx.tx.insert(npdConnections).values({
    id,
    sealed: ctx.keys.seal(JSON.stringify(settings), sealContext(id)),
    fingerprint: facts.fingerprint,
    certificateExpiresAt: facts.expiresAt,
    setBy,
    setAt: now,
  });
  await record(ctx, {
    type: previous ? 'npd.connection.rotate' : 'npd.connection.set',
    actorAccountId: setBy,
    target: { type: 'npd_connection', id },
    details: { fingerprint: facts.fingerprint, certificateExpiresAt: facts.expiresAt.toISOString(), ...(previous ? { replaces: previous.id } : {}) },
  });
  return connectionStatus(ctx);
}

/** Who set the connection, when, and the certificate's fingerprint: all anyone ever sees of it. */
export async function connectionStatus(ctx: Ctx) {
  const rows = await ctx.tx
    .select({ c: npdConnections, fullName: accounts.fullName, username: accounts.username })
    .from(npdConnections)
    .innerJoin(accounts, eq(accounts.id, npdConnections.setBy))
    .orderBy(desc(npdConnections.setAt))
    .limit(20);
  const present = (r: (typeof rows)[number]) => ({
    id: r.c.id,
    fingerprint: r.c.fingerprint,
    certificateExpiresAt: r.c.certificateExpiresAt.toISOString(),
    setBy: { fullName: r.fullName, username: r.username },
    setAt: r.c.setAt.toISOString(),
    replacedAt: r.c.replacedAt?.toISOString() ?? null,
  });
  const current = rows.find((r) => r.c.replacedAt === null);
  return { current: current ? present(current) : null, history: rows.filter((r) => r !== current).map(present) };
}

/** For the gateway only: the current settings, opened. Never returned by a route. */
export async function currentConnection(ctx: Ctx): Promise<{ id: string; open: () => NpdConnectionSettings } | null> {
  const [row] = await ctx.tx.select({ id: npdConnections.id, sealed: npdConnections.sealed }).from(npdConnections).where(isNull(npdConnections.replacedAt));
  if (!row?.sealed) return null;
  const { sealed, id } = row;
  return { id, open: () => JSON.parse(ctx.keys.open(sealed, sealContext(id))) as NpdConnectionSettings };
}

/**
 * Development only: `npm start` runs npd-sim beside the server; with the demo data, the demo system administrator
 * is recorded as having entered its client bundle, so lookups work out of the box. Never in production (config).
 */
export async function connectDevelopmentSimulator(ctx: Ctx, settings: NpdConnectionSettings): Promise<boolean> {
  const [existing] = await ctx.tx.select({ id: npdConnections.id }).from(npdConnections).limit(1);
  const [demoAdmin] = await ctx.tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.username, 'demo.quantri'));
  if (existing || !demoAdmin) return false;
  await setConnection(ctx, settings, demoAdmin.id);
  return true;
}
