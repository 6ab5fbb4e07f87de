import { z } from 'zod';
import { accountContactFields, personalId, username } from './accounts.ts';

/**
 * What the server accepts at each step of signing in and at the first start; the web's forms validate with the same
 * schemas before sending. The password rules themselves (R50) are the server's: it answers which one failed.
 * Messages are "Vietnamese / English".
 */
export const password = z.string().min(1, 'Hãy nhập mật khẩu / enter the password').max(256, 'Mật khẩu tối đa 256 ký tự / at most 256 characters');

export const signInBody = z.strictObject({
  username: z.string().trim().min(1, 'Hãy nhập tên đăng nhập / enter the username').max(100, 'Tên đăng nhập tối đa 100 ký tự / at most 100 characters'),
  password,
});

/** A six-digit code of the authenticator app (the second step, and the confirmation of an enrollment). */
export const otpCodeBody = z.strictObject({ code: z.string().regex(/^\d{6}$/, 'Mã gồm 6 chữ số / the code has 6 digits') });
/** One of the ten recovery codes, when the phone is lost. */
export const recoveryCodeBody = z.strictObject({
  recoveryCode: z.string().min(10, 'Mã khôi phục có ít nhất 10 ký tự / the recovery code has at least 10 characters').max(20, 'Mã khôi phục tối đa 20 ký tự / at most 20 characters'),
});
export const secondFactorBody = z.union([otpCodeBody, recoveryCodeBody]);

export const changePasswordBody = z.strictObject({ currentPassword: password, newPassword: password });

const setupToken = z.string().min(10).max(100);
export const setupStatusBody = z.strictObject({ token: setupToken });
/** First start: the first system administrator, with the token of the link printed on the server console. */
export const setupBody = z.strictObject({
  token: setupToken,
  username,
  fullName: accountContactFields.fullName,
  personalId,
  position: accountContactFields.position.default(''),
  email: accountContactFields.email.default(''),
  phone: accountContactFields.phone.default(''),
  password,
});
