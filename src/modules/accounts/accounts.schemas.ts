import { z } from 'zod';
import { ROLE_NAMES } from '../../authz/roles.ts';
import { unitRef } from '../../platform/schemas.ts';
import { sessionSchema } from '../sessions/index.ts';

/** left: the officer left the service (every role revoked); a locked account may be unlocked. */
export const ACCOUNT_STATUSES = ['active', 'locked', 'left'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** Issue 13 (finding 4): what a reset clears, where its request stands, and how a new password reaches the officer. */
export const CREDENTIAL_RESET_KINDS = ['password', 'otp'] as const;
export type CredentialResetKind = (typeof CREDENTIAL_RESET_KINDS)[number];
export const CREDENTIAL_RESET_STATUSES = ['pending', 'approved', 'refused', 'expired'] as const;
export type CredentialResetStatus = (typeof CREDENTIAL_RESET_STATUSES)[number];
export const CREDENTIAL_RESET_DELIVERIES = ['approver', 'email'] as const;
export type CredentialResetDelivery = (typeof CREDENTIAL_RESET_DELIVERIES)[number];

export const accountStatus = z.enum(ACCOUNT_STATUSES);
export const accountSummary = z.object({
  id: z.string(),
  username: z.string(),
  fullName: z.string(),
  position: z.string(),
  unit: unitRef,
  status: accountStatus,
  lastSignInAt: z.string().nullable(),
  otpEnabled: z.boolean(),
});
export const accountDetail = accountSummary.extend({
  personalId: z.string(),
  email: z.string(),
  phone: z.string(),
  statusReason: z.string().nullable(),
  mustChangePassword: z.boolean(),
  passwordChangedAt: z.string(),
  passwordExpiresAt: z.string(),
  otpRequired: z.boolean(),
  createdAt: z.string(),
  roles: z.array(z.object({ id: z.string(), role: z.string(), unit: unitRef, grantedAt: z.string(), revocable: z.boolean() })),
  sessions: z.array(sessionSchema),
  abilities: z.record(z.string(), z.boolean()),
});
export const accountWithPassword = z.object({ account: accountDetail.nullable(), oneTimePassword: z.string() });
export const resetRequest = z.object({
  id: z.string(),
  kind: z.enum(CREDENTIAL_RESET_KINDS),
  reason: z.string(),
  status: z.enum(CREDENTIAL_RESET_STATUSES),
  requestedAt: z.string(),
  expiresAt: z.string(),
  account: z.object({ id: z.string(), username: z.string(), fullName: z.string(), unit: unitRef }),
  requestedBy: z.object({ id: z.string(), username: z.string(), fullName: z.string() }),
  delivery: z.enum(CREDENTIAL_RESET_DELIVERIES).nullable(),
  email: z.string().nullable(),
  decidedAt: z.string().nullable(),
  abilities: z.object({ read: z.boolean(), approve: z.boolean(), refuse: z.boolean() }),
});
export const roleName = z.enum(ROLE_NAMES as [string, ...string[]]);
