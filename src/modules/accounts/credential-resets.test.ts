import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake, offerBirthRegistration } from '../../../test/dossier-fixtures.ts';
import { GOOD_PASSWORD, startTestSystem, type Client, type Officer, type TestSystem } from '../../../test/harness.ts';
import { isoBirthDate, startNpdSim, type NpdSimProcess } from '../../../test/npd-sim.ts';
import { startSmtpServer } from '../../../test/smtp.ts';
import { journal } from '../journal/journal.tables.ts';
import { integrate, journalSigner } from '../journal/sequencer.ts';
import { detect } from '../monitoring/detector.ts';
import type { UnitRow } from '../units/units.tables.ts';
import { accounts, credentialResetRequests } from './accounts.tables.ts';
import { sessions } from '../sessions/sessions.tables.ts';

const HOUR = 3_600_000;
const reason = { reason: 'Cán bộ quên mật khẩu, đề nghị bằng văn bản' };

let address = 0;
const nextIp = () => `10.40.${Math.floor(++address / 250)}.${(address % 250) + 1}`;

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.code).toBe(code);
}

/** The officer's credentials as stored, and their live sessions: what a reset changes. */
async function credentials(t: TestSystem, id: string) {
  const [row] = await t.database.db.select({ passwordHash: accounts.passwordHash, otpSecret: accounts.otpSecret, mustChange: accounts.mustChangePassword }).from(accounts).where(eq(accounts.id, id));
  const live = await t.database.db.select({ id: sessions.id, endedAt: sessions.endedAt }).from(sessions).where(eq(sessions.accountId, id));
  return { ...row, liveSessions: live.filter((s) => s.endedAt === null).length };
}

async function signInWith(t: TestSystem, username: string, password: string) {
  return (await t.client(nextIp()).post('/api/auth/sign-in', { username, password })).statusCode;
}

/** Each test works on its own officer, so that the requests of one do not stand in another's way. */
let serial = 0;
async function freshOfficer(t: TestSystem, unit: UnitRow) {
  serial += 1;
  return t.officer({ username: `cb.reset.${serial}`, unit, roles: ['reception_officer'] });
}

async function ask(admin: Client, officer: Officer, kind: 'reset-password' | 'reset-otp' = 'reset-password') {
  const res = await admin.post(`/api/accounts/${officer.id}/${kind}`, reason);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().request as { id: string; status: string; delivery: string | null; abilities: Record<string, boolean> };
}

describe('issue 13, finding 4: a reset needs a second approver', () => {
  let sys: TestSystem;
  let communeA: UnitRow;
  let requesterOfficer: Officer;
  let admins: Officer[];
  let requester: Client;
  let colleague: Client;
  let province: Client;
  let foreign: Client;
  /** Signs the admins in (again, after the clock jumped past their sessions). */
  async function signInAdmins() {
    const clients: Client[] = [];
    for (const o of [requesterOfficer, ...admins]) clients.push(await sys.signedIn(o, nextIp()));
    [requester, colleague, province, foreign] = clients as [Client, Client, Client, Client];
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    communeA = sys.communes[0]!;
    requesterOfficer = await sys.officer({ username: 'qt.xa.a', unit: communeA, roles: ['unit_admin'] });
    admins = [
      await sys.officer({ username: 'qt.xa.a2', unit: communeA, roles: ['unit_admin'] }),
      await sys.officer({ username: 'qt.tinh', unit: sys.province, roles: ['system_admin'] }),
      await sys.officer({ username: 'qt.xa.b', unit: sys.communes[1]!, roles: ['unit_admin'] }),
    ];
    await signInAdmins();
  });
  afterAll(() => sys.close());

  it('should not show the new one-time password to the admin who asked for the reset', async () => {
    const officer = await freshOfficer(sys, communeA);
    const before = await credentials(sys, officer.id);
    const asked = await requester.post(`/api/accounts/${officer.id}/reset-password`, reason);
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json()).toEqual({ request: expect.objectContaining({ status: 'pending', kind: 'password', delivery: 'approver', abilities: { read: true, approve: false, refuse: true } }) });
    expect(asked.json()).not.toHaveProperty('oneTimePassword');
    // nothing changed yet: the officer keeps working with the old password
    expect(await credentials(sys, officer.id)).toEqual(before);
    expect(await signInWith(sys, officer.username, GOOD_PASSWORD)).toBe(200);

    const approved = await colleague.post(`/api/accounts/reset-requests/${asked.json().request.id}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    const oneTimePassword = approved.json().oneTimePassword as string;
    expect(oneTimePassword).toMatch(/^[A-Za-z0-9]{14}$/);
    // whatever the requester reads afterwards, the password is not in it, nor in the journal
    for (const res of [await requester.get(`/api/accounts/${officer.id}`), await requester.get('/api/accounts/reset-requests'), await requester.get(`/api/accounts/reset-requests?accountId=${officer.id}`)]) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).not.toContain(oneTimePassword);
    }
    const entries = await sys.database.db.select().from(journal).where(eq(journal.targetId, officer.id));
    expect(JSON.stringify(entries)).not.toContain(oneTimePassword);
  });

  it('should not let the requester approve their own reset, nor the account itself; another unit’s admin gets 404', async () => {
    // the account reset is itself an admin of the commune, who could otherwise approve its own reset
    const target = await sys.officer({ username: 'qt.xa.a3', unit: communeA, roles: ['unit_admin'] });
    const targetClient = await sys.signedIn(target, nextIp());
    const request = await ask(requester, target);
    const before = await credentials(sys, target.id);
    const [stored] = await sys.database.db.select().from(credentialResetRequests).where(eq(credentialResetRequests.id, request.id));

    expectError(await requester.post(`/api/accounts/reset-requests/${request.id}/approve`), 403, 'second_approver_required');
    expectError(await targetClient.post(`/api/accounts/reset-requests/${request.id}/approve`), 403, 'second_approver_required');
    const outside = await foreign.post(`/api/accounts/reset-requests/${request.id}/approve`);
    const missing = await foreign.post(`/api/accounts/reset-requests/${crypto.randomUUID()}/approve`);
    expectError(outside, 404, 'not_found');
    expect(outside.json()).toEqual(missing.json());
    expect((await foreign.get(`/api/accounts/reset-requests?accountId=${target.id}`)).json()).toEqual({ items: [] });

    // nothing changed, and each refusal is journaled
    expect(await credentials(sys, target.id)).toEqual(before);
    expect((await sys.database.db.select().from(credentialResetRequests).where(eq(credentialResetRequests.id, request.id)))[0]).toEqual(stored);
    const refusals = (await sys.journalOf('account.password_reset')).filter((e) => e.targetId === target.id);
    expect(refusals.map((e) => [e.outcome, e.actorAccountId, e.details.reason])).toEqual([
      ['refused', requesterOfficer.id, 'second_approver_required'],
      ['refused', target.id, 'second_approver_required'],
    ]);
    // the database holds the separation too, whatever the code above it does
    await expect(
      sys.database.db.update(credentialResetRequests).set({ status: 'approved', decidedBy: requesterOfficer.id, decidedAt: sys.clock.now() }).where(eq(credentialResetRequests.id, request.id)),
    ).rejects.toThrow();

    // the province's admin is a second approver of the commune
    const approved = await province.post(`/api/accounts/reset-requests/${request.id}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
  });

  it('a password reset takes effect only once approved; the approver sees the password once', async () => {
    const officer = await freshOfficer(sys, communeA);
    const officerSession = await sys.signedIn(officer, nextIp());
    const request = await ask(requester, officer);
    // the approver finds it on the list of what waits for them
    const waiting = (await colleague.get('/api/accounts/reset-requests')).json().items.find((r: { id: string }) => r.id === request.id);
    expect(waiting).toMatchObject({ account: { id: officer.id }, requestedBy: { username: 'qt.xa.a' }, abilities: { approve: true, refuse: true } });
    expect((await officerSession.get('/api/auth/me')).statusCode).toBe(200);

    const approved = await colleague.post(`/api/accounts/reset-requests/${request.id}/approve`);
    expect(approved.json()).toMatchObject({ request: { status: 'approved', delivery: 'approver' }, oneTimePassword: expect.any(String) });
    const { oneTimePassword } = approved.json();
    expect(await signInWith(sys, officer.username, GOOD_PASSWORD)).toBe(401);
    const first = await sys.client(nextIp()).post('/api/auth/sign-in', { username: officer.username, password: oneTimePassword });
    expect(first.json()).toEqual({ stage: 'otp' });
    expect((await officerSession.get('/api/auth/me')).statusCode).toBe(401);
    expect(await credentials(sys, officer.id)).toMatchObject({ mustChange: true, liveSessions: 1 });

    // once: approving again gives nothing
    const again = await colleague.post(`/api/accounts/reset-requests/${request.id}/approve`);
    expectError(again, 409, 'reset_request_closed');
    expect(again.body).not.toContain(oneTimePassword);
    expect((await colleague.get('/api/accounts/reset-requests')).json().items.map((r: { id: string }) => r.id)).not.toContain(request.id);
    expect(await sys.journalOf('account.password_reset')).toContainEqual(
      expect.objectContaining({ outcome: 'success', targetId: officer.id, reason: reason.reason, details: expect.objectContaining({ request: request.id, requestedBy: requesterOfficer.id, delivery: 'approver' }) }),
    );
  });

  it('a one-time-code reset takes effect only once approved', async () => {
    const officer = await freshOfficer(sys, communeA);
    const request = await ask(requester, officer, 'reset-otp');
    expect(request.delivery).toBeNull();
    expect((await credentials(sys, officer.id)).otpSecret).not.toBeNull();
    const approved = await colleague.post(`/api/accounts/reset-requests/${request.id}/approve`);
    expect(approved.json()).toMatchObject({ request: { status: 'approved', kind: 'otp' }, oneTimePassword: null });
    expect((await credentials(sys, officer.id)).otpSecret).toBeNull();
    expect((await colleague.get(`/api/accounts/${officer.id}`)).json().otpEnabled).toBe(false);
  });

  it('an expired request changes nothing, and no longer stands in the way of a new one', async () => {
    const officer = await freshOfficer(sys, communeA);
    const request = await ask(requester, officer);
    expectError(await requester.post(`/api/accounts/${officer.id}/reset-password`, reason), 409, 'reset_already_requested');
    const before = await credentials(sys, officer.id);
    sys.clock.advance(24 * HOUR + 60_000);
    await signInAdmins();
    expect((await colleague.get('/api/accounts/reset-requests')).json().items.map((r: { id: string }) => r.id)).not.toContain(request.id);
    expectError(await colleague.post(`/api/accounts/reset-requests/${request.id}/approve`), 409, 'reset_request_closed');
    expect(await credentials(sys, officer.id)).toEqual(before);
    expect(await signInWith(sys, officer.username, GOOD_PASSWORD)).toBe(200);
    expect((await sys.journalOf('account.password_reset')).filter((e) => e.targetId === officer.id).map((e) => [e.outcome, e.details.reason])).toEqual([['refused', 'expired']]);

    const renewed = await ask(requester, officer);
    const [old] = await sys.database.db.select().from(credentialResetRequests).where(eq(credentialResetRequests.id, request.id));
    expect(old!.status).toBe('expired');
    expect(renewed.id).not.toBe(request.id);
  });

  it('a refused request changes nothing and cannot be approved afterwards', async () => {
    const officer = await freshOfficer(sys, communeA);
    const request = await ask(requester, officer);
    const before = await credentials(sys, officer.id);
    expectError(await colleague.post(`/api/accounts/reset-requests/${request.id}/refuse`, { reason: ' ' }), 400, 'invalid_input');
    const refused = await colleague.post(`/api/accounts/reset-requests/${request.id}/refuse`, { reason: 'Chưa xác minh được với cán bộ' });
    expect(refused.json()).toMatchObject({ request: { status: 'refused' } });
    expectError(await province.post(`/api/accounts/reset-requests/${request.id}/approve`), 409, 'reset_request_closed');
    expect(await credentials(sys, officer.id)).toEqual(before);
    expect(await sys.journalOf('account.reset_request_refuse')).toContainEqual(
      expect.objectContaining({ outcome: 'success', targetId: officer.id, reason: 'Chưa xác minh được với cán bộ', details: expect.objectContaining({ request: request.id, kind: 'password' }) }),
    );
  });
});

describe('issue 13, finding 4: with SMTP configured the password goes to the officer only', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let sys: TestSystem;
  let requester: Client;
  let approver: Client;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    sys = await startTestSystem({ MOTCUA_SMTP_URL: smtp.url, MOTCUA_SMTP_FROM: 'khong-tra-loi@thainguyen.gov.vn' });
    requester = await sys.signedIn(await sys.officer({ username: 'mail.qt.a', unit: sys.communes[0]!, roles: ['unit_admin'] }), nextIp());
    approver = await sys.signedIn(await sys.officer({ username: 'mail.qt.tinh', unit: sys.province, roles: ['system_admin'] }), nextIp());
  });
  afterAll(async () => {
    await sys?.close();
    await smtp.close();
  });

  it('should e-mail the new password to the officer and show it to neither admin', async () => {
    const officer = await freshOfficer(sys, sys.communes[0]!);
    const request = await ask(requester, officer);
    expect(request.delivery).toBe('email');
    const approved = await approver.post(`/api/accounts/reset-requests/${request.id}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ oneTimePassword: null, request: { status: 'approved', delivery: 'email', email: `${officer.username}@example.invalid` } });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual([`${officer.username}@example.invalid`]);
    const password = /One-time password: ([A-Za-z0-9]{14})/.exec(smtp.received[0]!.data.replace(/=\r\n/g, ''))?.[1];
    expect(password).toBeDefined();
    expect(approved.body).not.toContain(password);
    expect(await signInWith(sys, officer.username, password!)).toBe(200);
  });

  it('should leave everything as it was when the mail server does not take the message', async () => {
    const officer = await freshOfficer(sys, sys.communes[0]!);
    const request = await ask(requester, officer);
    const before = await credentials(sys, officer.id);
    await smtp.close();
    const failed = await approver.post(`/api/accounts/reset-requests/${request.id}/approve`);
    expectError(failed, 502, 'reset_mail_not_sent');
    expect(await credentials(sys, officer.id)).toEqual(before);
    expect((await approver.get(`/api/accounts/reset-requests?accountId=${officer.id}`)).json().items).toEqual([expect.objectContaining({ id: request.id, status: 'pending' })]);
    expect((await sys.journalOf('account.password_reset')).filter((e) => e.targetId === officer.id).map((e) => [e.outcome, e.details.reason])).toEqual([['failure', 'mail_not_sent']]);
  });
});

describe('issue 13, finding 4: a lookup soon after someone else reset the account', () => {
  let sys: TestSystem;
  let sim: NpdSimProcess;
  const signer = journalSigner('motcua/19/journal', crypto.generateKeyPairSync('ed25519').privateKey);

  beforeAll(async () => {
    [sys, sim] = await Promise.all([startTestSystem(), startNpdSim({ population: 300 })]);
  });
  afterAll(async () => {
    await sys?.close();
    await sim?.stop();
  });

  it('should raise a critical alert and suspend the account’s lookups when it looks up within 24 hours of an approved reset', async () => {
    const procedureId = await offerBirthRegistration(sys);
    const commune = sys.communes[0]!;
    const systemAdmin = await sys.signedIn(await sys.officer({ username: 'np.qt.tinh', unit: sys.province, roles: ['system_admin'] }), nextIp());
    expect((await systemAdmin.put('/api/npd/connection', sim.connection)).statusCode).toBe(200);
    const unitAdmin = await sys.signedIn(await sys.officer({ username: 'np.qt.xa', unit: commune, roles: ['unit_admin'] }), nextIp());
    const securityOfficer = await sys.officer({ username: 'np.an.ninh', unit: sys.province, roles: ['security_officer'] });
    const victim = await sys.officer({ username: 'np.tiep.nhan', unit: commune, roles: ['reception_officer'] });

    // the takeover of the finding, now with two admins: one asks, the other approves and holds the password
    const request = await ask(unitAdmin, victim);
    const { oneTimePassword } = (await systemAdmin.post(`/api/accounts/reset-requests/${request.id}/approve`)).json();
    sys.clock.advance(2 * HOUR);
    const holder = sys.client(nextIp());
    await holder.post('/api/auth/sign-in', { username: victim.username, password: oneTimePassword });
    await holder.refresh();
    await holder.post('/api/auth/otp', { code: sys.nextCode(victim.totpKey!) });
    await holder.refresh();
    expect((await holder.post('/api/auth/password', { currentPassword: oneTimePassword, newPassword: 'Kẻ-giữ-mật-khẩu-2026' })).json()).toEqual({ stage: 'full' });
    await holder.refresh();

    const [citizen, next] = await sim.sample(2, '&minAge=20');
    const lookUp = async (c: typeof citizen) => {
      const applicant = { personalId: c!.SoDinhDanh, fullName: c!.HoVaTen, birthDate: isoBirthDate(c!.NgayThangNamSinh), phone: '', email: '', address: 'Thái Nguyên' };
      const dossier = (await holder.post('/api/dossiers', intake(procedureId, commune.id, { applicant }))).json();
      return holder.post(`/api/dossiers/${dossier.id}/lookups`, { personalId: c!.SoDinhDanh, service: 'verify' });
    };
    expect((await lookUp(citizen)).statusCode).toBe(200);
    await integrate(sys.database, signer, sys.clock);
    while ((await sys.inTx(detect)) > 0);

    const security = await sys.signedIn(securityOfficer, nextIp());
    const cases = (await security.get('/api/monitoring/cases')).json().items;
    expect(cases).toEqual([expect.objectContaining({ severity: 'critical', account: expect.objectContaining({ username: victim.username }) })]);
    const detail = (await security.get(`/api/monitoring/cases/${cases[0].id}`)).json();
    expect(detail.items).toContainEqual(expect.objectContaining({ rule: 'lookup_after_reset', severity: 'critical', explanationVi: expect.stringContaining('theo yêu cầu của cán bộ') }));
    expect(JSON.stringify(detail)).not.toContain(citizen!.SoDinhDanh);
    expectError(await lookUp(next), 403, 'npd_suspended');
  });
});
