import path from 'node:path';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  MOTCUA_PUBLIC_URL: z.url().optional(),
  MOTCUA_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional(),
  // the owner's login, for migrations and archiving; the server itself runs as the restricted motcua_app role
  MOTCUA_OWNER_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional(),
  MOTCUA_MASTER_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64').optional(),
  MOTCUA_PROVINCE_CODE: z.string().regex(/^\d{2}$/, 'must be a 2-digit GSO province code').default('19'),
  MOTCUA_DEMO: bool.optional(),
  MOTCUA_TRUST_PROXY: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // fractional minutes are allowed so that end-to-end tests can watch the idle lock happen
  MOTCUA_SESSION_IDLE_MINUTES: z.coerce.number().positive().default(10),
  MOTCUA_SESSION_ABSOLUTE_HOURS: positiveInt.default(8),
  MOTCUA_PASSWORD_MAX_AGE_DAYS: positiveInt.default(90),
  MOTCUA_PASSWORD_HISTORY: positiveInt.default(5),
  MOTCUA_DORMANT_DAYS: positiveInt.default(45),
  MOTCUA_LOCKOUT_THRESHOLD: positiveInt.default(5),
  MOTCUA_LOCKOUT_MINUTES: positiveInt.default(15),
  MOTCUA_ADDRESS_FAILURE_LIMIT: positiveInt.default(50),
  MOTCUA_SETUP_LINK_MINUTES: positiveInt.default(60),
  MOTCUA_WITNESS_URL: z.url().optional(),
  MOTCUA_JOURNAL_FAIL_CLOSED_HOURS: positiveInt.default(4),
  // R25: months kept online before they may be archived to files; the letters' floor is 3 months
  MOTCUA_JOURNAL_RETENTION_MONTHS: z.coerce.number().int().min(3, 'must be at least 3 months').default(12),
  // the largest document an officer may upload (R05: citizens' papers come in through the system, not chat apps)
  MOTCUA_DOCUMENT_MAX_MB: z.coerce.number().positive().max(100, 'must be at most 100 MB').default(10),
  // R43: a slow NPD must not hang the desk; the answer arrives within this or the lookup fails clearly
  MOTCUA_NPD_TIMEOUT_MS: positiveInt.max(60_000).default(5000),
  // after repeated NPD failures, calls stop (immediate clear refusal) for this long before one is tried again
  MOTCUA_NPD_BREAKER_SECONDS: positiveInt.max(3600).default(10),
  // issue 5 item 5: lookups per account and per unit, per minute and per day (Vietnam day)
  MOTCUA_NPD_ACCOUNT_PER_MINUTE: positiveInt.default(20),
  MOTCUA_NPD_ACCOUNT_PER_DAY: positiveInt.default(300),
  MOTCUA_NPD_UNIT_PER_MINUTE: positiveInt.default(200),
  MOTCUA_NPD_UNIT_PER_DAY: positiveInt.default(3000),
  // development only: `npm start` runs npd-sim beside the server and, with the demo data, connects to it
  MOTCUA_NPD_SIM: bool.optional(),
  // issue 6: a critical alert suspends the account's lookups at once (lifted only by a person, with a reason)
  MOTCUA_MONITORING_AUTO_SUSPEND: bool.default(true),
  // alerts by e-mail as well as in the app: smtp://user:password@host:587 (STARTTLS when offered) or smtps://…:465
  MOTCUA_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MOTCUA_SMTP_FROM: z.email().default('khong-tra-loi@motcua.invalid'),
  // requests a minute from one address to the public routes (result verification, a unit's public key), per process
  MOTCUA_PUBLIC_PER_MINUTE: positiveInt.default(60),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string;
  /** Secure cookies everywhere except a plain-HTTP localhost, where browsers would drop them. */
  secureCookies: boolean;
  dataDir: string;
  databaseUrl: string | undefined;
  ownerDatabaseUrl: string | undefined;
  masterKey: string | undefined;
  provinceCode: string;
  demo: boolean;
  trustProxy: boolean;
  logLevel: string;
  session: { idleMs: number; absoluteMs: number };
  password: { maxAgeMs: number; history: number };
  dormantMs: number;
  lockout: { threshold: number; durationMs: number; addressLimit: number };
  setupLinkMs: number;
  journal: { witnessUrl: string | undefined; failClosedMs: number; retentionMonths: number };
  documents: { maxBytes: number };
  npd: {
    timeoutMs: number;
    breakerResetMs: number;
    limits: { accountPerMinute: number; accountPerDay: number; unitPerMinute: number; unitPerDay: number };
    /** start npd-sim beside the server (development) */
    simulator: boolean;
  };
  monitoring: { autoSuspend: boolean };
  smtp: { url: string; from: string } | null;
  publicPerMinute: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export class ConfigError extends Error {}

/** Reads the environment once; every bad value is listed with its variable name. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Cấu hình không hợp lệ / invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const publicUrl = (e.MOTCUA_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const url = new URL(publicUrl);
  const localhost = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (e.NODE_ENV === 'production' && !e.MOTCUA_MASTER_KEY) {
    throw new ConfigError('MOTCUA_MASTER_KEY is required in production (32 random bytes, base64: `openssl rand -base64 32`)');
  }
  if (e.NODE_ENV === 'production' && e.MOTCUA_DEMO) {
    throw new ConfigError('MOTCUA_DEMO cannot be enabled in production');
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    secureCookies: url.protocol === 'https:' || !localhost,
    dataDir: path.resolve(e.MOTCUA_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    ownerDatabaseUrl: e.MOTCUA_OWNER_DATABASE_URL,
    masterKey: e.MOTCUA_MASTER_KEY,
    provinceCode: e.MOTCUA_PROVINCE_CODE,
    demo: e.NODE_ENV === 'development' && (e.MOTCUA_DEMO ?? true),
    trustProxy: e.MOTCUA_TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    session: { idleMs: e.MOTCUA_SESSION_IDLE_MINUTES * MINUTE, absoluteMs: e.MOTCUA_SESSION_ABSOLUTE_HOURS * 60 * MINUTE },
    password: { maxAgeMs: e.MOTCUA_PASSWORD_MAX_AGE_DAYS * DAY, history: e.MOTCUA_PASSWORD_HISTORY },
    dormantMs: e.MOTCUA_DORMANT_DAYS * DAY,
    lockout: {
      threshold: e.MOTCUA_LOCKOUT_THRESHOLD,
      durationMs: e.MOTCUA_LOCKOUT_MINUTES * MINUTE,
      addressLimit: e.MOTCUA_ADDRESS_FAILURE_LIMIT,
    },
    setupLinkMs: e.MOTCUA_SETUP_LINK_MINUTES * MINUTE,
    journal: { witnessUrl: e.MOTCUA_WITNESS_URL, failClosedMs: e.MOTCUA_JOURNAL_FAIL_CLOSED_HOURS * 60 * MINUTE, retentionMonths: e.MOTCUA_JOURNAL_RETENTION_MONTHS },
    documents: { maxBytes: Math.floor(e.MOTCUA_DOCUMENT_MAX_MB * 1024 * 1024) },
    npd: {
      timeoutMs: e.MOTCUA_NPD_TIMEOUT_MS,
      breakerResetMs: e.MOTCUA_NPD_BREAKER_SECONDS * 1000,
      limits: {
        accountPerMinute: e.MOTCUA_NPD_ACCOUNT_PER_MINUTE,
        accountPerDay: e.MOTCUA_NPD_ACCOUNT_PER_DAY,
        unitPerMinute: e.MOTCUA_NPD_UNIT_PER_MINUTE,
        unitPerDay: e.MOTCUA_NPD_UNIT_PER_DAY,
      },
      simulator: e.NODE_ENV === 'development' && (e.MOTCUA_NPD_SIM ?? true),
    },
    monitoring: { autoSuspend: e.MOTCUA_MONITORING_AUTO_SUSPEND },
    smtp: e.MOTCUA_SMTP_URL ? { url: e.MOTCUA_SMTP_URL, from: e.MOTCUA_SMTP_FROM } : null,
    publicPerMinute: e.MOTCUA_PUBLIC_PER_MINUTE,
  };
}
