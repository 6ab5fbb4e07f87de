import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateTOTP } from '@oslojs/otp';
import pg from 'pg';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { freePort } from '../test/processes.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const SHOTS_DIR = '/tmp/motcua-shots';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface RunningServer {
  url: string;
  /** The server's data directory (MOTCUA_DATA_DIR): npd-sim's files are in its npd-sim/ folder. */
  dataDir: string;
  /** Demo username → the one-time password printed on the console. */
  passwords: Map<string, string>;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts `motcua serve` as a child process with its own data directory, a free port, demo data and the given idle
 * timeout; on PostgreSQL (DATABASE_URL set) with a fresh database that is dropped afterwards.
 */
export async function startServer({ idleMinutes }: { idleMinutes: number }): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-e2e-'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'development',
    MOTCUA_DEMO: 'true',
    MOTCUA_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    MOTCUA_PUBLIC_URL: url,
    MOTCUA_SESSION_IDLE_MINUTES: String(idleMinutes),
    LOG_LEVEL: 'warn',
    // npd-sim runs beside the server in development (connected to the demo data): on a free port
    NPD_SIM_PORT: '0',
  };
  let dropDatabase = async () => {};
  if (process.env.DATABASE_URL) {
    const name = `motcua_e2e_${crypto.randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    env.DATABASE_URL = withDatabase(process.env.DATABASE_URL, name);
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name}`);
      } finally {
        await client.end();
      }
    };
  } else {
    delete env.DATABASE_URL;
  }

  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['bin/motcua.mjs', 'serve'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await dropDatabase();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`the server did not answer /api/health within 90 s:\n${output}`);
      const healthy = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
      if (healthy) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const passwords = new Map<string, string>();
  for (const match of output.matchAll(/^\s+(demo\.[a-z.]+)\s+(\S+)\s+/gm)) passwords.set(match[1]!, match[2]!);
  if (passwords.size === 0) {
    await stop();
    throw new Error(`no demo accounts were printed on the server console:\n${output}`);
  }
  return { url, dataDir, passwords, output: () => output, stop };
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's Chromium, never a downloaded one. A missing browser fails the run (CI or not): no silent skip. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}${process.env.CI === 'true' ? ' (CI)' : ''}: the end-to-end tests need a browser. ` +
        'Install Debian’s package (apt-get install -y chromium) or set CHROMIUM_PATH.',
    );
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

// ——— TOTP, as the officer's authenticator app computes it ———

export const totpStepNow = () => Math.floor(Date.now() / 30_000);

export function totpKeyFromSecretText(secretText: string): Uint8Array {
  return decodeBase32IgnorePadding(secretText.replace(/\s/g, '').toUpperCase());
}

/** The current code; `after` is the last step the server accepted (it refuses a replayed step), so wait past it. */
export async function totpCode(key: Uint8Array, after: number | null = null): Promise<{ code: string; step: number }> {
  while (after !== null && totpStepNow() <= after) {
    await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 50));
  }
  // Not in the last half second of a step, so the code is still current when the server checks it.
  if (30_000 - (Date.now() % 30_000) < 500) await new Promise((r) => setTimeout(r, 600));
  const step = totpStepNow();
  return { code: generateTOTP(key, 30, 6), step };
}

// ——— What every officer does ———

/** A demo officer's first sign-in: the one-time password, a new password, a one-time code enrolled. */
export async function signInFirstTime(page: Page, server: RunningServer, username: string, newPassword: string) {
  const oneTime = server.passwords.get(username);
  expect(oneTime, `the demo password of ${username} on the server console`).toBeTruthy();
  await page.goto(`${server.url}/`);
  const signIn = page.getByTestId('sign-in-form');
  await signIn.locator('input[name=username]').fill(username);
  await signIn.locator('input[name=password]').fill(oneTime!);
  await signIn.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  const password = page.getByTestId('password-form');
  await password.locator('input[name=currentPassword]').fill(oneTime!);
  await password.locator('input[name=newPassword]').fill(newPassword);
  await password.locator('input[name=confirmPassword]').fill(newPassword);
  await password.getByRole('button', { name: 'Đổi mật khẩu' }).click();
  await page.getByTestId('otp-qr').waitFor();
  const key = totpKeyFromSecretText((await page.getByTestId('otp-secret').textContent()) ?? '');
  const { code } = await totpCode(key);
  const enroll = page.getByTestId('enroll-form');
  await enroll.locator('input[name=code]').fill(code);
  await enroll.getByRole('button', { name: 'Xác nhận' }).click();
  await page.getByTestId('recovery-codes-saved').click();
  await page.getByTestId('home-page').waitFor();
}

/** Follows a link of the side navigation by its exact name. */
export const nav = (page: Page, name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true }).click();

// ——— npd-sim beside the dev server (in <dataDir>/npd-sim) ———

/** What npd-sim's control API says about one of its synthetic citizens. */
export interface SampledCitizen {
  SoDinhDanh: string;
  HoVaTen: string;
  /** dd/mm/yyyy */
  NgayThangNamSinh: string;
}

/** A file npd-sim wrote in the server's data directory (ports, control token, the client bundle). */
export const npdSimFile = (server: RunningServer, name: string) => fs.readFileSync(path.join(server.dataDir, 'npd-sim', name), 'utf8');

/** Real synthetic citizens, from npd-sim's control API (plain HTTP on loopback, bearer token). */
export async function sampleNpdCitizens(server: RunningServer, count: number): Promise<SampledCitizen[]> {
  const { controlPort } = JSON.parse(npdSimFile(server, 'ready.json')) as { port: number; controlPort: number };
  const response = await fetch(`http://127.0.0.1:${controlPort}/sample?count=${count}&minAge=20&maxAge=70`, {
    headers: { authorization: `Bearer ${npdSimFile(server, 'control-token').trim()}` },
  });
  expect(response.status).toBe(200);
  const { Items } = (await response.json()) as { Items: SampledCitizen[] };
  expect(Items).toHaveLength(count);
  return Items;
}

/** "15/08/1992" → "1992-08-15", as the date input takes it. */
export const isoDate = (ddmmyyyy: string) => ddmmyyyy.split('/').reverse().join('-');

// ——— Screenshots ———

export async function shot(page: Page, name: string) {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS_DIR, `${name}.png`), fullPage: true });
}

/**
 * The hooks every browser test file needs: one server and one Chromium for the file; a browser or server that does
 * not start fails every test with its message (never a skip); script errors and Content-Security-Policy refusals (the
 * CSP allows no inline script or style) fail the test they happen in.
 */
export function browserSuite(options: { idleMinutes: number; viewport: { width: number; height: number } }) {
  const suite = { server: undefined as unknown as RunningServer, browser: undefined as unknown as Browser, setupError: null as unknown, newPage };
  const pageProblems: string[] = [];

  beforeAll(async () => {
    try {
      suite.browser = await launchBrowser();
      suite.server = await startServer({ idleMinutes: options.idleMinutes });
    } catch (error) {
      suite.setupError = error;
    }
  });
  beforeEach(() => {
    if (suite.setupError) throw suite.setupError;
  });
  afterEach(() => {
    expect(pageProblems.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await suite.browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', viewport: options.viewport });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageProblems.push(`script error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageProblems.push(message.text());
    });
    return { context, page };
  }

  return suite;
}
