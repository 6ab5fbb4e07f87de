import { eq, gt, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, startTestSystem, type TestSystem } from '../../../test/harness.ts';
import { accounts, roleGrants } from '../accounts/accounts.tables.ts';
import { journal } from '../journal/journal.tables.ts';
import { totpCode, totpStep } from './totp.ts';
import { sessionRef } from '../sessions/index.ts';
import { sessions } from '../sessions/sessions.tables.ts';
import { maskOldSessionIds } from '../../../common/journal-session-ids.ts';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(() => sys.close());

const MINUTE = 60_000;

async function lastSeq(): Promise<number> {
  const [row] = await sys.database.db.select({ seq: max(journal.seq) }).from(journal);
  return Number(row?.seq ?? 0);
}
const journalSince = (seq: number) => sys.database.db.select().from(journal).where(gt(journal.seq, seq)).orderBy(journal.seq);
const sessionIdOf = (c: { cookie: string | null }) => c.cookie!.split('.')[0]!;

describe('sign-in', () => {
  it('R04: an officer with OTP signs in with password then code, and only then reaches the system', async () => {
    const o = await sys.officer({ username: 'sign.basic', unit: sys.communes[0]!, roles: ['reception_officer'] });
    const c = sys.client();
    const first = await c.post('/api/auth/sign-in', { username: o.username, password: o.password });
    expect(first.json()).toEqual({ stage: 'otp' });
    await c.refresh();
    expect((await c.get('/api/units')).json().error.code).toBe('sign_in_incomplete');
    const second = await c.post('/api/auth/otp', { code: sys.nextCode(o.totpKey!) });
    expect(second.json()).toEqual({ stage: 'full' });
    await c.refresh();
    expect((await c.get('/api/units')).statusCode).toBe(200);
    expect(await sys.journalOf('auth.sign_in')).toEqual(expect.arrayContaining([expect.objectContaining({ actorAccountId: o.id, outcome: 'success' })]));
  });

  it('should not reveal whether an account exists: the same answer for an unknown username and a wrong password', async () => {
    const o = await sys.officer({ username: 'sign.exists', unit: sys.communes[0]!, roles: ['leader'] });
    const wrong = await sys.client().post('/api/auth/sign-in', { username: o.username, password: 'Wrong-password-1' });
    const unknown = await sys.client().post('/api/auth/sign-in', { username: 'no.such.officer', password: 'Wrong-password-1' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
  });

  it('R03: the API never offers a password back, and the sign-in response carries only the stage', async () => {
    const o = await sys.officer({ username: 'sign.nothing', unit: sys.communes[0]!, roles: [] });
    const res = await sys.client().post('/api/auth/sign-in', { username: o.username, password: o.password });
    expect(res.json()).toEqual({ stage: 'full' });
    expect(res.body).not.toContain(o.password);
  });

  it('R17: the session cookie is HttpOnly and SameSite=Strict; only a hash of the secret is stored', async () => {
    const o = await sys.officer({ username: 'sign.cookie', unit: sys.communes[0]!, roles: [] });
    const c = sys.client();
    const res = await c.post('/api/auth/sign-in', { username: o.username, password: o.password });
    const cookie = res.cookies.find((k) => k.name === 'motcua_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const [id, secret] = cookie.value.split('.');
    const [row] = await sys.database.db.select().from(sessions).where(eq(sessions.id, id!));
    expect(row!.secretHash.toString('hex')).not.toContain(Buffer.from(secret!).toString('hex'));
    expect(row!.secretHash.length).toBe(32);
  });
});

describe('brute force', () => {
  it('a concurrent burst of wrong passwords cannot be checked more often than the lockout budget', async () => {
    const o = await sys.officer({ username: 'burst.victim', unit: sys.communes[1]!, roles: ['leader'] });
    const burst = await Promise.all(
      Array.from({ length: 25 }, (_, i) => new Promise((r) => setTimeout(r, i)).then(() => sys.client(`10.7.0.${i}`).post('/api/auth/sign-in', { username: o.username, password: `Guess-number-${i}` }))),
    );
    const checked = burst.filter((r) => r.statusCode === 401).length;
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(sys.config.lockout.threshold);
    expect(burst.every((r) => r.statusCode === 401 || r.statusCode === 429)).toBe(true);
    // Keep guessing as time allows: never more than the threshold before the lock.
    let total = checked;
    for (let i = 0; i < 20; i++) {
      sys.clock.advance(10_000);
      const r = await sys.client(`10.7.1.${i}`).post('/api/auth/sign-in', { username: o.username, password: `Later-guess-${i}` });
      if (r.statusCode === 401) total += 1;
    }
    expect(total).toBe(sys.config.lockout.threshold);
  });

  it('5 failures lock the username for 15 minutes, even for the right password; then it works again', async () => {
    const o = await sys.officer({ username: 'lock.fifteen', unit: sys.communes[1]!, roles: ['leader'] });
    for (let i = 0; i < 5; i++) {
      sys.clock.advance(20_000); // past the slow-down delays
      expect((await sys.client('10.7.2.1').post('/api/auth/sign-in', { username: o.username, password: 'Not-the-one-9' })).statusCode).toBe(401);
    }
    const locked = await sys.client().post('/api/auth/sign-in', { username: o.username, password: o.password });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('temporarily_locked');
    expect(await sys.journalOf('auth.lockout')).toEqual(expect.arrayContaining([expect.objectContaining({ actorAccountId: o.id })]));
    sys.clock.advance(15 * MINUTE);
    expect((await sys.client().post('/api/auth/sign-in', { username: o.username, password: o.password })).json()).toEqual({ stage: 'otp' });
  });

  it('failed attempts slow down before the lock (429 slow_down with a wait)', async () => {
    const o = await sys.officer({ username: 'slow.down', unit: sys.communes[1]!, roles: ['leader'] });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await sys.client('10.7.3.1').post('/api/auth/sign-in', { username: o.username, password: `Wrong-${i}-Xx` })).json().error.code);
    expect(codes).toContain('slow_down');
  });

  it('an address that fails across many usernames is limited as well', async () => {
    const ip = '10.9.9.9';
    let refused = 0;
    for (let i = 0; i < sys.config.lockout.addressLimit + 3; i++) {
      const res = await sys.app.inject({ method: 'POST', url: '/api/auth/sign-in', remoteAddress: ip, payload: { username: `spray.${i}`, password: 'Spray-spray-1' } });
      if (res.statusCode === 429) refused += 1;
    }
    expect(refused).toBe(3);
  });
});

describe('one-time codes', () => {
  it('a replayed TOTP code is refused', async () => {
    const o = await sys.officer({ username: 'otp.replay', unit: sys.communes[2]!, roles: ['processing_officer'] });
    const code = sys.nextCode(o.totpKey!);
    const a = sys.client();
    await a.post('/api/auth/sign-in', { username: o.username, password: o.password });
    await a.refresh();
    expect((await a.post('/api/auth/otp', { code })).json()).toEqual({ stage: 'full' });
    const b = sys.client();
    await b.post('/api/auth/sign-in', { username: o.username, password: o.password });
    await b.refresh();
    const replay = await b.post('/api/auth/otp', { code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('invalid_code');
  });

  it('concurrent correct codes mint at most one full session', async () => {
    const o = await sys.officer({ username: 'otp.race', unit: sys.communes[2]!, roles: ['processing_officer'] });
    const clients = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const c = sys.client();
        await c.post('/api/auth/sign-in', { username: o.username, password: o.password });
        await c.refresh();
        return c;
      }),
    );
    sys.clock.advance(30_000);
    const code = totpCode(o.totpKey!, totpStep(sys.clock.now()));
    const results = await Promise.all(clients.map((c) => c.post('/api/auth/otp', { code })));
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
  });

  it('R04: an account that must enroll can do nothing else until it has, then gets ten single-use recovery codes', async () => {
    const o = await sys.officer({ username: 'otp.enroll', unit: sys.communes[2]!, roles: ['reception_officer'], otp: false });
    const c = sys.client();
    expect((await c.post('/api/auth/sign-in', { username: o.username, password: o.password })).json()).toEqual({ stage: 'otp_enrollment' });
    await c.refresh();
    expect((await c.get('/api/sessions')).json().error.code).toBe('sign_in_incomplete');
    const enrollment = (await c.post('/api/auth/otp/enrollment')).json();
    expect(enrollment.uri).toMatch(/^otpauth:\/\/totp\//);
    // the app names the province's system, not a unit code
    expect(decodeURIComponent(enrollment.uri)).toMatch(new RegExp(`^otpauth://totp/Một cửa ${sys.province.name}:otp\\.enroll\\?.*issuer=Một cửa ${sys.province.name}(&|$)`));
    expect(enrollment.qrSvg).toContain('<svg');
    const { decodeBase32IgnorePadding } = await import('@oslojs/encoding');
    const key = decodeBase32IgnorePadding(enrollment.secret);
    expect((await c.post('/api/auth/otp/enrollment/confirm', { code: '000000' })).statusCode).toBe(400);
    const confirmed = (await c.post('/api/auth/otp/enrollment/confirm', { code: totpCode(key, totpStep(sys.clock.now())) })).json();
    expect(confirmed.stage).toBe('full');
    expect(confirmed.recoveryCodes).toHaveLength(10);
    await c.refresh();
    expect((await c.get('/api/sessions')).statusCode).toBe(200);
    // The seed is stored sealed, never in clear.
    const [row] = await sys.database.db.select().from(accounts).where(eq(accounts.id, o.id));
    expect(row!.otpSecret).not.toContain(enrollment.secret);
    // A recovery code works once.
    const signInWithRecovery = async () => {
      const r = sys.client();
      await r.post('/api/auth/sign-in', { username: o.username, password: o.password });
      await r.refresh();
      return r.post('/api/auth/otp', { recoveryCode: confirmed.recoveryCodes[3] });
    };
    expect((await signInWithRecovery()).json()).toEqual({ stage: 'full' });
    expect((await signInWithRecovery()).statusCode).toBe(401);
  });

  it('R04: a contractor, who reaches no citizen data, is not forced to enroll', async () => {
    const o = await sys.officer({ username: 'otp.contractor', unit: sys.province, roles: ['contractor'] });
    expect((await sys.client().post('/api/auth/sign-in', { username: o.username, password: o.password })).json()).toEqual({ stage: 'full' });
  });
});

describe('sessions', () => {
  it('should not accept a session token from before sign-in after it (fixation)', async () => {
    const o = await sys.officer({ username: 'fix.ation', unit: sys.communes[3]!, roles: ['leader'] });
    const c = sys.client();
    await c.post('/api/auth/sign-in', { username: o.username, password: o.password });
    const beforeSignIn = c.cookie!;
    await c.refresh();
    await c.post('/api/auth/otp', { code: sys.nextCode(o.totpKey!) });
    expect(c.cookie).not.toBe(beforeSignIn);
    const attacker = sys.client();
    attacker.cookie = beforeSignIn;
    expect((await attacker.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('R48: a session locks after 10 idle minutes and says so; activity keeps it alive', async () => {
    const o = await sys.officer({ username: 'idle.lock', unit: sys.communes[3]!, roles: ['leader'] });
    const c = await sys.signedIn(o);
    sys.clock.advance(9 * MINUTE);
    expect((await c.post('/api/auth/keepalive')).statusCode).toBe(200);
    sys.clock.advance(9 * MINUTE);
    expect((await c.get('/api/sessions')).statusCode).toBe(200);
    sys.clock.advance(10 * MINUTE);
    const locked = await c.get('/api/sessions');
    expect(locked.statusCode).toBe(401);
    expect(locked.json().error.code).toBe('session_idle_locked');
    // The session is ended on the server, not only refused once.
    expect((await c.get('/api/sessions')).json().error.code).toBe('not_signed_in');
  });

  it('R17: a session expires absolutely after 8 hours, however active', async () => {
    const o = await sys.officer({ username: 'abs.expiry', unit: sys.communes[3]!, roles: ['leader'] });
    const c = await sys.signedIn(o);
    const step = 9 * MINUTE;
    let elapsed = 0;
    while ((await c.post('/api/auth/keepalive')).statusCode === 200) {
      sys.clock.advance(step);
      elapsed += step;
      expect(elapsed).toBeLessThanOrEqual(8 * 60 * MINUTE + step);
    }
    expect(elapsed).toBeGreaterThan(8 * 60 * MINUTE - step);
  });

  it('R17: sign-out ends the session on the server', async () => {
    const o = await sys.officer({ username: 'sign.out', unit: sys.communes[3]!, roles: ['leader'] });
    const c = await sys.signedIn(o);
    const token = c.cookie;
    expect((await c.post('/api/auth/sign-out')).statusCode).toBe(204);
    const replay = sys.client();
    replay.cookie = token;
    expect((await replay.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('R16: a second concurrent session from another device is recorded and shown to admins', async () => {
    const admin = await sys.officer({ username: 'share.admin', unit: sys.communes[4]!, roles: ['unit_admin'] });
    const o = await sys.officer({ username: 'share.officer', unit: sys.communes[4]!, roles: ['reception_officer'] });
    const first = await sys.signedIn(o, '10.1.1.1');
    const second = await sys.signedIn(o, '10.2.2.2');
    const mine = (await second.get('/api/sessions')).json().items;
    expect(mine).toHaveLength(2);
    expect(mine.find((s: { current: boolean }) => s.current).concurrent).toBe(true);
    expect(await sys.journalOf('session.concurrent')).toEqual(expect.arrayContaining([expect.objectContaining({ actorAccountId: o.id })]));
    const adminClient = await sys.signedIn(admin);
    const seen = (await adminClient.get(`/api/accounts/${o.id}`)).json();
    expect(seen.sessions.filter((s: { concurrent: boolean }) => s.concurrent)).toHaveLength(1);
    const signals = (await adminClient.get('/api/accounts/sharing-signals')).json().items;
    expect(signals).toEqual([expect.objectContaining({ account: expect.objectContaining({ id: o.id }), ip: '10.2.2.2' })]);
    // An admin of another commune does not see it.
    const elsewhere = await sys.signedIn(await sys.officer({ username: 'share.other', unit: sys.communes[7]!, roles: ['unit_admin'] }));
    expect((await elsewhere.get('/api/accounts/sharing-signals')).json().items).toEqual([]);
    // The officer ends their other session; an admin can end the remaining one.
    const other = mine.find((s: { current: boolean }) => !s.current);
    expect((await second.delete(`/api/sessions/${other.id}`)).statusCode).toBe(204);
    expect((await first.get('/api/auth/me')).statusCode).toBe(401);
    const current = mine.find((s: { current: boolean }) => s.current);
    expect((await adminClient.delete(`/api/sessions/${current.id}`)).statusCode).toBe(204);
    expect((await second.get('/api/auth/me')).statusCode).toBe(401);
  });

  it("should not let a sign-in end the session its cookie names by id alone (an id read in the journal ends nobody's session)", async () => {
    const victim = await sys.officer({ username: 'victim.session', unit: sys.communes[5]!, roles: ['leader'] });
    const attacker = await sys.officer({ username: 'attacker.session', unit: sys.communes[5]!, roles: [] });
    const victimClient = await sys.signedIn(victim, '10.5.5.1');
    const victimId = sessionIdOf(victimClient);
    for (const forged of [victimId, `${victimId}.`, `${victimId}.bm90LXRoZS1zZWNyZXQtYXQtYWxsLXJlYWxseQ`]) {
      const c = sys.client('10.5.5.2');
      c.cookie = forged;
      expect((await c.post('/api/auth/sign-in', { username: attacker.username, password: attacker.password })).statusCode).toBe(200);
      expect((await victimClient.get('/api/auth/me')).statusCode, forged).toBe(200);
    }
    const [row] = await sys.database.db.select().from(sessions).where(eq(sessions.id, victimId));
    expect(row!.endedAt).toBeNull();
  });

  it('R17: signing in again in the same browser ends the session its whole token names', async () => {
    const o = await sys.officer({ username: 'same.browser', unit: sys.communes[5]!, roles: [] });
    const c = await sys.signedIn(o, '10.5.6.1');
    const before = c.cookie;
    const seq = await lastSeq();
    expect((await c.post('/api/auth/sign-in', { username: o.username, password: o.password })).statusCode).toBe(200);
    const replay = sys.client('10.5.6.1');
    replay.cookie = before;
    expect((await replay.get('/api/auth/me')).statusCode).toBe(401);
    const [verified] = (await journalSince(seq)).filter((e) => e.type === 'auth.password_verified');
    expect(verified!.details).toEqual({ nextStage: 'full', replacedSession: sessionRef(sys, before!.split('.')[0]!) });
  });

  it('should not name sessions in new journal entries: session.concurrent and session.end carry a keyed hash of the id', async () => {
    const o = await sys.officer({ username: 'hashed.ids', unit: sys.communes[5]!, roles: ['leader'] });
    const seq = await lastSeq();
    const first = await sys.signedIn(o, '10.5.7.1');
    const second = await sys.signedIn(o, '10.5.7.2');
    const [firstId, secondId] = [sessionIdOf(first), sessionIdOf(second)];
    expect((await second.delete(`/api/sessions/${firstId}`)).statusCode).toBe(204);
    const entries = await journalSince(seq);
    expect(JSON.stringify(entries)).not.toContain(firstId);
    expect(JSON.stringify(entries)).not.toContain(secondId);
    const concurrent = entries.find((e) => e.type === 'session.concurrent')!;
    expect(concurrent.details).toEqual({ session: sessionRef(sys, secondId), otherSession: sessionRef(sys, firstId), otherIp: '10.5.7.1', ip: '10.5.7.2' });
    expect(concurrent.details.session).toMatch(/^[0-9a-f]{32}$/);
    // The same session has the same name across entries, so an inspector can still follow it.
    expect(entries.find((e) => e.type === 'session.end')!.details).toEqual({ session: sessionRef(sys, firstId), by: 'owner' });
  });

  it('should not show a whole session id of an entry written before the ids were hashed, on the journal screens', () => {
    const old = { sessionId: 'AbCdEfGhIjKlMnOpQrSt', otherSessionId: 'ZyXwVuTsRqPoNmLkJiHg', otherIp: '10.1.1.1', by: 'owner' };
    expect(maskOldSessionIds(old)).toEqual({ sessionId: 'AbCd…', otherSessionId: 'ZyXw…', otherIp: '10.1.1.1', by: 'owner' });
    const current = { session: 'a'.repeat(32), otherSession: 'b'.repeat(32) };
    expect(maskOldSessionIds(current)).toEqual(current);
  });

  it('should not serve a fully signed-in session that passed no one-time code once the account holds a role that needs one (checked at every request)', async () => {
    const o = await sys.officer({ username: 'no.otp.yet', unit: sys.communes[5]!, roles: [] });
    const c = await sys.signedIn(o, '10.5.8.1');
    const token = c.cookie;
    const id = sessionIdOf(c);
    expect((await c.get('/api/units')).statusCode).toBe(200);
    // A role that reached the account without the grant service (which ends such sessions itself).
    await sys.database.db.insert(roleGrants).values({ accountId: o.id, role: 'reception_officer', unitId: sys.communes[5]!.id, grantedAt: sys.clock.now() });
    const seq = await lastSeq();
    const refused = await c.get('/api/units');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toMatchObject({ code: 'otp_required', message: expect.stringMatching(/mã xác thực/), messageEn: expect.any(String) });
    const [row] = await sys.database.db.select().from(sessions).where(eq(sessions.id, id));
    expect(row).toMatchObject({ endReason: 'otp_required', endedAt: expect.any(Date) });
    expect((await journalSince(seq)).filter((e) => e.type === 'session.end')).toEqual([
      expect.objectContaining({ actorAccountId: o.id, targetId: o.id, details: { session: sessionRef(sys, id), by: 'system', reason: 'otp_required' } }),
    ]);
    c.cookie = token;
    expect((await c.get('/api/auth/me')).json().error.code).toBe('not_signed_in');
    expect((await sys.client('10.5.8.1').post('/api/auth/sign-in', { username: o.username, password: o.password })).json()).toEqual({ stage: 'otp_enrollment' });
  });

  it("should not let an officer end another account's session (404, like a missing one)", async () => {
    const a = await sys.officer({ username: 'end.a', unit: sys.communes[5]!, roles: ['leader'] });
    const b = await sys.officer({ username: 'end.b', unit: sys.communes[5]!, roles: ['leader'] });
    const ca = await sys.signedIn(a);
    const cb = await sys.signedIn(b);
    const bSession = (await cb.get('/api/sessions')).json().items[0].id;
    expect((await ca.delete(`/api/sessions/${bSession}`)).statusCode).toBe(404);
    expect((await cb.get('/api/auth/me')).statusCode).toBe(200);
  });
});

describe('passwords at sign-in', () => {
  it('R50: a password older than 90 days must be changed at sign-in, after the code', async () => {
    const o = await sys.officer({ username: 'pw.expired', unit: sys.communes[6]!, roles: ['leader'] });
    sys.clock.advance(91 * 24 * 60 * MINUTE);
    const c = sys.client();
    expect((await c.post('/api/auth/sign-in', { username: o.username, password: o.password })).json()).toEqual({ stage: 'otp' });
    await c.refresh();
    expect((await c.post('/api/auth/otp', { code: sys.nextCode(o.totpKey!) })).json()).toEqual({ stage: 'password_change' });
    await c.refresh();
    const weak = await c.post('/api/auth/password', { currentPassword: o.password, newPassword: 'short' });
    expect(weak.json().error.code).toBe('weak_password');
    const same = await c.post('/api/auth/password', { currentPassword: o.password, newPassword: GOOD_PASSWORD });
    expect(same.json().error.code).toBe('password_reused');
    const ok = await c.post('/api/auth/password', { currentPassword: o.password, newPassword: 'Đồi-chè-Tân-Cương-91' });
    expect(ok.json()).toEqual({ stage: 'full' });
  });

  it('R46: the first sign-in with a one-time password goes to the password change, then to enrollment', async () => {
    const o = await sys.officer({ username: 'pw.first', unit: sys.communes[6]!, roles: ['reception_officer'], otp: false, mustChangePassword: true });
    const c = sys.client();
    expect((await c.post('/api/auth/sign-in', { username: o.username, password: o.password })).json()).toEqual({ stage: 'password_change' });
    await c.refresh();
    expect((await c.post('/api/auth/otp/enrollment')).json().error.code).toBe('wrong_stage');
    expect((await c.post('/api/auth/password', { currentPassword: o.password, newPassword: 'Hồ-Núi-Cốc-xanh-77' })).json()).toEqual({ stage: 'otp_enrollment' });
  });
});

describe('setup link', () => {
  it('creates the first system administrator once, with no default password (ASVS 6.3.2)', async () => {
    const { createSetupToken } = await import('./auth.service.ts');
    const token = await sys.inTx((ctx) => createSetupToken(ctx));
    const c = sys.client();
    expect((await c.post('/api/setup/status', { token })).json()).toMatchObject({ valid: true, province: { code: '19' } });
    const body = { token, username: 'quantri', fullName: 'Trần Văn Quản', personalId: '019085123456', position: 'Quản trị', email: '', phone: '', password: 'Thái-Nguyên-2026!' };
    // A refused password leaves the link usable; a used link is gone.
    expect((await c.post('/api/setup', { ...body, password: 'weak' })).json().error.code).toBe('weak_password');
    expect((await c.post('/api/setup', body)).json()).toEqual({ stage: 'otp_enrollment' });
    expect((await sys.client().post('/api/setup', { ...body, username: 'again', personalId: '019085123457' })).statusCode).toBe(410);
    const another = await sys.inTx((ctx) => createSetupToken(ctx));
    expect((await sys.client().post('/api/setup', { ...body, token: another, username: 'again', personalId: '019085123457' })).statusCode).toBe(410);
  });

  it('an expired setup link is refused', async () => {
    const { createSetupToken } = await import('./auth.service.ts');
    const token = await sys.inTx((ctx) => createSetupToken(ctx));
    sys.clock.advance(61 * MINUTE);
    expect((await sys.client().post('/api/setup/status', { token })).json().valid).toBe(false);
  });
});
