import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/columns.ts';

export type SessionStage = 'otp' | 'password_change' | 'otp_enrollment' | 'full';

export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  secretHash: bytea('secret_hash').notNull(),
  accountId: uuid('account_id').notNull(),
  stage: text('stage').$type<SessionStage>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  endedAt: timestamp('ended_at', { withTimezone: true }),
  endReason: text('end_reason'),
  ip: text('ip').notNull(),
  userAgent: text('user_agent').notNull(),
  concurrentWith: text('concurrent_with'),
  /** When this session passed a one-time code (R04); null if it never did. */
  otpVerifiedAt: timestamp('otp_verified_at', { withTimezone: true }),
});

export type SessionRow = typeof sessions.$inferSelect;
