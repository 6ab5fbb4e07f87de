import { bigint, boolean, char, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { AccountStatus, CredentialResetDelivery, CredentialResetKind, CredentialResetStatus } from './accounts.schemas.ts';

export const accounts = pgTable('accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  username: text('username').notNull(),
  personalId: char('personal_id', { length: 12 }).notNull(),
  fullName: text('full_name').notNull(),
  position: text('position').notNull(),
  email: text('email').notNull(),
  phone: text('phone').notNull(),
  searchText: text('search_text').notNull(),
  unitId: uuid('unit_id').notNull(),
  status: text('status').$type<AccountStatus>().notNull(),
  statusReason: text('status_reason'),
  statusChangedAt: timestamp('status_changed_at', { withTimezone: true }).notNull(),
  passwordHash: text('password_hash').notNull(),
  passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull(),
  mustChangePassword: boolean('must_change_password').notNull(),
  otpSecret: text('otp_secret'),
  otpEnabledAt: timestamp('otp_enabled_at', { withTimezone: true }),
  otpLastStep: bigint('otp_last_step', { mode: 'number' }),
  lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  createdBy: uuid('created_by'),
});

export const passwordHistory = pgTable('password_history', {
  accountId: uuid('account_id').notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export const recoveryCodes = pgTable('recovery_codes', {
  accountId: uuid('account_id').notNull(),
  codeHash: text('code_hash').notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

export const roleGrants = pgTable('role_grants', {
  id: uuid('id').primaryKey().defaultRandom(),
  accountId: uuid('account_id').notNull(),
  role: text('role').notNull(),
  unitId: uuid('unit_id').notNull(),
  grantedBy: uuid('granted_by'),
  grantedAt: timestamp('granted_at', { withTimezone: true }).notNull(),
});

export type AccountRow = typeof accounts.$inferSelect;

/** Issue 13 (finding 4): a password or one-time-code reset waits here for a second admin's approval. */
export const credentialResetRequests = pgTable('credential_reset_requests', {
  id: uuid('id').primaryKey().defaultRandom(),
  accountId: uuid('account_id').notNull(),
  kind: text('kind').$type<CredentialResetKind>().notNull(),
  reason: text('reason').notNull(),
  requestedBy: uuid('requested_by').notNull(),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  status: text('status').$type<CredentialResetStatus>().notNull(),
  decidedBy: uuid('decided_by'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  decisionReason: text('decision_reason'),
  delivery: text('delivery').$type<CredentialResetDelivery>(),
});

export type CredentialResetRow = typeof credentialResetRequests.$inferSelect;
