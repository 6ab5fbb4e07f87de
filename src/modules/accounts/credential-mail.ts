import type { Config } from '../../platform/config.ts';

export interface OneTimePasswordMail {
  to: { name: string; address: string };
  username: string;
  oneTimePassword: string;
  requestedBy: string;
  approvedBy: string;
}

/**
 * Issue 13 (finding 4): with SMTP configured, a reset password goes to the officer's own mailbox and is shown to no
 * admin. Sent while the approval's transaction is open: if the server does not accept it, the approval rolls back and
 * the request still waits, so no password is set that nobody received. The message names both admins, so an officer
 * who asked for nothing knows whom to ask about it.
 */
export async function mailOneTimePassword(config: Pick<Config, 'smtp' | 'publicUrl'>, mail: OneTimePasswordMail): Promise<void> {
  const { smtp, publicUrl } = config;
  if (!smtp) throw new Error('SMTP is not configured');
  // short timeouts: an administrator is waiting for the answer, with the approval's transaction open
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({ url: smtp.url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  try {
    await transport.sendMail({
      from: smtp.from,
      to: mail.to,
      subject: '[motcua] Mật khẩu dùng một lần mới / New one-time password',
      text: [
        `Tài khoản ${mail.username} đã được cấp lại mật khẩu theo yêu cầu của ${mail.requestedBy}, do ${mail.approvedBy} phê duyệt.`,
        `Mật khẩu dùng một lần: ${mail.oneTimePassword}`,
        'Hãy đăng nhập và đổi mật khẩu ngay. Không chuyển thư này cho ai. Nếu bạn không đề nghị cấp lại mật khẩu, hãy báo ngay cho bộ phận an ninh.',
        '',
        `The password of account ${mail.username} was reset at the request of ${mail.requestedBy}, approved by ${mail.approvedBy}.`,
        `One-time password: ${mail.oneTimePassword}`,
        'Sign in and change it now. Do not forward this message. If you did not ask for a reset, tell the security officer at once.',
        '',
        publicUrl,
        '',
      ].join('\n'),
    });
  } finally {
    transport.close();
  }
}
