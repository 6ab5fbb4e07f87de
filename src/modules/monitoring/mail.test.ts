import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../../../test/harness.ts';
import { startSmtpServer } from '../../../test/smtp.ts';
import { storeAlerts } from './alerts.service.ts';
import { sendPendingEmails } from './mail.ts';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let sys: TestSystem;

beforeAll(async () => {
  smtp = await startSmtpServer();
  sys = await startTestSystem({ MOTCUA_SMTP_URL: smtp.url, MOTCUA_SMTP_FROM: 'giam-sat@thainguyen.gov.vn' });
  await sys.officer({ username: 'mail.security', unit: sys.province, roles: ['security_officer'] });
});
afterAll(async () => {
  await sys?.close();
  await smtp.close();
});

describe('Issue 6 item 2: alerts by e-mail when SMTP is configured', () => {
  it('should e-mail the security officers over the unit once per notification, with a link and no citizen data', async () => {
    const desk = await sys.officer({ username: 'mail.desk', unit: sys.communes[0]!, roles: ['reception_officer'] });
    await sys.inTx((ctx) =>
      storeAlerts(ctx, [
        {
          rule: 'concurrent_session',
          severity: 'medium',
          accountId: desk.id,
          clientId: null,
          unitId: sys.communes[0]!.id,
          at: sys.clock.now(),
          explanationVi: 'Tài khoản mail.desk đăng nhập đồng thời từ hai địa chỉ.',
          explanationEn: 'Account mail.desk signed in from two addresses at once.',
          details: {},
          citizens: [sys.keys.citizenDigest('019090000123')],
          seqs: [],
          dedupeKey: 'mail-test',
        },
      ]),
    );
    expect(await sendPendingEmails(sys.inTx, sys.config)).toBe(1);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['mail.security@example.invalid']);
    expect(smtp.received[0]!.data).toContain('giam-sat@thainguyen.gov.vn');
    const body = smtp.received[0]!.data.replace(/=\r\n/g, ''); // quoted-printable soft line breaks
    expect(body).toMatch(/security\/cases\/[0-9a-f-]{36}/);
    expect(body).not.toContain('019090000123');
    // sent once: the next run has nothing to send
    expect(await sendPendingEmails(sys.inTx, sys.config)).toBe(0);
  });

  it('should keep a notification for the next run when the mail server refuses it', async () => {
    const desk = await sys.officer({ username: 'mail.desk2', unit: sys.communes[0]!, roles: ['reception_officer'] });
    await sys.inTx((ctx) =>
      storeAlerts(ctx, [
        { rule: 'new_address', severity: 'low', accountId: desk.id, clientId: null, unitId: sys.communes[0]!.id, at: sys.clock.now(), explanationVi: 'Địa chỉ mới.', explanationEn: 'New address.', details: {}, citizens: [], seqs: [], dedupeKey: 'mail-test-2' },
      ]),
    );
    const unreachable = { ...sys.config, smtp: { url: 'smtp://127.0.0.1:1', from: 'giam-sat@thainguyen.gov.vn' } };
    await expect(sendPendingEmails(sys.inTx, unreachable)).rejects.toThrow();
    expect(await sendPendingEmails(sys.inTx, sys.config)).toBe(1);
  });
});
