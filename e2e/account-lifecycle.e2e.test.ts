import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, shot, totpCode, totpKeyFromSecretText } from './harness.ts';

/** 15 seconds: long enough to work through the pages, short enough to watch the lock happen. */
const IDLE_MINUTES = 0.25;

const suite = browserSuite({ idleMinutes: IDLE_MINUTES, viewport: { width: 1280, height: 860 } });
const { newPage } = suite;

async function signIn(page: Page, username: string, password: string) {
  await page.goto(`${suite.server.url}/`);
  const form = page.getByTestId('sign-in-form');
  await form.locator('input[name=username]').fill(username);
  await form.locator('input[name=password]').fill(password);
  await form.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
}

async function changePassword(page: Page, current: string, next: string) {
  const form = page.getByTestId('password-form');
  await form.locator('input[name=currentPassword]').fill(current);
  await form.locator('input[name=newPassword]').fill(next);
  await form.locator('input[name=confirmPassword]').fill(next);
  await form.getByRole('button', { name: 'Đổi mật khẩu' }).click();
}

/** Enrolls TOTP on the enrollment page as the officer's phone would; returns the key and the step accepted. */
async function enrollOtp(page: Page, screenshotName?: string): Promise<{ key: Uint8Array; step: number }> {
  const qr = page.getByTestId('otp-qr');
  await qr.waitFor();
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;utf8,/);
  // The QR image really renders under the strict CSP (img-src 'self' data:).
  await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  const secretText = (await page.getByTestId('otp-secret').textContent()) ?? '';
  expect(secretText).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
  if (screenshotName) await shot(page, screenshotName);
  const key = totpKeyFromSecretText(secretText);
  const { code, step } = await totpCode(key);
  const form = page.getByTestId('enroll-form');
  await form.locator('input[name=code]').fill(code);
  await form.getByRole('button', { name: 'Xác nhận' }).click();
  return { key, step };
}

describe('R03/R46/R04/R17: a new reception officer changes the one-time password, enrolls a one-time code, and the idle session locks', () => {
  let page: Page;
  let context: BrowserContext;
  const username = 'demo.tiepnhan';
  const newPassword = 'Tiep-Nhan-2025!';
  let otp: { key: Uint8Array; step: number };

  beforeAll(async () => {
    if (!suite.setupError) ({ context, page } = await newPage());
  });
  afterAll(async () => {
    await context?.close();
  });

  it('R03: the sign-in form forbids the browser from filling in or saving the password', async () => {
    await page.goto(`${suite.server.url}/`);
    const form = page.getByTestId('sign-in-form');
    await expect.poll(() => form.getAttribute('autocomplete')).toBe('off');
    expect(await form.locator('input[name=username]').getAttribute('autocomplete')).toBe('off');
    expect(await form.locator('input[name=password]').getAttribute('autocomplete')).toBe('new-password');
    expect(await form.locator('input[name=password]').getAttribute('type')).toBe('password');
    await shot(page, '01-sign-in-vi');
  });

  it('R46: the issued one-time password only opens the password-change page, which refuses a weak password', async () => {
    const oneTime = suite.server.passwords.get(username);
    expect(oneTime, 'the demo password of demo.tiepnhan on the server console').toBeTruthy();
    await signIn(page, username, oneTime!);
    await page.getByTestId('password-change-required').waitFor();

    // No other page opens before the change, in the UI or through the API.
    await page.goto(`${suite.server.url}/accounts`);
    await page.getByTestId('password-form').waitFor();
    expect(await page.getByTestId('accounts-page').count()).toBe(0);
    const apiStatus = await page.evaluate(() => fetch('/api/accounts').then((r) => r.status));
    expect(apiStatus).toBe(403);

    await changePassword(page, oneTime!, 'matkhau123');
    await expect.poll(() => page.getByTestId('error').textContent()).toContain('Mật khẩu phải có chữ hoa');
    await shot(page, '02-password-change-weak-vi');

    await changePassword(page, oneTime!, newPassword);
    await page.getByTestId('otp-qr').waitFor();
  });

  it('R04: the officer enrolls an authenticator app from the QR code and the secret, and gets 10 recovery codes once', async () => {
    otp = await enrollOtp(page, '03-otp-enrollment-vi');
    const codes = page.getByTestId('recovery-codes').locator('li');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    for (const text of await codes.allTextContents()) expect(text).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    await shot(page, '04-recovery-codes-vi');
    await page.getByTestId('recovery-codes-saved').click();
    await page.getByTestId('home-page').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Xin chào, Phạm Thu Trang');
  });

  it('R04/R46: after signing out, the old one-time password is refused; the new password and a fresh code sign in', async () => {
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-form').waitFor();

    await signIn(page, username, suite.server.passwords.get(username)!);
    await expect.poll(() => page.getByTestId('error').textContent()).toContain('Tên đăng nhập hoặc mật khẩu không đúng');

    // The server accepts each 30-second step once: wait for a step after the one used to enroll.
    const { code } = await totpCode(otp.key, otp.step);
    await signIn(page, username, newPassword);
    const otpForm = page.getByTestId('otp-form');
    await otpForm.waitFor();
    await otpForm.locator('input[name=code]').fill(code);
    await otpForm.getByRole('button', { name: 'Xác nhận' }).click();
    await page.getByTestId('home-page').waitFor();
  });

  it('R17/R48: left idle, the page warns with a countdown, then locks, and the server refuses the locked session', async () => {
    const idleSince = Date.now();
    // nothing may ask the server behind an idle officer's back (a refetch on focus or on a timer would restart its idle clock)
    const asked: string[] = [];
    const onRequest = (request: { url: () => string }) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) asked.push(new URL(request.url()).pathname);
    };
    page.on('request', onRequest);
    const warning = page.getByTestId('idle-warning');
    await warning.waitFor({ timeout: 20_000 });
    expect(await warning.textContent()).toMatch(/Phiên làm việc sẽ khóa sau \d+ giây/);
    await shot(page, '05-idle-warning-vi');

    await page.getByTestId('lock-screen').waitFor({ timeout: 20_000 });
    page.off('request', onRequest);
    expect(asked).toEqual([]);
    const lockedAfter = (Date.now() - idleSince) / 1000;
    expect(lockedAfter).toBeLessThanOrEqual(IDLE_MINUTES * 60 + 2);
    expect(await page.getByTestId('lock-screen').textContent()).toContain('Phiên làm việc đã khóa do không hoạt động');
    expect(await page.getByTestId('home-page').count()).toBe(0);
    await shot(page, '06-lock-screen-vi');

    const answer = await page.evaluate(() => fetch('/api/auth/me').then(async (r) => ({ status: r.status, body: await r.json() })));
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('session_idle_locked');

    await page.getByTestId('lock-sign-in').click();
    await page.getByTestId('sign-in-form').waitFor();
    expect(await page.getByTestId('idle-notice').textContent()).toContain('Phiên làm việc đã khóa do không hoạt động');
  });
});

describe('R18/R12/R06: the system administrator issues an account in a commune, finds it without diacritics and locks it', () => {
  let page: Page;
  let context: BrowserContext;
  const username = 'demo.quantri';
  const issued = { username: 'nguyen.thi.lan', fullName: 'Nguyễn Thị Lan', personalId: '019190123456', position: 'Công chức Văn hóa - Xã hội', email: 'lan.nt@thainguyen.gov.vn' };
  let issuedPassword = '';

  beforeAll(async () => {
    if (!suite.setupError) ({ context, page } = await newPage());
  });
  afterAll(async () => {
    await context?.close();
  });

  it('signs in for the first time: new password and one-time code enrollment', async () => {
    const oneTime = suite.server.passwords.get(username)!;
    await signIn(page, username, oneTime);
    await page.getByTestId('password-change-required').waitFor();
    await changePassword(page, oneTime, 'Mot-Cua-Thai-2025!');
    await enrollOtp(page);
    await page.getByTestId('recovery-codes').waitFor();
    await page.getByTestId('recovery-codes-saved').click();
    await page.getByTestId('home-page').waitFor();
    await expect.poll(() => page.getByTestId('province-name').textContent()).toBe('Tỉnh Thái Nguyên');
    await shot(page, '10-home-admin-vi');
  });

  it('shows the unit tree and filters it ignoring diacritics', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Đơn vị' }).click();
    await page.locator('[data-testid=unit-node]').first().waitFor();
    await shot(page, '11-units-vi');
    await page.getByLabel('Lọc theo tên hoặc mã đơn vị').fill('bac kan');
    await expect.poll(() => page.locator('.unit-name', { hasText: 'Phường Bắc Kạn' }).count()).toBe(1);
    await shot(page, '12-units-filtered-vi');

    await page.getByRole('button', { name: 'Thêm đơn vị trực thuộc Phường Bắc Kạn', exact: true }).click();
    const dialog = page.getByTestId('add-unit-dialog');
    await dialog.locator('select[name=kind]').selectOption('desk');
    // the server's own schema checks the form before anything is sent: the mistake shows beside its field
    await dialog.locator('input[name=code]').fill('01843 MC');
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await expect.poll(() => dialog.getByTestId('field-error').allTextContents()).toEqual(['Mã đơn vị: 2–40 ký tự chữ, số, dấu chấm hoặc gạch ngang', 'Tên đơn vị có ít nhất 2 ký tự']);
    await expect.poll(() => dialog.locator('input[name=code]').getAttribute('aria-invalid')).toBe('true');
    await shot(page, '12a-add-unit-invalid-vi');
    await dialog.locator('input[name=code]').fill('01843.MC');
    await dialog.locator('input[name=name]').fill('Bộ phận Một cửa Phường Bắc Kạn');
    await shot(page, '12b-add-unit-vi');
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await expect.poll(() => page.locator('[data-testid=unit-node][data-code="01843.MC"]').count()).toBe(1);
  });

  it('R18: issues an account in a commune and shows the one-time password once', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Tài khoản' }).click();
    await page.getByTestId('accounts-table').waitFor();
    await shot(page, '13-accounts-vi');

    await page.getByTestId('issue-account').click();
    const dialog = page.getByTestId('issue-dialog');
    await dialog.locator('input[name=fullName]').fill(issued.fullName);
    await dialog.locator('input[name=username]').fill(issued.username);
    await dialog.locator('input[name=personalId]').fill(issued.personalId);
    await dialog.locator('input[name=position]').fill(issued.position);
    await dialog.locator('input[name=email]').fill(issued.email);
    const commune = await dialog.locator('select[name=unitId] option', { hasText: /^\s*Phường Bắc Kạn$/ }).getAttribute('value');
    await dialog.locator('select[name=unitId]').selectOption(commune!);
    await shot(page, '14-issue-form-vi');
    await dialog.getByRole('button', { name: 'Cấp tài khoản' }).click();

    const result = page.getByTestId('issued-dialog');
    await result.waitFor();
    issuedPassword = (await result.getByTestId('one-time-password').textContent()) ?? '';
    expect(issuedPassword).toMatch(/^[A-Za-z0-9]{14}$/);
    expect(await result.textContent()).toContain('Giao trực tiếp cho cán bộ');
    await shot(page, '15-issued-vi');
    await result.getByRole('button', { name: 'Đóng' }).click();
  });

  it('finds the account by its name typed without diacritics', async () => {
    await page.getByTestId('account-search').fill('nguyen thi lan');
    const rows = page.getByTestId('account-row');
    await expect.poll(async () => (await rows.count()) === 1 && (await rows.first().getAttribute('data-username'))).toBe(issued.username);
    await shot(page, '16-accounts-search-vi');
    await rows.first().getByRole('link', { name: issued.fullName }).click();
    await page.getByTestId('account-page').waitFor();
    expect(await page.getByTestId('account-facts').textContent()).toContain('Phường Bắc Kạn');
    await shot(page, '17-account-vi');
  });

  it('R18: grants the reception role at the account’s commune through the role form', async () => {
    const form = page.getByTestId('grant-form');
    await form.locator('select[name=role]').selectOption('reception_officer');
    await form.getByRole('button', { name: 'Giao vai trò' }).click();
    // in the table of grants (the role's name is also an option of the form's select)
    await expect.poll(() => page.getByTestId('roles-table').getByText('Cán bộ tiếp nhận (Một cửa)').count()).toBe(1);
    // R01: the administrator role on top of a desk role is flagged before it is granted, and the flag goes with it
    expect(await form.getByTestId('duties-warning').count()).toBe(0);
    await form.locator('select[name=role]').selectOption('system_admin');
    await expect.poll(() => form.getByTestId('duties-warning').textContent()).toContain('Tách bạch nhiệm vụ');
    await shot(page, '17b-duties-warning-vi');
    await form.locator('select[name=role]').selectOption('');
    await expect.poll(() => form.getByTestId('duties-warning').count()).toBe(0);
  });

  it('R06: locks the account with a reason; the officer can no longer sign in', async () => {
    await page.getByRole('button', { name: 'Khóa tài khoản' }).click();
    const dialog = page.getByTestId('confirm-dialog');
    const confirm = dialog.getByTestId('confirm-button');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.locator('textarea[name=reason]').fill('Cán bộ nghỉ phép dài hạn');
    expect(await confirm.isDisabled()).toBe(false);
    await shot(page, '18-lock-dialog-vi');
    await confirm.click();
    await page.getByTestId('action-done').waitFor();
    expect(await page.locator('h1 [data-testid=status-badge]').getAttribute('data-status')).toBe('locked');
    expect(await page.getByTestId('status-reason').textContent()).toContain('Cán bộ nghỉ phép dài hạn');
    await shot(page, '19-account-locked-vi');

    const refused = await fetch(`${suite.server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: issued.username, password: issuedPassword }),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('account_locked');
  });

  it('switches to English and remembers the choice', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Lock account' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Unlock' }).count()).toBe(1);
    await shot(page, '20-account-locked-en');
    await page.reload();
    await page.getByTestId('account-page').waitFor();
    expect(await page.getByRole('navigation').textContent()).toContain('Accounts');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');

    await page.getByRole('navigation').getByRole('link', { name: 'Accounts' }).click();
    await page.getByTestId('accounts-table').waitFor();
    await shot(page, '21-accounts-en');
    await page.getByRole('navigation').getByRole('link', { name: 'Units' }).click();
    await page.locator('[data-testid=unit-node]').first().waitFor();
    await shot(page, '22-units-en');
    await page.getByRole('navigation').getByRole('link', { name: 'Sessions' }).click();
    await page.getByTestId('sessions-table').waitFor();
    await shot(page, '23-sessions-en');
    await page.getByRole('navigation').getByRole('link', { name: 'Home' }).click();
    await page.getByTestId('home-page').waitFor();
    await shot(page, '24-home-en');
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Phiên đăng nhập' }).click();
    await page.getByTestId('sessions-table').waitFor();
    await shot(page, '25-sessions-vi');
  });

  it('R25: the journal page shows the signed checkpoint and the account issued, with its inclusion proof', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Nhật ký hệ thống' }).click();
    await page.getByTestId('journal-table').waitFor();
    await page.getByTestId('journal-checkpoint').waitFor();
    const issuedRow = page.locator('[data-testid=journal-row][data-type="account.issue"]').first();
    expect(await issuedRow.textContent()).toContain('Cấp tài khoản');
    await shot(page, '26-journal-vi');
    await issuedRow.click();
    const status = page.getByTestId('journal-entry-dialog').getByTestId('inclusion-status');
    await status.waitFor();
    expect(await status.textContent()).toMatch(/Đã đưa vào cây Merkle tại vị trí \d+|Chưa được đưa vào cây/);
    await shot(page, '27-journal-entry-vi');
    await page.getByTestId('journal-entry-dialog').getByRole('button', { name: 'Đóng' }).click();
  });

  it('R25: the journal is searched by actor, event type, unit and a citizen’s ID (never in the address bar) and the selection exports with its proofs', async () => {
    // The status card: no witness in this run, so nothing fails closed yet.
    expect(await page.getByTestId('witness-status').getAttribute('data-state')).toBe('none');
    expect(await page.getByTestId('fail-closed-banner').count()).toBe(0);

    // Names instead of ids.
    const issuedRow = page.locator('[data-testid=journal-row][data-type="account.issue"]').first();
    expect(await issuedRow.getByTestId('journal-actor-cell').textContent()).toContain('Trần Minh Quân');
    expect(await issuedRow.getByTestId('journal-actor-cell').textContent()).toContain(username);
    expect(await issuedRow.getByTestId('journal-unit-cell').textContent()).toContain('Bắc Kạn');

    const rows = page.getByTestId('journal-row');
    const types = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-type')));
    /** Filters, and waits until the table shows the answer to the search that has `param` (e.g. "unitId=…"). */
    const apply = async (param: string) => {
      const answered = page.waitForResponse((r) => r.url().includes('/api/journal/entries?') && r.url().includes(param));
      await page.getByTestId('journal-apply').click();
      await answered;
      await expect.poll(() => page.locator('[data-testid=journal-page] section[aria-busy=true]').count()).toBe(0);
    };

    // The actor, typed without diacritics and picked with the keyboard; one event type.
    const actor = page.getByTestId('journal-actor');
    await actor.fill('tran minh quan');
    await page.getByTestId('journal-actor-option').first().waitFor();
    await actor.press('Enter');
    await expect.poll(() => actor.inputValue()).toBe(`Trần Minh Quân (${username})`);
    await page.getByTestId('journal-type').selectOption('account.issue');
    await apply('type=account.issue');
    expect(await types()).toEqual(['account.issue']);
    await shot(page, '28-journal-filtered-vi');

    // The unit: entries about the commune or by its officers (its name shows on every row).
    await page.getByTestId('journal-clear').click();
    const unitSelect = page.getByTestId('journal-filters').locator('select[name=unitId]');
    const commune = await unitSelect.locator('option', { hasText: /^\s*Phường Bắc Kạn$/ }).getAttribute('value');
    await unitSelect.selectOption(commune!);
    await apply(`unitId=${commune}`);
    expect(await types()).toEqual(expect.arrayContaining(['account.lock', 'account.issue']));
    expect(await rows.evaluateAll((trs) => trs.filter((tr) => !tr.textContent?.includes('Bắc Kạn')).length)).toBe(0);

    // A citizen's personal ID: 12 digits, sent to the API only, never in the page's address or history.
    await page.getByTestId('journal-clear').click();
    const citizen = page.getByTestId('journal-citizen');
    await citizen.fill('12345');
    expect(await page.getByTestId('journal-apply').isDisabled()).toBe(true);
    await citizen.fill('001234567890');
    await apply('citizenId=001234567890');
    await page.getByTestId('journal-empty').waitFor();
    // The issued officer's personal ID is on the entry of the account's issue, as a keyed hash.
    await citizen.fill(issued.personalId);
    await apply(`citizenId=${issued.personalId}`);
    expect(await types()).toContain('account.issue');
    expect(await page.locator('[data-testid=journal-row][data-type="account.issue"] [data-testid=citizens-badge]').count()).toBeGreaterThan(0);
    expect(page.url()).not.toContain(issued.personalId);
    expect(await page.evaluate(() => location.href + JSON.stringify(history.state))).not.toContain(issued.personalId);
    expect(await page.content()).not.toContain(`citizenId=${issued.personalId}`);

    // Export of the selection: a JSON bundle with the matching entries, verified offline with the CLI.
    await page.getByTestId('journal-clear').click();
    await page.getByTestId('journal-type').selectOption('account.issue');
    await apply('type=account.issue');
    expect(new Set(await types())).toEqual(new Set(['account.issue']));
    expect((await types()).length).toBeGreaterThan(1);
    expect(await page.getByTestId('journal-filters').textContent()).toContain('npx motcua journal verify-export');
    const download = page.waitForEvent('download');
    await page.getByTestId('journal-export').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.json$/);
    const bundle = await fs.promises.readFile((await file.path())!, 'utf8');
    expect(JSON.parse(bundle)).toBeTruthy();
    expect(bundle).toContain('account.issue');
    expect(bundle).not.toContain('"auth.sign_in"');
    await page.getByTestId('export-done').waitFor();
    await shot(page, '29-journal-export-vi');
    await page.getByTestId('journal-clear').click();
  });
});
