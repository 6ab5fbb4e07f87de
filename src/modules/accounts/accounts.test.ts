import crypto from 'node:crypto';
import { eq, gt, like, max } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, GOOD_PASSWORD, startTestSystem, type Officer, type TestSystem } from '../../../test/harness.ts';
import { totpKeyToStorage, totpKeyToText } from '../auth/totp.ts';
import { journal } from '../journal/journal.tables.ts';
import { units, type UnitRow } from '../units/units.tables.ts';
import { lockDormantAccounts } from './accounts.service.ts';
import { accounts, roleGrants } from './accounts.tables.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let sys: TestSystem;
let communeA: UnitRow;
let communeB: UnitRow;
let deskA: UnitRow;
let sysAdmin: Officer;
let adminA: Officer;
let adminB: Officer;

beforeAll(async () => {
  sys = await startTestSystem();
  [communeA, communeB] = [sys.communes[0]!, sys.communes[1]!];
  deskA = await sys.orgUnit(communeA, 'A-MOTCUA', 'desk');
  sysAdmin = await sys.officer({ username: 'qt.tinh', unit: sys.province, roles: ['system_admin'] });
  adminA = await sys.officer({ username: 'qt.xa.a', unit: communeA, roles: ['unit_admin'] });
  adminB = await sys.officer({ username: 'qt.xa.b', unit: communeB, roles: ['unit_admin'] });
});
afterAll(() => sys.close());

// ——— helpers ———

let address = 0;
/** Each officer signs in from their own machine. */
function nextIp(): string {
  address += 1;
  return `10.20.${Math.floor(address / 250)}.${(address % 250) + 1}`;
}
const signIn = (o: Officer, t: TestSystem = sys) => t.signedIn(o, nextIp());

let issued = 0;
/** A valid request body for a new account: personal IDs of men born in Hà Nội in 1990. */
function accountInput(unit: UnitRow, over: Record<string, string> = {}) {
  issued += 1;
  return {
    username: `cb.${issued}`,
    personalId: `001190${String(issued).padStart(6, '0')}`,
    unitId: unit.id,
    fullName: `Cán bộ số ${issued}`,
    position: 'Chuyên viên',
    email: '',
    phone: '',
    ...over,
  };
}

async function issue(admin: Client, unit: UnitRow, over: Record<string, string> = {}) {
  const res = await admin.post('/api/accounts', accountInput(unit, over));
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { account: { id: string; username: string }; oneTimePassword: string };
}

/** The stored account and its grants, to show that a refused request changed nothing. */
async function stored(id: string, t: TestSystem = sys) {
  const [row] = await t.database.db.select().from(accounts).where(eq(accounts.id, id));
  const grants = await t.database.db.select().from(roleGrants).where(eq(roleGrants.accountId, id)).orderBy(roleGrants.id);
  return { row, grants };
}

async function lastJournalSeq(): Promise<number> {
  const [row] = await sys.database.db.select({ seq: max(journal.seq) }).from(journal);
  return Number(row?.seq ?? 0);
}
const journalSince = (seq: number) => sys.database.db.select().from(journal).where(gt(journal.seq, seq)).orderBy(journal.seq);

function expectError(res: LightMyRequestResponse, status: number, code?: string) {
  expect(res.statusCode, res.body).toBe(status);
  if (code) expect(res.json().error.code).toBe(code);
}

const reason = { reason: 'Theo quyết định của Chủ tịch UBND xã' };

/** Signs in with password (and code when enrolled) and tells the stage reached. */
async function stageAfterSignIn(o: Officer, t: TestSystem = sys): Promise<{ client: Client; stage: string }> {
  const client = t.client(nextIp());
  const first = await client.post('/api/auth/sign-in', { username: o.username, password: o.password });
  expect(first.statusCode, first.body).toBe(200);
  let stage = first.json().stage as string;
  await client.refresh();
  if (stage === 'otp') {
    stage = (await client.post('/api/auth/otp', { code: t.nextCode(o.totpKey!) })).json().stage;
    await client.refresh();
  }
  return { client, stage };
}

// ——— R46: issue ———

describe('issuing an account', () => {
  it('R46: an issued account gets a one-time password; signing in with it allows nothing but the password change', async () => {
    const admin = await signIn(adminA);
    const input = accountInput(communeA);
    const res = await admin.post('/api/accounts', input);
    expect(res.statusCode, res.body).toBe(200);
    const { account, oneTimePassword } = res.json();
    expect(account).toMatchObject({ username: input.username, status: 'active', mustChangePassword: true, unit: { id: communeA.id } });
    expect(oneTimePassword).toMatch(/^[A-Za-z0-9]{14}$/);
    // Shown once: never again in the account.
    expect((await admin.get(`/api/accounts/${account.id}`)).body).not.toContain(oneTimePassword);

    const officer = sys.client(nextIp());
    const first = await officer.post('/api/auth/sign-in', { username: input.username, password: oneTimePassword });
    expect(first.json()).toEqual({ stage: 'password_change' });
    await officer.refresh();
    for (const url of ['/api/accounts', '/api/units', `/api/accounts/${account.id}`, '/api/sessions', '/api/roles']) {
      expectError(await officer.get(url), 403, 'sign_in_incomplete');
    }
    expectError(await officer.post('/api/auth/keepalive'), 403, 'sign_in_incomplete');

    const changed = await officer.post('/api/auth/password', { currentPassword: oneTimePassword, newPassword: GOOD_PASSWORD });
    expect(changed.json()).toEqual({ stage: 'full' });
    await officer.refresh();
    expect((await officer.get(`/api/accounts/${account.id}`)).json()).toMatchObject({ mustChangePassword: false });

    // The one-time password is spent.
    expectError(await sys.client(nextIp()).post('/api/auth/sign-in', { username: input.username, password: oneTimePassword }), 401, 'invalid_credentials');
  });

  it('R18: one account per officer: a second account with the same personal ID is refused (409), whatever the unit', async () => {
    const admin = await signIn(sysAdmin);
    const first = accountInput(communeA);
    await issue(admin, communeA, { username: first.username, personalId: first.personalId });
    const again = await admin.post('/api/accounts', accountInput(communeB, { personalId: first.personalId }));
    expectError(again, 409, 'personal_id_taken');
  });

  it.each([
    ['11 digits', '00119000001', 'invalid_input'],
    ['13 digits', '0011900000012', 'invalid_input'],
    ['a letter', '00119000000a', 'invalid_input'],
    ['unknown province prefix 000', '000190000001', 'invalid_personal_id'],
    ['unknown province prefix 003', '003190000001', 'invalid_personal_id'],
    ['century digit 9', '001990000001', 'invalid_personal_id'],
    ['a birth year still to come (2099)', '001299000001', 'invalid_personal_id'],
  ])('R18: a personal ID with %s is refused (400) and no account is created', async (_, personalId, code) => {
    const admin = await signIn(sysAdmin);
    const input = accountInput(communeA, { personalId });
    expectError(await admin.post('/api/accounts', input), 400, code);
    expect(await sys.database.db.select().from(accounts).where(eq(accounts.username, input.username))).toEqual([]);
  });
});

// ——— R12: unit administrators ———

describe('unit administrators (R12)', () => {
  let foreign: Officer;
  let foreignGrantId: string;

  beforeAll(async () => {
    foreign = await sys.officer({ username: 'cb.xa.b', unit: communeB, roles: ['reception_officer'] });
    foreignGrantId = (await stored(foreign.id)).grants[0]!.id;
  });

  it('R12: a unit admin issues, sees and locks accounts in their commune and in the units under it', async () => {
    const admin = await signIn(adminA);
    for (const unit of [communeA, deskA]) {
      const { account } = await issue(admin, unit);
      const seen = await admin.get(`/api/accounts/${account.id}`);
      expect(seen.statusCode).toBe(200);
      expect(seen.json()).toMatchObject({ unit: { id: unit.id }, abilities: { lock: true, grantRoles: true } });
      const locked = await admin.post(`/api/accounts/${account.id}/lock`, reason);
      expect(locked.statusCode, locked.body).toBe(200);
      expect(locked.json()).toMatchObject({ status: 'locked', statusReason: reason.reason });
    }
  });

  it('R12: an account in another commune answers 404 exactly like a missing one, for every action', async () => {
    const admin = await signIn(adminA);
    const before = await stored(foreign.id);
    const missing = crypto.randomUUID();
    const attempts: [string, (id: string, grantId: string) => Promise<LightMyRequestResponse>][] = [
      ['read', (id) => admin.get(`/api/accounts/${id}`)],
      ['edit', (id) => admin.patch(`/api/accounts/${id}`, { phone: '0912345678' })],
      ['lock', (id) => admin.post(`/api/accounts/${id}/lock`, reason)],
      ['unlock', (id) => admin.post(`/api/accounts/${id}/unlock`, reason)],
      ['leave', (id) => admin.post(`/api/accounts/${id}/leave`, reason)],
      ['reset password', (id) => admin.post(`/api/accounts/${id}/reset-password`, reason)],
      ['reset OTP', (id) => admin.post(`/api/accounts/${id}/reset-otp`, reason)],
      ['transfer', (id) => admin.post(`/api/accounts/${id}/transfer`, { ...reason, unitId: communeA.id })],
      ['grant a role', (id) => admin.post(`/api/accounts/${id}/roles`, { role: 'reception_officer', unitId: communeB.id })],
      ['revoke a role', (id, grantId) => admin.delete(`/api/accounts/${id}/roles/${grantId}`)],
    ];
    for (const [action, attempt] of attempts) {
      const other = await attempt(foreign.id, foreignGrantId);
      const absent = await attempt(missing, crypto.randomUUID());
      expect(other.statusCode, `${action}: ${other.body}`).toBe(404);
      expect(other.json(), action).toEqual(absent.json());
    }
    expect(await stored(foreign.id)).toEqual(before);
  });

  it('R12: a unit admin cannot issue an account into another commune or the province (403: the unit tree is public)', async () => {
    const admin = await signIn(adminA);
    for (const unit of [communeB, sys.province]) {
      const input = accountInput(unit);
      expectError(await admin.post('/api/accounts', input), 403, 'forbidden');
      expect(await sys.database.db.select().from(accounts).where(eq(accounts.username, input.username))).toEqual([]);
    }
  });

  it("R12: a unit admin's account list holds only their subtree", async () => {
    const admin = await signIn(adminA);
    const subtree = await sys.database.db.select({ id: units.id }).from(units).where(like(units.path, `${communeA.path}%`));
    const list = (await admin.get('/api/accounts?limit=200')).json();
    expect(list.total).toBeGreaterThan(0);
    expect(list.total).toBe(list.items.length);
    for (const item of list.items) expect(subtree.map((u) => u.id)).toContain(item.unit.id);
    expect(list.items.map((i: { id: string }) => i.id)).not.toContain(foreign.id);
    // Filtering by another commune, or searching for its officer, finds nothing rather than their accounts.
    expect((await admin.get(`/api/accounts?unitId=${communeB.id}`)).json()).toEqual({ total: 0, items: [] });
    expect((await admin.get(`/api/accounts?q=${foreign.username}`)).json()).toEqual({ total: 0, items: [] });
    // The system admin of the province sees the other commune's officer.
    expect((await (await signIn(sysAdmin)).get(`/api/accounts?q=${foreign.username}`)).json().total).toBe(1);
  });

  it('R12: a unit admin cannot grant the roles only a system admin grants, nor grant outside their subtree (403)', async () => {
    const admin = await signIn(adminA);
    const { account } = await issue(admin, communeA);
    for (const role of ['system_admin', 'inspector', 'contractor']) {
      expectError(await admin.post(`/api/accounts/${account.id}/roles`, { role, unitId: communeA.id }), 403, 'forbidden');
    }
    expectError(await admin.post(`/api/accounts/${account.id}/roles`, { role: 'reception_officer', unitId: communeB.id }), 403, 'forbidden');
    expect((await stored(account.id)).grants).toEqual([]);
    const granted = await admin.post(`/api/accounts/${account.id}/roles`, { role: 'reception_officer', unitId: deskA.id });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.json().roles).toEqual([expect.objectContaining({ role: 'reception_officer', unit: expect.objectContaining({ id: deskA.id }) })]);
  });

  it('R12: a unit admin cannot lock, transfer, dismiss or re-grant themselves (403)', async () => {
    const admin = await signIn(adminA);
    const before = await stored(adminA.id);
    expect((await admin.get(`/api/accounts/${adminA.id}`)).json().abilities).toMatchObject({ read: true, lock: false, transfer: false, leave: false, grantRoles: false });
    expectError(await admin.post(`/api/accounts/${adminA.id}/lock`, reason), 403, 'forbidden');
    expectError(await admin.post(`/api/accounts/${adminA.id}/leave`, reason), 403, 'forbidden');
    expectError(await admin.post(`/api/accounts/${adminA.id}/transfer`, { ...reason, unitId: deskA.id }), 403, 'forbidden');
    expectError(await admin.post(`/api/accounts/${adminA.id}/roles`, { role: 'leader', unitId: communeA.id }), 403, 'forbidden');
    const [grant] = before.grants;
    expectError(await admin.delete(`/api/accounts/${adminA.id}/roles/${grant!.id}`), 403, 'forbidden');
    expect(await stored(adminA.id)).toEqual(before);
  });
});

// ——— R18: transfer and leave; lock ———

describe('account lifecycle', () => {
  it('R18: a transferred officer loses every right in the old unit at once', async () => {
    const colleague = await sys.officer({ username: 'cb.dong.nghiep', unit: communeA });
    const officer = await sys.officer({ username: 'cb.chuyen.cong.tac', unit: communeA, roles: ['leader', 'reception_officer'] });
    const oldSession = await signIn(officer);
    expect((await oldSession.get('/api/accounts')).statusCode).toBe(200);
    expect((await oldSession.get(`/api/accounts/${colleague.id}`)).statusCode).toBe(200);

    // Between communes: the province's administrator, who manages both (a commune's admin may not, see below).
    const admin = await signIn(sysAdmin);
    const seq = await lastJournalSeq();
    const moved = await admin.post(`/api/accounts/${officer.id}/transfer`, { reason: 'Điều động sang xã khác', unitId: communeB.id });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().account).toMatchObject({ unit: { id: communeB.id }, roles: [], sessions: [] });
    // Now outside the old commune's subtree: its admin no longer sees the account.
    expectError(await (await signIn(adminA)).get(`/api/accounts/${officer.id}`), 404);

    // The session from before the transfer is refused at once.
    expectError(await oldSession.get('/api/auth/me'), 401);
    expectError(await oldSession.get('/api/accounts'), 401);

    // Signing in again gives an officer of the new unit without any role.
    const again = await signIn(officer);
    const me = (await again.get('/api/auth/me')).json();
    expect(me).toMatchObject({ stage: 'full', roles: [], permissions: [], account: { unit: { id: communeB.id } } });
    expectError(await again.get('/api/accounts'), 403, 'forbidden');
    expectError(await again.get(`/api/accounts/${colleague.id}`), 404);

    // The new unit's admin manages the account from now on.
    const seenByB = (await (await signIn(adminB)).get(`/api/accounts/${officer.id}`)).json();
    expect(seenByB).toMatchObject({ roles: [], unit: { id: communeB.id }, abilities: { grantRoles: true } });

    const [entry] = (await journalSince(seq)).filter((e) => e.type === 'account.transfer');
    expect(entry).toMatchObject({
      actorAccountId: sysAdmin.id,
      targetType: 'account',
      targetId: officer.id,
      unitId: communeA.id,
      reason: 'Điều động sang xã khác',
      details: {
        fromUnitId: communeA.id,
        toUnitId: communeB.id,
        sessionsEnded: 1,
        revokedRoles: expect.arrayContaining([
          { role: 'leader', unitId: communeA.id },
          { role: 'reception_officer', unitId: communeA.id },
        ]),
      },
    });
  });

  it('should not let a unit admin transfer an account into a unit they do not manage (403, journaled as refused, nothing changes)', async () => {
    const officer = await sys.officer({ username: 'cb.day.sang.xa.khac', unit: communeA, roles: ['reception_officer'] });
    const session = await signIn(officer);
    const admin = await signIn(adminA);
    const before = await stored(officer.id);
    for (const destination of [communeB, sys.province, await sys.orgUnit(communeB, 'B-MOTCUA', 'desk')]) {
      const seq = await lastJournalSeq();
      const res = await admin.post(`/api/accounts/${officer.id}/transfer`, { reason: 'Cài người sang xã khác', unitId: destination.id });
      expectError(res, 403, 'transfer_destination_not_managed');
      expect(res.json().error.message).toMatch(/không quản lý đơn vị chuyển đến/);
      expect((await journalSince(seq)).filter((e) => e.type === 'account.transfer')).toEqual([
        expect.objectContaining({
          outcome: 'refused',
          actorAccountId: adminA.id,
          targetId: officer.id,
          reason: 'Cài người sang xã khác',
          details: { reason: 'destination_not_managed', fromUnitId: communeA.id, toUnitId: destination.id },
        }),
      ]);
    }
    expect(await stored(officer.id)).toEqual(before);
    expect((await session.get('/api/auth/me')).statusCode).toBe(200);
    // Within the admin's own subtree the transfer goes ahead.
    const inside = await admin.post(`/api/accounts/${officer.id}/transfer`, { reason: 'Sang bộ phận một cửa', unitId: deskA.id });
    expect(inside.statusCode, inside.body).toBe(200);
    expect(inside.json().account).toMatchObject({ unit: { id: deskA.id }, roles: [] });
  });

  it('R18: an officer who leaves is disabled: sessions end, roles are revoked, sign-in is refused as bad credentials', async () => {
    const officer = await sys.officer({ username: 'cb.nghi.viec', unit: deskA, roles: ['processing_officer'] });
    const session = await signIn(officer);
    const admin = await signIn(adminA);
    const left = await admin.post(`/api/accounts/${officer.id}/leave`, { reason: 'Nghỉ hưu từ 01/03/2026' });
    expect(left.statusCode, left.body).toBe(200);
    expect(left.json()).toMatchObject({ status: 'left', statusReason: 'Nghỉ hưu từ 01/03/2026', roles: [], sessions: [] });

    expectError(await session.get('/api/auth/me'), 401);
    expectError(await sys.client(nextIp()).post('/api/auth/sign-in', { username: officer.username, password: officer.password }), 401, 'invalid_credentials');
    // Unlocking does not bring a departed officer back.
    expectError(await admin.post(`/api/accounts/${officer.id}/unlock`, reason), 403, 'forbidden');
    expect((await sys.journalOf('account.leave')).find((e) => e.targetId === officer.id)).toMatchObject({
      actorAccountId: adminA.id,
      details: { revokedRoles: [{ role: 'processing_officer', unitId: deskA.id }], sessionsEnded: 1 },
    });
  });

  it("R14: a locked account's session is refused at once and sign-in answers account_locked; unlocking restores it", async () => {
    const officer = await sys.officer({ username: 'cb.bi.khoa', unit: communeA, roles: ['reception_officer'] });
    const session = await signIn(officer);
    const admin = await signIn(adminA);
    const why = 'Nghi vấn cho mượn tài khoản (R16)';
    const locked = await admin.post(`/api/accounts/${officer.id}/lock`, { reason: why });
    expect(locked.statusCode, locked.body).toBe(200);
    expect(locked.json()).toMatchObject({ status: 'locked', statusReason: why, abilities: { lock: false, unlock: true } });

    expectError(await session.get('/api/auth/me'), 401);
    expectError(await sys.client(nextIp()).post('/api/auth/sign-in', { username: officer.username, password: officer.password }), 403, 'account_locked');
    // Without the right password nobody learns that the account is locked.
    expectError(await sys.client(nextIp()).post('/api/auth/sign-in', { username: officer.username, password: 'Wrong-password-1' }), 401, 'invalid_credentials');

    const unlocked = await admin.post(`/api/accounts/${officer.id}/unlock`, { reason: 'Đã xác minh, không vi phạm' });
    expect(unlocked.json()).toMatchObject({ status: 'active', statusReason: 'Đã xác minh, không vi phạm' });
    expect((await (await signIn(officer)).get('/api/auth/me')).json().stage).toBe('full');
    expect((await sys.journalOf('account.lock')).find((e) => e.targetId === officer.id)).toMatchObject({ actorAccountId: adminA.id, reason: why, details: { sessionsEnded: 1 } });
  });
});

// ——— R04: a role granted mid-session ———

describe('R04: roles granted to a signed-in officer', () => {
  it('should not let a session that passed no one-time code use a data role granted during it: the grant ends it and the next sign-in enrolls', async () => {
    const officer = await sys.officer({ username: 'cb.chua.co.otp', unit: communeA, otp: false });
    const session = await signIn(officer);
    expect((await session.get('/api/auth/me')).json()).toMatchObject({ stage: 'full', account: { otpEnabled: false, otpRequired: false } });
    expectError(await session.post('/api/dossiers', {}), 403, 'forbidden');

    const admin = await signIn(adminA);
    const seq = await lastJournalSeq();
    const granted = await admin.post(`/api/accounts/${officer.id}/roles`, { role: 'reception_officer', unitId: communeA.id });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.json().sessions).toEqual([]);
    expect((await journalSince(seq)).filter((e) => e.type === 'account.role_grant')).toEqual([
      expect.objectContaining({ actorAccountId: adminA.id, targetId: officer.id, details: expect.objectContaining({ role: 'reception_officer', sessionsEnded: 1 }) }),
    ]);

    // The session from before the grant receives no dossier and looks nobody up.
    expectError(await session.post('/api/dossiers', {}), 401);
    expectError(await session.get('/api/auth/me'), 401);
    expect((await stageAfterSignIn(officer)).stage).toBe('otp_enrollment');
  });

  it('R04: a session that passed a one-time code keeps working when another role is granted', async () => {
    const officer = await sys.officer({ username: 'cb.da.co.otp', unit: communeA, roles: ['processing_officer'] });
    const session = await signIn(officer);
    const admin = await signIn(adminA);
    const granted = await admin.post(`/api/accounts/${officer.id}/roles`, { role: 'reception_officer', unitId: communeA.id });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.json().sessions).toHaveLength(1);
    expect((await session.get('/api/auth/me')).json().permissions).toContain('dossiers.receive');
  });
});

// ——— R45 ———

describe('R45: require a password change of every account', () => {
  it('R45: every account in the admin’s units, locked ones included, must change its password at next sign-in; others are untouched', async () => {
    const communeC = sys.communes[2]!;
    const adminC = await sys.officer({ username: 'qt.xa.c', unit: communeC, roles: ['unit_admin'] });
    const officerC = await sys.officer({ username: 'cb.xa.c', unit: communeC, roles: ['reception_officer'] });
    const officerDeskC = await sys.officer({ username: 'cb.mot.cua.c', unit: await sys.orgUnit(communeC, 'C-MOTCUA', 'desk') });
    const lockedC = await sys.officer({ username: 'cb.khoa.c', unit: communeC });
    const outside = await sys.officer({ username: 'cb.ngoai.c', unit: communeA, roles: ['reception_officer'] });
    const admin = await signIn(adminC);
    expect((await admin.post(`/api/accounts/${lockedC.id}/lock`, reason)).statusCode).toBe(200);

    const leader = await signIn(await sys.officer({ username: 'ld.xa.c', unit: communeC, roles: ['leader'] }));
    expectError(await leader.post('/api/accounts/require-password-change', { reason: 'Nâng cấp đăng nhập' }), 403, 'forbidden');

    const res = await admin.post('/api/accounts/require-password-change', { reason: 'Nâng cấp đăng nhập theo văn bản 004' });
    expect(res.statusCode, res.body).toBe(200);
    // The admin, the two officers, the leader and the locked account (it must change when it is unlocked).
    expect(res.json()).toEqual({ accounts: 5 });

    for (const o of [officerC, officerDeskC, adminC]) expect((await stageAfterSignIn(o)).stage).toBe('password_change');
    expect((await stageAfterSignIn(outside)).stage).toBe('full');
    expect((await stored(lockedC.id)).row!.mustChangePassword).toBe(true);
    expect((await sys.journalOf('account.require_password_change')).at(-1)).toMatchObject({
      actorAccountId: adminC.id,
      reason: 'Nâng cấp đăng nhập theo văn bản 004',
      details: { accounts: 5 },
    });
  });
});

// ——— R50 ———

describe('R50: passwords', () => {
  let officer: Officer;
  beforeAll(async () => {
    officer = await sys.officer({ username: 'tran.thi.bich', fullName: 'Trần Thị Bích', unit: communeA });
  });

  async function changeOwn(client: Client, currentPassword: string, newPassword: string) {
    const res = await client.post('/api/auth/password', { currentPassword, newPassword });
    await client.refresh();
    return res;
  }

  it.each([
    ['without uppercase', 'song-cau-mua-thu-2026', 'needs_uppercase'],
    ['without lowercase', 'SONG-CAU-MUA-THU-2026', 'needs_lowercase'],
    ['without digit or special character', 'SongCauMuaThuXanh', 'needs_digit_or_symbol'],
    ['shorter than 8 characters', 'Sc-2026', 'too_short'],
    ['containing the username', 'Tran.Thi.Bich-2026', 'contains_identity'],
    ['containing the name without its diacritics', 'TranThiBich@2026', 'contains_identity'],
    ['on the common-password list', 'Password123', 'common'],
  ])('R50: refuses a new password %s', async (_, newPassword, problem) => {
    const client = await signIn(officer);
    const before = await stored(officer.id);
    const res = await changeOwn(client, GOOD_PASSWORD, newPassword);
    expectError(res, 400, 'weak_password');
    expect(res.json().error.details.problems).toContain(problem);
    expect(await stored(officer.id)).toEqual(before);
  });

  it('R50: refuses a password containing the personal ID', async () => {
    const client = await signIn(officer);
    const { row } = await stored(officer.id);
    const res = await changeOwn(client, GOOD_PASSWORD, `Cmnd-${row!.personalId}`);
    expect(res.json().error.details.problems).toContain('contains_identity');
  });

  it('R50: a change needs the current password', async () => {
    const client = await signIn(officer);
    expectError(await changeOwn(client, 'Not-my-password-9', 'Hồ-Núi-Cốc-mới-2026'), 400, 'wrong_current_password');
    expect((await sys.journalOf('account.password_change')).at(-1)).toMatchObject({ outcome: 'failure', actorAccountId: officer.id });
  });

  it('should not let a session guess the current password without limit: wrong ones count like failed sign-ins and lock the username', async () => {
    const o = await sys.officer({ username: 'cb.doan.mat.khau', unit: communeA, roles: ['leader'] });
    const client = await signIn(o);
    const before = await stored(o.id);
    const seq = await lastJournalSeq();
    const { threshold } = sys.config.lockout;
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) {
      sys.clock.advance(20_000); // past the slow-down delays, as a patient guesser would wait
      codes.push((await client.post('/api/auth/password', { currentPassword: `Guess-number-${i}`, newPassword: 'Hồ-Núi-Cốc-đoán-2026' })).json().error.code);
    }
    expect(codes).toEqual([...Array(threshold).fill('wrong_current_password'), ...Array(10 - threshold).fill('temporarily_locked')]);
    // The same lock as sign-in: the right password is refused too, at the form and in the session.
    expectError(await sys.client(nextIp()).post('/api/auth/sign-in', { username: o.username, password: o.password }), 429, 'temporarily_locked');
    expectError(await client.post('/api/auth/password', { currentPassword: o.password, newPassword: 'Hồ-Núi-Cốc-đoán-2026' }), 429, 'temporarily_locked');
    expect(await stored(o.id)).toEqual(before);

    const entries = (await journalSince(seq)).filter((e) => e.actorAccountId === o.id);
    const changes = entries.filter((e) => e.type === 'account.password_change');
    expect(changes.filter((e) => e.outcome === 'failure').map((e) => e.details)).toEqual(
      Array.from({ length: threshold }, (_, i) => ({ reason: 'wrong_current_password', failures: i + 1 })),
    );
    expect(changes.filter((e) => e.outcome === 'refused')).toHaveLength(10 - threshold + 1);
    expect(entries.filter((e) => e.type === 'auth.lockout')).toEqual([expect.objectContaining({ targetId: o.id, details: { minutes: 15 } })]);
    expect(entries.filter((e) => e.type === 'auth.sign_in')).toEqual([expect.objectContaining({ outcome: 'refused', details: { reason: 'locked' } })]);
  });

  it('should not count a right current password as a failed guess when the new password is refused', async () => {
    const o = await sys.officer({ username: 'cb.mat.khau.yeu', unit: communeA, roles: ['leader'] });
    const client = await signIn(o);
    for (let i = 0; i < sys.config.lockout.threshold + 2; i++) {
      sys.clock.advance(20_000);
      expectError(await client.post('/api/auth/password', { currentPassword: o.password, newPassword: `weak${i}` }), 400, 'weak_password');
    }
    expect((await changeOwn(client, o.password, 'Hồ-Núi-Cốc-mạnh-2026')).statusCode).toBe(200);
  });

  it('R50: none of the last 5 passwords may come back; the 6th oldest may', async () => {
    const o = await sys.officer({ username: 'cb.doi.mat.khau', unit: communeA });
    const client = await signIn(o);
    const passwords = [1, 2, 3, 4, 5].map((i) => `Hồ-Núi-Cốc-${i}-xanh`);
    let current = GOOD_PASSWORD;
    for (const next of passwords.slice(0, 4)) {
      sys.clock.advance(MINUTE);
      expect((await changeOwn(client, current, next)).statusCode).toBe(200);
      current = next;
    }
    // History: 4 new passwords and the first one.
    expectError(await changeOwn(client, current, GOOD_PASSWORD), 400, 'password_reused');
    expectError(await changeOwn(client, current, passwords[0]!), 400, 'password_reused');
    sys.clock.advance(MINUTE);
    expect((await changeOwn(client, current, passwords[4]!)).statusCode).toBe(200);
    current = passwords[4]!;
    expectError(await changeOwn(client, current, passwords[0]!), 400, 'password_reused');
    sys.clock.advance(MINUTE);
    const back = await changeOwn(client, current, GOOD_PASSWORD);
    expect(back.statusCode, back.body).toBe(200);
    expect((await sys.journalOf('account.password_change')).filter((e) => e.actorAccountId === o.id && e.outcome === 'success')).toHaveLength(6);
  });
});

// ——— Time-dependent rules, each on its own system so that moving time disturbs no other test ———

describe('R06: dormant accounts', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem();
  });
  afterAll(() => t.close());

  it('R06: an account unused for 46 days is locked as dormant, one used 10 days ago is not; an unlock is not undone at once', async () => {
    const admin = await t.officer({ username: 'qt.tinh', unit: t.province, roles: ['system_admin'] });
    const unused = await t.officer({ username: 'cb.khong.dung', unit: t.communes[0]!, roles: ['reception_officer'] });
    const used = await t.officer({ username: 'cb.van.dung', unit: t.communes[0]!, roles: ['reception_officer'] });
    t.clock.advance(36 * DAY);
    await signIn(used, t);
    t.clock.advance(10 * DAY);
    const adminClient = await signIn(admin, t);

    expect(await t.inTx(lockDormantAccounts)).toBe(1);
    expect((await stored(unused.id, t)).row).toMatchObject({ status: 'locked', statusReason: 'dormant' });
    expect((await stored(used.id, t)).row!.status).toBe('active');
    expect(await t.journalOf('account.dormant_lock')).toEqual([
      expect.objectContaining({ targetType: 'account', targetId: unused.id, actorAccountId: null, unitId: t.communes[0]!.id, details: { days: 45 } }),
    ]);
    expectError(await t.client(nextIp()).post('/api/auth/sign-in', { username: unused.username, password: unused.password }), 403, 'account_locked');

    const unlocked = await adminClient.post(`/api/accounts/${unused.id}/unlock`, { reason: 'Cán bộ đi học về' });
    expect(unlocked.json()).toMatchObject({ status: 'active' });
    expect(await t.inTx(lockDormantAccounts)).toBe(0);
    t.clock.advance(DAY);
    expect(await t.inTx(lockDormantAccounts)).toBe(0);
    expect((await stored(unused.id, t)).row!.status).toBe('active');
    // Still unused 45 days after the unlock: locked again.
    t.clock.advance(45 * DAY);
    await t.inTx(lockDormantAccounts);
    expect((await stored(unused.id, t)).row).toMatchObject({ status: 'locked', statusReason: 'dormant' });
  });
});

describe('R50: password expiry', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem();
  });
  afterAll(() => t.close());

  it('R50: a password older than 90 days must be changed at the next sign-in', async () => {
    const officer = await t.officer({ username: 'cb.het.han', unit: t.communes[0]!, roles: ['reception_officer'] });
    t.clock.advance(89 * DAY);
    expect((await stageAfterSignIn(officer, t)).stage).toBe('full');
    t.clock.advance(2 * DAY);
    const { client, stage } = await stageAfterSignIn(officer, t);
    expect(stage).toBe('password_change');
    expectError(await client.get('/api/units'), 403, 'sign_in_incomplete');
    const changed = await client.post('/api/auth/password', { currentPassword: GOOD_PASSWORD, newPassword: 'Hồ-Núi-Cốc-mùa-hạ-2026' });
    expect(changed.json()).toEqual({ stage: 'full' });
    expect((await stored(officer.id, t)).row!.passwordChangedAt).toEqual(t.clock.now());
  });
});

// ——— Search ———

describe('search', () => {
  let an: string;
  let dao: string;
  beforeAll(async () => {
    const admin = await signIn(sysAdmin);
    an = (await issue(admin, communeA, { fullName: 'Nguyễn Văn An' })).account.id;
    dao = (await issue(admin, communeB, { fullName: 'Đỗ Thị Đào' })).account.id;
  });

  async function found(q: string): Promise<string[]> {
    const res = await (await signIn(sysAdmin)).get(`/api/accounts?limit=200&q=${encodeURIComponent(q)}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items.map((i: { id: string }) => i.id);
  }

  it('the account search ignores diacritics and case: "nguyen van" finds "Nguyễn Văn An"', async () => {
    for (const q of ['nguyen van', 'Nguyễn Văn', 'NGUYEN VAN AN', 'nguyễn văn an']) {
      const ids = await found(q);
      expect(ids, q).toContain(an);
      expect(ids, q).not.toContain(dao);
    }
  });

  it('đ and d are the same letter to the search: "do thi dao" and "Đỗ Thị Đào" both find Đỗ Thị Đào', async () => {
    for (const q of ['do thi dao', 'Đỗ Thị Đào', 'đào', 'ĐAO']) expect(await found(q), q).toContain(dao);
    expect(await found('đ')).toEqual(await found('d'));
  });

  it('LIKE wildcards in the search are plain characters: "%" and "_" do not list everyone', async () => {
    expect(await found('%')).toEqual([]);
    expect(await found('_')).toEqual([]);
  });
});

// ——— Invariant 1: no change without a record ———

describe('Invariant 1: no change without a record', () => {
  it('every state-changing account route appends its entry, with actor, target and reason, in the same request', async () => {
    const ip = nextIp();
    const admin = await sys.signedIn(adminA, ip);
    let target = '';

    async function journaled(type: string, act: () => Promise<LightMyRequestResponse>, expected: Record<string, unknown> = {}) {
      const seq = await lastJournalSeq();
      const res = await act();
      expect(res.statusCode, `${type}: ${res.body}`).toBe(200);
      const entries = (await journalSince(seq)).filter((e) => e.type === type);
      expect(entries, type).toHaveLength(1);
      expect(entries[0], type).toMatchObject({ outcome: 'success', actorAccountId: adminA.id, actorUnitId: communeA.id, ip, requestId: expect.any(String), ...expected });
      return res;
    }

    const created = await journaled('account.issue', () => admin.post('/api/accounts', accountInput(communeA)), { unitId: communeA.id });
    target = created.json().account.id;
    const onTarget = () => ({ targetType: 'account', targetId: target });

    await journaled('account.update', () => admin.patch(`/api/accounts/${target}`, { phone: '0912 345 678' }), { ...onTarget(), details: { fields: ['phone'] } });
    const granted = await journaled('account.role_grant', () => admin.post(`/api/accounts/${target}/roles`, { role: 'leader', unitId: deskA.id }), {
      ...onTarget(),
      unitId: deskA.id,
      details: expect.objectContaining({ role: 'leader' }),
    });
    const grantId = granted.json().roles[0].id;
    await journaled('account.role_revoke', () => admin.delete(`/api/accounts/${target}/roles/${grantId}`), { ...onTarget(), details: { role: 'leader', grantId } });
    // a reset is asked for here and journaled again when a second admin approves it (credential-resets.test.ts)
    await journaled('account.password_reset_request', () => admin.post(`/api/accounts/${target}/reset-password`, { reason: 'Quên mật khẩu' }), { ...onTarget(), reason: 'Quên mật khẩu' });
    await journaled('account.otp_reset_request', () => admin.post(`/api/accounts/${target}/reset-otp`, { reason: 'Mất điện thoại' }), { ...onTarget(), reason: 'Mất điện thoại' });
    await journaled('account.lock', () => admin.post(`/api/accounts/${target}/lock`, { reason: 'Tạm khóa' }), { ...onTarget(), reason: 'Tạm khóa' });
    await journaled('account.unlock', () => admin.post(`/api/accounts/${target}/unlock`, { reason: 'Mở lại' }), { ...onTarget(), reason: 'Mở lại' });
    await journaled('account.transfer', () => admin.post(`/api/accounts/${target}/transfer`, { reason: 'Sang bộ phận một cửa', unitId: deskA.id }), {
      ...onTarget(),
      details: expect.objectContaining({ fromUnitId: communeA.id, toUnitId: deskA.id }),
    });
    await journaled('account.leave', () => admin.post(`/api/accounts/${target}/leave`, { reason: 'Nghỉ việc' }), { ...onTarget(), unitId: deskA.id, reason: 'Nghỉ việc' });
    // require-password-change is journaled in its own test (R45): here it would touch every account of the commune.
  });

  it('a refused or invalid request changes nothing', async () => {
    const admin = await signIn(adminA);
    const { account } = await issue(admin, communeA);
    expect((await admin.post(`/api/accounts/${account.id}/roles`, { role: 'reception_officer', unitId: communeA.id })).statusCode).toBe(200);
    const before = await stored(account.id);

    const refused: [string, () => Promise<LightMyRequestResponse>, number][] = [
      ['lock without a reason', () => admin.post(`/api/accounts/${account.id}/lock`, { reason: ' ' }), 400],
      ['lock with no body', () => admin.post(`/api/accounts/${account.id}/lock`), 400],
      ['edit with a bad email', () => admin.patch(`/api/accounts/${account.id}`, { email: 'khong-phai-email' }), 400],
      ['edit with nothing to edit', () => admin.patch(`/api/accounts/${account.id}`, {}), 400],
      ['edit with a bad id', () => admin.patch('/api/accounts/not-a-uuid', { phone: '0912' }), 400],
      ['transfer to an unknown unit', () => admin.post(`/api/accounts/${account.id}/transfer`, { ...reason, unitId: crypto.randomUUID() }), 400],
      ['transfer to its own unit', () => admin.post(`/api/accounts/${account.id}/transfer`, { ...reason, unitId: communeA.id }), 400],
      ['grant system_admin', () => admin.post(`/api/accounts/${account.id}/roles`, { role: 'system_admin', unitId: communeA.id }), 403],
      ['grant an unknown role', () => admin.post(`/api/accounts/${account.id}/roles`, { role: 'superuser', unitId: communeA.id }), 400],
      ['grant a role held already', () => admin.post(`/api/accounts/${account.id}/roles`, { role: 'reception_officer', unitId: communeA.id }), 409],
      ['unlock an active account', () => admin.post(`/api/accounts/${account.id}/unlock`, reason), 403],
      ['revoke a missing grant', () => admin.delete(`/api/accounts/${account.id}/roles/${crypto.randomUUID()}`), 404],
    ];
    for (const [what, attempt, status] of refused) {
      const res = await attempt();
      expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
      expect(await stored(account.id), what).toEqual(before);
    }
  });
});

// ——— Bad input ———

describe('bad input', () => {
  it('an unknown field is refused (400 invalid_input), never silently dropped', async () => {
    const admin = await signIn(adminA);
    const input = { ...accountInput(communeA), status: 'active', isAdmin: true };
    expectError(await admin.post('/api/accounts', input), 400, 'invalid_input');
    expect(await sys.database.db.select().from(accounts).where(eq(accounts.username, input.username))).toEqual([]);

    const { account } = await issue(admin, communeA);
    const before = await stored(account.id);
    expectError(await admin.patch(`/api/accounts/${account.id}`, { phone: '0912', unitId: communeB.id }), 400, 'invalid_input');
    expectError(await admin.post(`/api/accounts/${account.id}/lock`, { ...reason, until: '2027-01-01' }), 400, 'invalid_input');
    expectError(await admin.post(`/api/accounts/${account.id}/roles`, { role: 'leader', unitId: communeA.id, accountId: adminA.id }), 400, 'invalid_input');
    expectError(await admin.get('/api/accounts?include=passwordHash'), 400, 'invalid_input');
    expect(await stored(account.id)).toEqual(before);
  });

  it('a body over 64 KB is refused (413) and changes nothing', async () => {
    const admin = await signIn(adminA);
    const { account } = await issue(admin, communeA);
    const before = await stored(account.id);
    expectError(await admin.post(`/api/accounts/${account.id}/lock`, { reason: 'x'.repeat(70 * 1024) }), 413);
    const input = accountInput(communeA, { position: 'y'.repeat(70 * 1024) });
    expectError(await admin.post('/api/accounts', input), 413);
    expect(await stored(account.id)).toEqual(before);
    expect(await sys.database.db.select().from(accounts).where(eq(accounts.username, input.username))).toEqual([]);
  });
});

// ——— Invariant 5 ———

describe('Invariant 5: secrets never come back', () => {
  it('no account or session response carries the password hash or the TOTP secret (sealed or clear), for any role', async () => {
    const officer = await sys.officer({ username: 'cb.bi.mat', unit: communeA, roles: ['reception_officer'] });
    const inspector = await sys.officer({ username: 'tt.cong.an', unit: sys.province, roles: ['inspector'] });
    const { row } = await stored(officer.id);
    const secrets = [
      row!.passwordHash,
      row!.passwordHash.split('$').at(-1)!,
      row!.otpSecret!,
      row!.otpSecret!.split('.')[2]!,
      totpKeyToText(officer.totpKey!),
      totpKeyToStorage(officer.totpKey!),
      officer.password,
    ];
    const own = await signIn(officer);
    const responses = [
      await own.get('/api/auth/me'),
      await own.get(`/api/accounts/${officer.id}`),
      await own.get('/api/sessions'),
    ];
    for (const viewer of [adminA, sysAdmin, inspector]) {
      const client = await signIn(viewer);
      responses.push(await client.get(`/api/accounts/${officer.id}`), await client.get(`/api/accounts?q=${officer.username}`), await client.get('/api/auth/me'));
    }
    for (const res of responses) {
      expect(res.statusCode, res.body).toBe(200);
      for (const secret of secrets) expect(res.body).not.toContain(secret);
      expect(res.body).not.toMatch(/passwordHash|password_hash|otpSecret|otp_secret|secretHash|\$argon2/);
    }
    // An inspector reads the account but sees the personal ID masked.
    const seen = (await (await signIn(inspector)).get(`/api/accounts/${officer.id}`)).json();
    expect(seen.personalId).toBe(`${row!.personalId.slice(0, 3)}******${row!.personalId.slice(9)}`);
  });
});

// ——— Sign-in from one office ———

describe('brute-force limits and real offices', () => {
  it('brute force: successful sign-ins of one office (one address, more officers than the per-address failure limit) are not counted as failures', async () => {
    const office = await sys.orgUnit(sys.communes[3]!, 'D-MOTCUA', 'desk');
    const officers = [];
    for (let i = 0; i < sys.config.lockout.addressLimit + 1; i++) officers.push(await sys.officer({ username: `cb.van.phong.${i}`, unit: office }));
    for (const o of officers) {
      const res = await sys.client('10.50.0.1').post('/api/auth/sign-in', { username: o.username, password: o.password });
      expect(res.statusCode, `${o.username}: ${res.body}`).toBe(200);
    }
  });
});
