import { z } from 'zod';

/** A live session as presentSession shows it: to its owner (GET /api/sessions) and to who manages the account. */
export const sessionSchema = z.object({
  id: z.string(),
  stage: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  idleExpiresAt: z.string(),
  expiresAt: z.string(),
  ip: z.string(),
  userAgent: z.string(),
  current: z.boolean(),
  concurrent: z.boolean().describe('signed in while another session of the account was live (R01)'),
});
