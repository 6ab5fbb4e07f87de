import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, GOOD_PASSWORD } from '../../../test/harness.ts';
import { buildApp } from '../../app.ts';
import type { Role } from '../../authz/roles.ts';
import { ManualClock, systemClock } from '../../platform/clock.ts';
import { loadConfig } from '../../platform/config.ts';
import { Keys, loadMasterKey } from '../../platform/crypto.ts';
import { assumeAppRole, migrate, openPglite, type Database } from '../../platform/db.ts';
import { systemInTx } from '../../system.ts';
import { journal } from '../journal/journal.tables.ts';
import { ensureJournalPartitions } from '../journal/retention.ts';
import { notifications } from '../monitoring/monitoring.tables.ts';
import { importProvince } from '../units/units.service.ts';
import { insertAccount, insertGrant, lockDormantAccounts } from '../accounts/accounts.service.ts';
import { accounts } from '../accounts/accounts.tables.ts';
import { freePort, startServerProcess, stopped } from '../../../test/processes.ts';
import { BREAK_GLASS_EVENT } from './index.ts';

/**
 * Issue 13 item 12: `motcua unlock`, run as an operator runs it (a process on the data directory), on the embedded
 * database: the server's own lock is what keeps it from opening the database under a running server.
 */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-break-glass-'));
const dataDir = path.join(root, 'data');
const REASON = 'Quản trị hệ thống duy nhất bị khóa do không sử dụng 45 ngày';
const children: ChildProcess[] = [];
let adminId: string;
let securityOfficerId: string;

const env = (extra: Record<string, string> = {}) => {
  const { DATABASE_URL: _ignored, MOTCUA_OWNER_DATABASE_URL: _owner, ...rest } = process.env;
  return { ...rest, NODE_ENV: 'development', MOTCUA_DEMO: 'false', MOTCUA_NPD_SIM: 'false', MOTCUA_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extra };
};
const config = loadConfig(env());

const motcua = (...args: string[]) => spawnSync(process.execPath, ['bin/motcua.mjs', ...args], { env: env(), encoding: 'utf8' });

/** Opens the data directory as the CLI does (only while no process of ours holds it). */
async function withData<T>(fn: (d: { database: Database; inTx: ReturnType<typeof systemInTx>; keys: Keys }) => Promise<T>): Promise<T> {
  const database = await openPglite({ dataDir: path.join(dataDir, 'pgdata') });
  try {
    await assumeAppRole(database);
    const keys = new Keys(loadMasterKey(undefined, dataDir).key);
    return await fn({ database, inTx: systemInTx(database, config, keys, systemClock), keys });
  } finally {
    await database.close();
  }
}

const accountRow = (database: Database, id: string) => database.db.select().from(accounts).where(eq(accounts.id, id)).then((rows) => rows[0]!);
const breakGlassEntries = (database: Database) => database.db.select().from(journal).where(eq(journal.type, BREAK_GLASS_EVENT));

beforeAll(async () => {
  fs.mkdirSync(dataDir, { mode: 0o700 });
  const snapshot = inject('pgliteSnapshot');
  const fresh = await openPglite({ dataDir: path.join(dataDir, 'pgdata'), ...(snapshot ? { loadDataDir: new Blob([fs.readFileSync(snapshot)]) } : {}) });
  await migrate(fresh);
  await fresh.close();
  await withData(async ({ database, inTx, keys }) => {
    const province = await inTx(async (ctx) => {
      await ensureJournalPartitions(ctx.tx, ctx.clock.now());
      return importProvince(ctx.tx, config.provinceCode, ctx.clock.now());
    });
    const officer = (username: string, personalId: string, roles: Role[]) =>
      inTx(async (ctx) => {
        const account = await insertAccount(ctx, { username, fullName: `Cán bộ ${username}`, personalId, position: 'Chuyên viên', email: '', phone: '', unitId: province.id, password: GOOD_PASSWORD, mustChangePassword: false });
        for (const role of roles) await insertGrant(ctx, account.id, role, province.id);
        return account.id;
      });
    adminId = await officer('qt.duynhat', '019185000101', ['system_admin']);
    securityOfficerId = await officer('attt.tinh', '019185000102', ['security_officer']);
    const departedId = await officer('da.nghiviec', '019185000103', ['system_admin']);
    const longAgo = new Date(Date.now() - 60 * 24 * 3600_000);
    await database.db.update(accounts).set({ createdAt: longAgo, statusChangedAt: longAgo, lastSignInAt: longAgo }).where(eq(accounts.id, adminId));
    await database.db.update(accounts).set({ status: 'left', statusReason: 'nghỉ hưu' }).where(eq(accounts.id, departedId));
    // R06: the hourly job locks the only system administrator
    expect(await inTx(lockDormantAccounts)).toBe(1);
    // and someone has since guessed, spaced out past the slow-down, until the sign-in throttle locks the username
    const clock = new ManualClock(new Date());
    const app = await buildApp({ config, database, keys, clock });
    for (let i = 0; i < config.lockout.threshold; i++) {
      clock.advance(10_000);
      await new Client(app, `10.1.0.${i + 1}`).post('/api/auth/sign-in', { username: 'qt.duynhat', password: 'Sai-mat-khau-1' });
    }
    await app.close();
  });
}, 120_000);

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

describe('issue 13 item 12: break-glass unlock from the server’s machine', () => {
  it('should not run while the server holds the embedded database: a message to stop the server, a non-zero exit, nothing changed', async () => {
    const port = await freePort();
    const server = await startServerProcess(env({ PORT: String(port) }));
    children.push(server);
    const run = motcua('unlock', 'qt.duynhat', '--reason', REASON);
    server.kill('SIGTERM');
    await stopped(server);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('dừng máy chủ rồi chạy lại lệnh unlock');
    expect(run.stderr).toContain('stop the server, then run unlock again');
    await withData(async ({ database }) => {
      expect((await accountRow(database, adminId)).status).toBe('locked');
      expect(await breakGlassEntries(database)).toEqual([]);
    });
  }, 120_000);

  it('an unknown username exits 1 with a clear message', () => {
    const run = motcua('unlock', 'khong.ton.tai', '--reason', REASON);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Không có tài khoản "khong.ton.tai"');
    expect(run.stderr).toContain('No account "khong.ton.tai"');
  }, 60_000);

  it('should not unlock without a reason of 10 to 500 characters', async () => {
    for (const reason of ['vì cần', 'x'.repeat(501)]) {
      const run = motcua('unlock', 'qt.duynhat', '--reason', reason);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('The reason (--reason) must be 10 to 500 characters');
    }
    expect(motcua('unlock', 'qt.duynhat').status).not.toBe(0);
    await withData(async ({ database }) => expect((await accountRow(database, adminId)).status).toBe('locked'));
  }, 60_000);

  it('R18: should not reactivate a departed account, and journals the attempt', async () => {
    const run = motcua('unlock', 'da.nghiviec', '--reason', REASON);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('never reactivated');
    await withData(async ({ database }) => {
      const [departed] = await database.db.select().from(accounts).where(eq(accounts.username, 'da.nghiviec'));
      expect(departed!.status).toBe('left');
      const refused = (await breakGlassEntries(database)).filter((e) => e.targetId === departed!.id);
      expect(refused).toMatchObject([{ outcome: 'refused', actorAccountId: null, details: { refusal: 'departed', osUser: os.userInfo().username, host: os.hostname() } }]);
    });
  }, 60_000);

  it('unlocks the dormant only system administrator, journals it with the OS user and host, and notifies the security officers', async () => {
    const run = motcua('unlock', 'qt.duynhat', '--reason', REASON);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Đã mở khóa tài khoản qt.duynhat');
    expect(run.stdout).toContain('Unlocked account qt.duynhat');
    expect(run.stdout).toContain('1 security officer(s) notified');
    await withData(async ({ database, inTx, keys }) => {
      expect(await accountRow(database, adminId)).toMatchObject({ status: 'active', statusReason: REASON });
      const entries = (await breakGlassEntries(database)).filter((e) => e.targetId === adminId);
      expect(entries).toMatchObject([
        {
          outcome: 'success',
          actorAccountId: null,
          actorRoles: [],
          reason: REASON,
          details: { osUser: os.userInfo().username, host: os.hostname(), previousStatus: 'locked', previousReason: 'dormant', roles: ['system_admin'], failuresCleared: config.lockout.threshold, securityOfficersNotified: 1 },
        },
      ]);
      const notified = await database.db.select().from(notifications).where(eq(notifications.kind, 'break_glass_unlock'));
      expect(notified).toMatchObject([{ accountId: securityOfficerId, targetType: 'account', targetId: adminId }]);
      expect(notified[0]!.textVi).toContain(os.hostname());
      expect(notified[0]!.textEn).toContain(REASON);
      // the unlock counts as use: the next dormant run leaves the account alone
      expect(await inTx(lockDormantAccounts)).toBe(0);
      // the password step answers again: the status and the sign-in throttle are both lifted
      const app = await buildApp({ config, database, keys, clock: systemClock });
      try {
        const signIn = await new Client(app, '10.2.0.1').post('/api/auth/sign-in', { username: 'qt.duynhat', password: GOOD_PASSWORD });
        expect(signIn.statusCode).toBe(200);
      } finally {
        await app.close();
      }
    });
  }, 60_000);
});
