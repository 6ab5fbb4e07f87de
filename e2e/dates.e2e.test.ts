import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, nav, shot, signInFirstTime, startServer, type RunningServer } from './harness.ts';

// Issue 15 item 5: a date of birth is typed day first, as Vietnamese papers write it, even in a browser whose language
// writes the month first and whose clock is far from Vietnam's (a native date input would read 07/20/1965 there).

const applicant = { personalId: '019065001234', fullName: 'Lê Văn Hải' };

describe('Issue 15: dates that cannot be swapped, in an English-language browser on Pacific time', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageProblems: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--lang=en-US'] });
    server = await startServer({ idleMinutes: 10 });
    context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/Los_Angeles', viewport: { width: 1360, height: 900 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('pageerror', (error) => pageProblems.push(`script error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageProblems.push(message.text());
    });
  });
  afterEach(() => {
    expect(pageProblems.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  const birthDate = () => page.locator('input[name=applicantBirthDate]');
  /** The text a screen reader gives with the field: its hint and its error, by aria-describedby. */
  const descriptionOf = (input: Locator) =>
    input.evaluate((el) =>
      (el.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' '),
    );

  it('the browser really is English on Pacific time: the one-stop desk opens its reception form', async () => {
    expect(await page.evaluate(() => [navigator.language, Intl.DateTimeFormat().resolvedOptions().timeZone])).toEqual(['en-US', 'America/Los_Angeles']);
    await signInFirstTime(page, server, 'demo.tiepnhan', 'Tiep-Nhan-2025!');
    await nav(page, 'Tiếp nhận hồ sơ');
    await page.getByTestId('procedure-option').first().waitFor();
    await page.getByTestId('procedure-search').fill('1.001193');
    await expect.poll(() => page.getByTestId('procedure-option').count()).toBe(1);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('reception-form').waitFor();
    expect(await birthDate().getAttribute('type')).toBe('text');
    expect(await birthDate().getAttribute('placeholder')).toBe('dd/mm/yyyy');
  });

  it('should not accept 31/02/2024: the error beside "Ngày sinh" names the day that does not exist, and nothing is sent', async () => {
    const form = page.getByTestId('reception-form');
    await form.locator('input[name=applicantPersonalId]').fill(applicant.personalId);
    await form.locator('input[name=applicantFullName]').fill(applicant.fullName);
    await birthDate().click();
    await page.keyboard.type('31/02/2024');
    await page.keyboard.press('Tab');
    const message = 'Không có ngày 31/02/2024: tháng 2 năm 2024 có 29 ngày';
    await expect.poll(() => descriptionOf(birthDate())).toContain(message);
    expect(await birthDate().getAttribute('aria-invalid')).toBe('true');
    // the error is the one of the field labelled "Ngày sinh"
    expect(await page.getByLabel('Ngày sinh', { exact: false }).first().getAttribute('name')).toBe('applicantBirthDate');
    const frame = page.locator('.field', { has: birthDate() });
    expect(await frame.locator('label').textContent()).toContain('Ngày sinh');
    expect(await frame.getByTestId('field-error').textContent()).toBe(message);

    let sent = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/dossiers') sent++;
    });
    await birthDate().press('Control+Enter');
    await expect.poll(() => page.getByTestId('reception-problems').textContent()).toContain(`Người nộp hồ sơ: ${message}`);
    expect(sent).toBe(0);
  });

  it('a birth date typed as 20071965 in an English-locale browser is 20 July 1965: shown 20/07/1965, sent as 1965-07-20', async () => {
    await birthDate().fill('');
    await birthDate().pressSequentially('20071965');
    await page.keyboard.press('Tab');
    expect(await birthDate().inputValue()).toBe('20/07/1965');
    await expect.poll(() => page.locator('.field', { has: birthDate() }).getByTestId('field-error').count()).toBe(0);

    const papers = page.locator('[data-testid=paper][data-required=true]');
    for (let i = 0; i < (await papers.count()); i++) await papers.nth(i).check();
    const request = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/dossiers');
    await birthDate().press('Control+Enter');
    const body = (await request).postDataJSON() as { applicant: { birthDate: string } };
    expect(body.applicant.birthDate).toBe('1965-07-20');
    await page.getByTestId('reception-done').waitFor();
  });

  it('the calendar opens on July 1965 in Vietnamese, Monday first, no day after today, and Escape returns to its button', async () => {
    await page.getByTestId('reception-next').click();
    await page.getByTestId('procedure-search').fill('1.001193');
    await expect.poll(() => page.getByTestId('procedure-option').count()).toBe(1);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('reception-form').waitFor();
    await birthDate().fill('20/7/1965');

    const button = page.locator('.field', { has: birthDate() }).getByRole('button', { name: 'Chọn ngày trên lịch' });
    await button.click();
    const calendar = page.getByRole('dialog', { name: 'Lịch chọn ngày' });
    await calendar.waitFor();
    expect(await calendar.getByRole('grid').getAttribute('aria-label')).toBe('tháng 7 năm 1965');
    expect(await calendar.locator('th[scope=col]').evaluateAll((ths) => ths.map((th) => th.getAttribute('aria-label')))).toEqual(['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ Nhật']);
    // the chosen day has the focus: the arrows move from it
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('td')?.getAttribute('data-day'))).toBe('1965-07-20');
    await shot(page, 'date-picker');

    await page.keyboard.press('Escape');
    await expect.poll(() => calendar.count()).toBe(0);
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);

    // from the keyboard: the next day, Enter
    await page.keyboard.press('Enter');
    await calendar.waitFor();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await expect.poll(() => calendar.count()).toBe(0);
    expect(await birthDate().inputValue()).toBe('21/07/1965');

    // today is the latest day of birth: tomorrow cannot be chosen
    await birthDate().fill('');
    await button.click();
    await calendar.waitFor();
    const days = await calendar.locator('td[data-day]').evaluateAll((cells) => cells.map((c) => ({ day: c.getAttribute('data-day')!, disabled: c.hasAttribute('data-disabled') })));
    const today = await page.evaluate(() => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10));
    expect(days.filter((d) => d.day > today).every((d) => d.disabled)).toBe(true);
    expect(days.find((d) => d.day === today)?.disabled).toBe(false);
    await page.keyboard.press('Escape');
  });

  it('in English, the calendar names English months and weekdays, and the date is still typed day first', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await birthDate().fill('02071965');
    await page.keyboard.press('Tab');
    expect(await birthDate().inputValue()).toBe('02/07/1965');
    await page.locator('.field', { has: birthDate() }).getByRole('button', { name: 'Choose the date on a calendar' }).click();
    const calendar = page.getByRole('dialog', { name: 'Calendar to choose a date' });
    await calendar.waitFor();
    expect(await calendar.getByRole('grid').getAttribute('aria-label')).toBe('July 1965');
    await shot(page, 'date-picker-en');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  });
});
