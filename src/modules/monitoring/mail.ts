import { and, asc, eq, gt, isNull, ne } from 'drizzle-orm';
import type { Config } from '../../platform/config.ts';
import type { Ctx, InTx } from '../../platform/context.ts';
import { notifications } from './monitoring.tables.ts';
import { officersView } from '../accounts/index.ts';

const accounts = officersView('accounts');

const PATHS: Record<string, string> = { monitoring_case: '/security/cases', incident: '/incidents', account: '/accounts' };

/**
 * Issue 6 item 2: notifications go out by e-mail too when SMTP is configured. A job sends what is not yet sent, one
 * message per notification, and marks it sent only once the server accepted it (a failure is retried at the next run).
 * The message says what happened and links to the case: no citizen's data travels by e-mail.
 */
export async function sendPendingEmails(inTx: InTx, config: Pick<Config, 'smtp' | 'publicUrl'>): Promise<number> {
  const { smtp, publicUrl } = config;
  if (!smtp) return 0;
  const pending = await inTx((ctx: Ctx) =>
    ctx.tx
      .select({ n: notifications, email: accounts.email, fullName: accounts.fullName })
      .from(notifications)
      .innerJoin(accounts, eq(accounts.id, notifications.accountId))
      .where(and(isNull(notifications.emailedAt), ne(accounts.email, ''), gt(notifications.at, new Date(ctx.clock.now().getTime() - 24 * 3600_000))))
      .orderBy(asc(notifications.id))
      .limit(50),
  );
  if (pending.length === 0) return 0;
  // loaded when there is mail to send, not on every start
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport(smtp.url);
  let sent = 0;
  try {
    for (const { n, email, fullName } of pending) {
      await transport.sendMail({
        from: smtp.from,
        to: { name: fullName, address: email },
        subject: `[motcua] ${n.textVi.slice(0, 120)}`,
        text: `${n.textVi}\n\n${n.textEn}\n\n${publicUrl}${PATHS[n.targetType] ?? ''}/${n.targetId}\n`,
      });
      await inTx((ctx: Ctx) => ctx.tx.update(notifications).set({ emailedAt: ctx.clock.now() }).where(eq(notifications.id, n.id)));
      sent += 1;
    }
  } finally {
    transport.close();
  }
  return sent;
}
