import { and, eq, isNull } from 'drizzle-orm';
import QRCode from 'qrcode';
import { type Role, otpRequired } from '../../authz/roles.ts';
import type { Ctx, InTx } from '../../platform/context.ts';
import { randomToken, sha256 } from '../../platform/crypto.ts';
import { AppError, invalid } from '../../platform/errors.ts';
import { assertStrongPassword, acceptOtpStep, changePassword, enableOtp, findAccountById, findAccountByUsername, grantsOf, grantsView, hashRecoveryCode, insertAccount, insertGrant, markSignedIn, passwordExpired, storeOtpSeed, useRecoveryCode, verifyDecoy, verifyPassword, type AccountInput } from '../accounts/index.ts';
import { record, type JournalEvent } from '../journal/index.ts';
import { getProvince } from '../units/index.ts';
import { setupTokens } from './auth.tables.ts';
import { accountBudget, addressBudget, failuresOf, forgiveAttempts, reserveAttempt, returnAttempt, type ThrottleRefusal } from './throttle.ts';
import { newRecoveryCodes, newTotpKey, normalizeRecoveryCode, totpKeyFromText, totpKeyToStorage, totpKeyToText, totpUri, verifyTotp } from './totp.ts';
import { type SessionRow, type SessionStage, advanceSession, createSession, endAccountSessions, endPresentedSession, sessionRef } from '../sessions/index.ts';
import { foldVietnamese } from '../../../common/text.ts';

const roleGrants = grantsView('role_grants');

export const invalidCredentials = () =>
  new AppError(401, 'invalid_credentials', 'Tên đăng nhập hoặc mật khẩu không đúng.', 'Wrong username or password.');

function refusal(r: ThrottleRefusal): AppError {
  const minutes = Math.ceil(r.retryAfterSeconds / 60);
  return r.refused === 'locked'
    ? new AppError(429, 'temporarily_locked', `Đăng nhập tạm khóa do nhập sai nhiều lần. Thử lại sau ${minutes} phút.`, `Too many failed attempts. Try again in ${minutes} minutes.`, { retryAfterSeconds: r.retryAfterSeconds })
    : new AppError(429, 'slow_down', `Vui lòng chờ ${r.retryAfterSeconds} giây rồi thử lại.`, `Wait ${r.retryAfterSeconds} seconds before trying again.`, { retryAfterSeconds: r.retryAfterSeconds });
}

/** Where the officer goes next. The order matters: the one-time code is asked before any other step. */
async function nextStage(ctx: Ctx, accountId: string, otpPassed: boolean): Promise<SessionStage> {
  const account = (await findAccountById(ctx.tx, accountId))!;
  if (account.otpEnabledAt && !otpPassed) return 'otp';
  if (account.mustChangePassword || passwordExpired(ctx, account)) return 'password_change';
  if (!account.otpEnabledAt && otpRequired(await grantsOf(ctx.tx, accountId))) return 'otp_enrollment';
  return 'full';
}

/**
 * Every check of a password spends from the sign-in budgets (the username's and the address's), reserved and
 * committed before the password is checked: at sign-in, and as the current password of a password change, so a
 * stolen session cannot guess the password faster than a sign-in form (issue 13).
 */
/** The sign-in throttle's keys: failed attempts counted per username, and per account at the one-time-code step. */
export const userKeyOf = (username: string) => `user:${foldVietnamese(username.trim().toLowerCase())}`;
export const otpKeyOf = (accountId: string) => `otp:${accountId}`;
const passwordBudgets = (ctx: Ctx, userKey: string) => [
  { key: userKey, budget: accountBudget(ctx) },
  { key: `address:${ctx.ip}`, budget: addressBudget(ctx) },
];

/** The password was right: the username's failures are forgotten and the address gets its attempt back. */
async function passwordAccepted(ctx: Ctx, userKey: string) {
  await forgiveAttempts(ctx, userKey);
  await returnAttempt(ctx, `address:${ctx.ip}`, addressBudget(ctx));
}

/** A wrong password is journaled with the failures so far, and with the lock when this one brings it. */
async function passwordRefused(ctx: Ctx, userKey: string, accountId: string | undefined, error: AppError, event: JournalEvent): Promise<AppError> {
  const failures = await failuresOf(ctx, userKey);
  error.recording({ ...event, details: { ...event.details, failures } });
  if (accountId && failures >= ctx.config.lockout.threshold) {
    error.recording({ type: 'auth.lockout', actorAccountId: accountId, target: { type: 'account', id: accountId }, details: { minutes: ctx.config.lockout.durationMs / 60_000 } });
  }
  return error;
}

async function stageReached(ctx: Ctx, accountId: string, stage: SessionStage) {
  if (stage !== 'full') return;
  await markSignedIn(ctx.tx, accountId, ctx.clock.now());
  await record(ctx, { type: 'auth.sign_in', actorAccountId: accountId, target: { type: 'account', id: accountId } });
}

export interface SignedIn {
  token: string;
  session: SessionRow;
}

/**
 * Password step. The same answer whether or not the username exists: budgets are kept per username, and an
 * unknown username costs a decoy hash. The attempt is reserved (committed) before the password is checked.
 */
export async function signIn(inTx: InTx, input: { username: string; password: string; previousToken: string | null }): Promise<SignedIn> {
  const username = input.username.trim().toLowerCase();
  const userKey = userKeyOf(username);
  const refused = await inTx(async (ctx) => {
    const r = await reserveAttempt(ctx, passwordBudgets(ctx, userKey));
    if (r) {
      const account = await findAccountByUsername(ctx.tx, username);
      await record(ctx, { type: 'auth.sign_in', outcome: 'refused', actorAccountId: account?.id, details: { reason: r.refused } });
    }
    return r;
  });
  if (refused) throw refusal(refused);

  const account = await inTx((ctx) => findAccountByUsername(ctx.tx, username));
  const passwordOk = account ? await verifyPassword(account.passwordHash, input.password) : await verifyDecoy(input.password);

  return inTx(async (ctx) => {
    if (!account || !passwordOk) {
      throw await passwordRefused(ctx, userKey, account?.id, invalidCredentials(), {
        type: 'auth.sign_in',
        outcome: 'failure',
        actorAccountId: account?.id,
        details: { reason: account ? 'wrong_password' : 'unknown_username' },
      });
    }
    await passwordAccepted(ctx, userKey);
    if (account.status !== 'active') {
      const error =
        account.status === 'locked'
          ? new AppError(403, 'account_locked', 'Tài khoản đang bị khóa. Liên hệ quản trị đơn vị để mở khóa.', 'This account is locked. Ask your unit administrator.')
          : invalidCredentials();
      throw error.recording({ type: 'auth.sign_in', outcome: 'refused', actorAccountId: account.id, details: { reason: `account_${account.status}` } });
    }
    const replaced = input.previousToken ? await endPresentedSession(ctx, input.previousToken, 'replaced') : undefined;
    const stage = await nextStage(ctx, account.id, false);
    const signedIn = await createSession(ctx, account.id, stage);
    await record(ctx, {
      type: 'auth.password_verified',
      actorAccountId: account.id,
      details: { nextStage: stage, ...(replaced && { replacedSession: sessionRef(ctx, replaced.id) }) },
    });
    await stageReached(ctx, account.id, stage);
    return signedIn;
  });
}

/** Second step: a TOTP code (replay-guarded) or an unused recovery code. */
export async function verifySecondFactor(inTx: InTx, session: SessionRow, input: { code?: string; recoveryCode?: string }): Promise<SignedIn> {
  if (session.stage !== 'otp') throw invalid('wrong_stage', 'Bước đăng nhập không hợp lệ.', 'Not at the one-time code step.');
  const otpKey = otpKeyOf(session.accountId);
  const refused = await inTx((ctx) => reserveAttempt(ctx, [{ key: otpKey, budget: accountBudget(ctx) }]));
  if (refused) throw refusal(refused);
  return inTx(async (ctx) => {
    const account = (await findAccountById(ctx.tx, session.accountId))!;
    let accepted = false;
    if (input.code && account.otpSecret) {
      const key = totpKeyFromText(ctx.keys.open(account.otpSecret, `otp:${account.id}`));
      const step = verifyTotp(key, input.code, ctx.clock.now(), account.otpLastStep);
      // The compare-and-set makes a code usable once, even by concurrent requests.
      accepted = step !== null && (await acceptOtpStep(ctx.tx, account.id, step));
    } else if (input.recoveryCode) {
      accepted = await useRecoveryCode(ctx.tx, account.id, hashRecoveryCode(normalizeRecoveryCode(input.recoveryCode)), ctx.clock.now());
    }
    if (!accepted) {
      throw new AppError(401, 'invalid_code', 'Mã xác thực không đúng hoặc đã được dùng.', 'The code is wrong or was already used.').recording({
        type: 'auth.otp',
        outcome: 'failure',
        actorAccountId: account.id,
        details: { method: input.code ? 'totp' : 'recovery_code' },
      });
    }
    await forgiveAttempts(ctx, otpKey);
    await record(ctx, { type: 'auth.otp', actorAccountId: account.id, details: { method: input.code ? 'totp' : 'recovery_code' } });
    const stage = await nextStage(ctx, account.id, true);
    const advanced = await advanceSession(ctx, session, stage, { otpPassed: true });
    await stageReached(ctx, account.id, stage);
    return advanced;
  });
}

/**
 * Password change at sign-in (first sign-in, expiry, R45) or later from the profile; other sessions end. The current
 * password is checked like a sign-in: same budget, same lock, each step committed (a wrong guess stays counted).
 */
export async function changeOwnPassword(inTx: InTx, session: SessionRow, input: { currentPassword: string; newPassword: string }): Promise<SignedIn> {
  if (session.stage !== 'password_change' && session.stage !== 'full') throw invalid('wrong_stage', 'Bước đăng nhập không hợp lệ.', 'Not at the password step.');
  const account = (await inTx((ctx) => findAccountById(ctx.tx, session.accountId)))!;
  const userKey = userKeyOf(account.username);
  const onAccount = { actorAccountId: account.id, target: { type: 'account', id: account.id }, unitId: account.unitId };
  const refused = await inTx(async (ctx) => {
    const r = await reserveAttempt(ctx, passwordBudgets(ctx, userKey));
    if (r) await record(ctx, { type: 'account.password_change', outcome: 'refused', ...onAccount, details: { reason: r.refused } });
    return r;
  });
  if (refused) throw refusal(refused);

  const currentOk = await verifyPassword(account.passwordHash, input.currentPassword);
  await inTx(async (ctx) => {
    if (!currentOk) {
      throw await passwordRefused(ctx, userKey, account.id, invalid('wrong_current_password', 'Mật khẩu hiện tại không đúng.', 'The current password is wrong.'), {
        type: 'account.password_change',
        outcome: 'failure',
        ...onAccount,
        details: { reason: 'wrong_current_password' },
      });
    }
    // Committed on its own: a new password refused below (too weak, reused) is no failed guess.
    await passwordAccepted(ctx, userKey);
  });

  return inTx(async (ctx) => {
    await changePassword(ctx, session.accountId, input.newPassword);
    await endAccountSessions(ctx, session.accountId, 'password_changed', session.id);
    const stage = session.stage === 'full' ? 'full' : await nextStage(ctx, session.accountId, session.otpVerifiedAt !== null);
    const advanced = await advanceSession(ctx, session, stage, { otpPassed: false });
    if (session.stage !== 'full') await stageReached(ctx, session.accountId, stage);
    return advanced;
  });
}

/** R04: enrollment shows the seed once (QR and text); it is stored sealed and never shown again. */
export async function startOtpEnrollment(ctx: Ctx, session: SessionRow) {
  if (session.stage !== 'otp_enrollment') throw invalid('wrong_stage', 'Bước đăng nhập không hợp lệ.', 'Not at the enrollment step.');
  const account = (await findAccountById(ctx.tx, session.accountId))!;
  const key = newTotpKey();
  await storeOtpSeed(ctx.tx, account.id, ctx.keys.seal(totpKeyToStorage(key), `otp:${account.id}`));
  await record(ctx, { type: 'auth.otp_enroll_start', actorAccountId: account.id, target: { type: 'account', id: account.id } });
  // the authenticator app lists the code under the province's system, as officers call it
  const province = await getProvince(ctx.tx);
  const uri = totpUri(`Một cửa ${province?.name ?? account.unitCode}`, account.username, key);
  return { secret: totpKeyToText(key), uri, qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) };
}

export async function confirmOtpEnrollment(ctx: Ctx, session: SessionRow, code: string): Promise<SignedIn & { recoveryCodes: string[] }> {
  if (session.stage !== 'otp_enrollment') throw invalid('wrong_stage', 'Bước đăng nhập không hợp lệ.', 'Not at the enrollment step.');
  const account = (await findAccountById(ctx.tx, session.accountId))!;
  if (!account.otpSecret) throw invalid('enrollment_not_started', 'Hãy bắt đầu đăng ký mã xác thực trước.', 'Start the enrollment first.');
  const step = verifyTotp(totpKeyFromText(ctx.keys.open(account.otpSecret, `otp:${account.id}`)), code, ctx.clock.now(), null);
  if (step === null) {
    throw new AppError(400, 'invalid_code', 'Mã xác thực không đúng. Kiểm tra giờ trên điện thoại rồi thử lại.', 'Wrong code. Check the phone clock and try again.').recording({
      type: 'auth.otp_enroll',
      outcome: 'failure',
      actorAccountId: account.id,
    });
  }
  const codes = newRecoveryCodes();
  await enableOtp(ctx.tx, account.id, ctx.clock.now(), step, codes.map(hashRecoveryCode));
  await record(ctx, { type: 'auth.otp_enroll', actorAccountId: account.id, target: { type: 'account', id: account.id } });
  const stage = await nextStage(ctx, account.id, true);
  const advanced = await advanceSession(ctx, session, stage, { otpPassed: true });
  await stageReached(ctx, account.id, stage);
  return { ...advanced, recoveryCodes: codes };
}

// ——— First start: no default password (ASVS 6.3.2), a one-time setup link for the first administrator ———

export async function systemAdminExists(ctx: Pick<Ctx, 'tx'>): Promise<boolean> {
  const [grant] = await ctx.tx.select({ id: roleGrants.id }).from(roleGrants).where(eq(roleGrants.role, 'system_admin')).limit(1);
  return grant !== undefined;
}

export async function createSetupToken(ctx: Pick<Ctx, 'tx' | 'clock' | 'config'>): Promise<string> {
  const token = randomToken(24);
  await ctx.tx.insert(setupTokens).values({ tokenHash: sha256(token), expiresAt: new Date(ctx.clock.now().getTime() + ctx.config.setupLinkMs) });
  return token;
}

async function claimSetupToken(ctx: Ctx, token: string): Promise<boolean> {
  const claimed = await ctx.tx
    .update(setupTokens)
    .set({ usedAt: ctx.clock.now() })
    .where(and(eq(setupTokens.tokenHash, sha256(token)), isNull(setupTokens.usedAt)))
    .returning();
  return claimed.length === 1 && claimed[0]!.expiresAt > ctx.clock.now();
}

export async function setupStatus(ctx: Ctx, token: string) {
  const [row] = await ctx.tx.select().from(setupTokens).where(eq(setupTokens.tokenHash, sha256(token)));
  const province = await getProvince(ctx.tx);
  return { valid: !!row && !row.usedAt && row.expiresAt > ctx.clock.now() && !(await systemAdminExists(ctx)), province: province ? { code: province.code, name: province.fullName } : null };
}

export async function completeSetup(ctx: Ctx, input: AccountInput & { token: string; password: string }): Promise<SignedIn> {
  if ((await systemAdminExists(ctx)) || !(await claimSetupToken(ctx, input.token))) {
    throw new AppError(410, 'setup_link_invalid', 'Liên kết thiết lập đã hết hạn hoặc đã được dùng. Khởi động lại máy chủ để nhận liên kết mới.', 'The setup link has expired or was used. Restart the server for a new one.');
  }
  const province = (await getProvince(ctx.tx))!;
  assertStrongPassword(input.password, input);
  const account = await insertAccount(ctx, { ...input, unitId: province.id, mustChangePassword: false });
  await record(ctx, { type: 'account.issue', actorAccountId: account.id, target: { type: 'account', id: account.id }, unitId: province.id, details: { username: account.username, via: 'setup_link' } });
  await insertGrant(ctx, account.id, 'system_admin' satisfies Role, province.id);
  return createSession(ctx, account.id, 'otp_enrollment');
}
