import { z } from 'zod';

/**
 * What the server accepts to set the NPD connection, suspend lookups, reconcile and issue integration keys (issue 5);
 * the web's forms validate with the same schemas before sending, so a mistake is shown beside its field. Messages are
 * "Vietnamese / English".
 */

/** What the kill switch cuts (R43): every lookup, those of a unit subtree, or one account's. */
export const SUSPENSION_SCOPES = ['system', 'unit', 'account'] as const;
export type SuspensionScope = (typeof SUSPENSION_SCOPES)[number];

/** What each PEM field must hold: a certificate, or an unencrypted private key (the server then checks the pair). */
export const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/;
export const PEM_PRIVATE_KEY = /-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]+-----END (RSA |EC )?PRIVATE KEY-----/;

const notCertificate = 'Đây không phải chứng thư số dạng PEM (cần -----BEGIN CERTIFICATE-----). / This is not a PEM certificate (-----BEGIN CERTIFICATE----- expected).';
const notKey = 'Đây không phải khóa bí mật dạng PEM không đặt mật khẩu (cần -----BEGIN PRIVATE KEY-----). / This is not an unencrypted PEM private key (-----BEGIN PRIVATE KEY----- expected).';
const pemRequired = 'Chọn tệp hoặc dán nội dung PEM / choose a file or paste the PEM text';
const pem = (label: string, form: RegExp, message: string) => z.string().trim().min(1, pemRequired).max(20_000).regex(form, message).describe(`${label} (PEM)`);

/** R34: set or rotate the connection (write-only: it is sealed and never shown again). */
export const connectionBody = z.strictObject({
  endpoint: z.string().trim().min(1, 'Hãy nhập địa chỉ kết nối / enter the endpoint').max(500),
  certificate: pem('the system’s client certificate', PEM_CERTIFICATE, notCertificate),
  privateKey: pem('its private key, unencrypted', PEM_PRIVATE_KEY, notKey),
  caCertificate: pem('the CA that signed the NPD’s server certificate', PEM_CERTIFICATE, notCertificate),
  account: z.string().trim().min(1, 'Hãy nhập tài khoản kết nối / enter the account').max(200),
  password: z.string().min(8, 'Mật khẩu có ít nhất 8 ký tự / at least 8 characters').max(500),
});

/** The reason of a suspension: shown to those it stops, and journaled. */
export const suspensionReason = z.string().trim().min(3, 'Hãy ghi lý do (ít nhất 3 ký tự) / give the reason (at least 3 characters)').max(500);

/** R43: the scope names its unit or account (the server also refuses a target the scope does not use). */
export const suspendBody = z
  .strictObject({ scope: z.enum(SUSPENSION_SCOPES), unitId: z.uuid().optional(), accountId: z.uuid().optional(), reason: suspensionReason })
  .refine((b) => b.scope !== 'unit' || !!b.unitId, { path: ['unitId'], message: 'Chọn đơn vị / choose the unit' })
  .refine((b) => b.scope !== 'account' || !!b.accountId, { path: ['accountId'], message: 'Chọn một tài khoản trong danh sách / choose an account from the list' });

/** R35, R36: the period to reconcile, its start before its end. */
const instant = z.iso.datetime({ offset: true, error: 'Chọn ngày và giờ / choose a date and time' });
export const reconciliationPeriod = z
  .strictObject({ from: instant, to: instant })
  // (a date that does not parse has its own message)
  .refine((p) => !(Date.parse(p.from) >= Date.parse(p.to)), { path: ['to'], message: 'Thời điểm bắt đầu phải trước thời điểm kết thúc. / The start must be before the end.' });

/** A procedure's national code, as the national public-service portal writes it. */
export const PROCEDURE_CODE = /^\d\.\d{6}$/;

export const NO_FIELDS = 'Chọn ít nhất một trường dữ liệu / choose at least one field';

/** R35: another provincial system's key, for named procedures and fields in one unit subtree. */
export const integrationBody = z.strictObject({
  name: z.string().trim().min(3, 'Tên hệ thống có ít nhất 3 ký tự / the name has at least 3 characters').max(200),
  unitId: z.uuid('Chọn đơn vị / choose the unit'),
  procedures: z
    .array(z.string().regex(PROCEDURE_CODE, 'Mã thủ tục dạng 1.001193 / a procedure code looks like 1.001193'))
    .min(1, 'Ghi ít nhất một mã thủ tục / name at least one procedure')
    .max(200),
  /** The NPD's field names; the server narrows them to the law's list (its procedures module keeps it). */
  fields: z.array(z.string()).min(1, NO_FIELDS),
});
