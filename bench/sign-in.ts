/**
 * Sign-in throughput: the full two-step sign-in (password, then TOTP) through the real app and database,
 * against the machine's ceiling for the one unavoidable cost, an argon2id verification.
 * Run: npx tsx bench/sign-in.ts   (PGlite; set DATABASE_URL for PostgreSQL)
 */
import os from 'node:os';
import { eq } from 'drizzle-orm';
import { hashPassword, verifyPassword } from '../src/modules/accounts/passwords.ts';
import { insertAccount, insertGrant } from '../src/modules/accounts/accounts.service.ts';
import { accounts } from '../src/modules/accounts/accounts.tables.ts';
import { newTotpKey, totpCode, totpKeyToStorage, totpStep } from '../src/modules/auth/totp.ts';
import { importProvince } from '../src/modules/units/units.service.ts';
import { buildApp } from '../src/app.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { Keys } from '../src/platform/crypto.ts';
import { migrate, openPglite, openPostgres } from '../src/platform/db.ts';
import { systemInTx } from '../src/system.ts';

const ROUNDS = 5;
const SIGN_INS = 60;
const CONCURRENCY = 4;
const PASSWORD = 'Sông-Cầu-mùa-thu-2026';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const database = process.env.DATABASE_URL ? await openPostgres(process.env.DATABASE_URL) : await openPglite();
await migrate(database);
const clock = new ManualClock();
const config = loadConfig({ NODE_ENV: 'test', MOTCUA_LOCKOUT_THRESHOLD: '1000000', MOTCUA_ADDRESS_FAILURE_LIMIT: '1000000' });
const keys = Keys.random();
const inTx = systemInTx(database, config, keys, clock);
const province = await inTx((ctx) => importProvince(ctx.tx, config.provinceCode, clock.now()));
const officers = await inTx(async (ctx) => {
  const made = [];
  for (let i = 0; i < SIGN_INS; i++) {
    const a = await insertAccount(ctx, { username: `bench.${Date.now()}.${i}`, fullName: `Cán bộ ${i}`, personalId: `0191850${String(10000 + i).padStart(5, '0')}`, position: '', email: '', phone: '', unitId: province.id, password: PASSWORD, mustChangePassword: false });
    await insertGrant(ctx, a.id, 'leader', province.id);
    const key = newTotpKey();
    await ctx.tx.update(accounts).set({ otpSecret: keys.seal(totpKeyToStorage(key), `otp:${a.id}`), otpEnabledAt: clock.now() }).where(eq(accounts.id, a.id));
    made.push({ username: a.username, key });
  }
  return made;
});
const app = await buildApp({ config, database, keys, clock });

async function signIn(o: { username: string; key: Uint8Array }, i: number) {
  const remoteAddress = `10.0.${i % 250}.1`;
  const first = await app.inject({ method: 'POST', url: '/api/auth/sign-in', remoteAddress, payload: { username: o.username, password: PASSWORD } });
  const cookie = first.cookies.find((c) => c.name === 'motcua_session')!.value;
  const me = await app.inject({ method: 'GET', url: '/api/auth/me', remoteAddress, headers: { cookie: `motcua_session=${cookie}` } });
  const second = await app.inject({
    method: 'POST',
    url: '/api/auth/otp',
    remoteAddress,
    headers: { cookie: `motcua_session=${cookie}`, 'x-csrf-token': me.json().csrfToken },
    payload: { code: totpCode(o.key, totpStep(clock.now())) },
  });
  if (second.json().stage !== 'full') throw new Error(second.body);
}

const hash = await hashPassword(PASSWORD);
const ceilings: number[] = [];
const rates: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  let t = performance.now();
  for (let i = 0; i < 20; i++) await verifyPassword(hash, PASSWORD);
  ceilings.push(20 / ((performance.now() - t) / 1000));
  clock.advance(30_000); // a fresh TOTP step: each officer's code is new this round
  t = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < officers.length) {
      const i = next++;
      await signIn(officers[i]!, i);
    }
  }));
  rates.push(officers.length / ((performance.now() - t) / 1000));
}
const ceiling = median(ceilings);
const rate = median(rates);
console.log(`machine: ${os.cpus().length} cores, ${database.kind}`);
console.log(`argon2id verify (ceiling, one core): median ${ceiling.toFixed(1)}/s`);
console.log(`full sign-in (password + TOTP, ${CONCURRENCY} concurrent): median ${rate.toFixed(1)}/s  = ${(rate / ceiling).toFixed(2)} × ceiling`);
await app.close();
await database.close();
