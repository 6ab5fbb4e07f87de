import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, isoDate, nav, npdSimFile, sampleNpdCitizens, shot, signInFirstTime, type SampledCitizen } from './harness.ts';

const suite = browserSuite({ idleMinutes: 10, viewport: { width: 1360, height: 900 } });
const { newPage } = suite;

const simFile = (name: string) => npdSimFile(suite.server, name);
const sampleCitizens = (count: number) => sampleNpdCitizens(suite.server, count);

/** The fields procedure 1.001193 (birth registration) declares in src/modules/procedures/suggested-versions.ts. */
const BIRTH_REGISTRATION_FIELDS = ['ho_ten', 'so_dinh_danh', 'ngay_sinh', 'gioi_tinh', 'quoc_tich', 'dan_toc', 'que_quan', 'noi_thuong_tru', 'noi_tam_tru', 'noi_o_hien_tai', 'tinh_trang_hon_nhan', 'vo_chong'];

describe('Issue 5: the desk looks up the applicant from within a dossier, the security officer suspends and lifts it, the journal shows every attempt', () => {
  let desk: Page;
  let deskContext: BrowserContext;
  let security: Page;
  let securityContext: BrowserContext;
  let applicant: SampledCitizen;
  let father: SampledCitizen;
  let code = '';
  let dossierUrl = '';
  let dossierId = '';
  const reason = 'Nghi tài khoản bị lộ mật khẩu, kiểm tra máy trạm Một cửa';
  /** Every page's HTML and every answer the browser received, for the R34 canary at the end. */
  const seen: string[] = [];
  const remember = async (page: Page) => seen.push(await page.content());

  beforeAll(async () => {
    if (suite.setupError) return;
    ({ context: deskContext, page: desk } = await newPage());
    ({ context: securityContext, page: security } = await newPage());
    for (const page of [desk, security]) {
      page.on('response', (response) => {
        const type = response.headers()['content-type'] ?? '';
        if (/json|html|text|javascript/.test(type)) void response.text().then((body) => seen.push(body), () => {});
      });
    }
  });
  afterAll(async () => {
    await deskContext?.close();
    await securityContext?.close();
  });

  const lookups = () => desk.getByTestId('dossier-lookups');
  const applicantRow = () => lookups().locator(`[data-testid=lookup-person][data-personal-id="${applicant.SoDinhDanh}"]`);
  /** Clicks "Xác thực thông tin" for the applicant and waits until the lookup has an answer (a result or an error). */
  async function verifyApplicant() {
    const historyBefore = await lookups().getByTestId('lookup-row').count();
    await applicantRow().getByTestId('lookup-verify').click();
    await lookups().locator('[data-testid=lookup-result], [data-testid=lookup-error]').first().waitFor();
    await expect.poll(() => applicantRow().getByTestId('lookup-verify').isEnabled()).toBe(true);
    return historyBefore;
  }

  it('the desk receives a birth registration for two real synthetic citizens of npd-sim', async () => {
    const sampled = await sampleCitizens(2);
    applicant = sampled[0]!;
    father = sampled[1]!;
    for (const c of [applicant, father]) {
      expect(c.SoDinhDanh).toMatch(/^\d{12}$/);
      expect(c.NgayThangNamSinh).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    }

    await signInFirstTime(desk, suite.server, 'demo.tiepnhan', 'Tiep-Nhan-2025!');
    await nav(desk, 'Tiếp nhận hồ sơ');
    await desk.getByTestId('reception-page').waitFor();
    await desk.getByTestId('procedure-option').first().waitFor();
    await desk.getByTestId('procedure-search').fill('1.001193');
    await expect.poll(() => desk.getByTestId('procedure-option').count()).toBe(1);
    await desk.keyboard.press('ArrowDown');
    await desk.keyboard.press('Enter');
    const form = desk.getByTestId('reception-form');
    await form.waitFor();
    await form.locator('input[name=applicantPersonalId]').fill(applicant.SoDinhDanh);
    await form.locator('input[name=applicantFullName]').fill(applicant.HoVaTen);
    await form.locator('input[name=applicantBirthDate]').fill(isoDate(applicant.NgayThangNamSinh));
    await form.locator('input[name=applicantPhone]').fill('0912 345 678');
    await form.locator('input[name=applicantAddress]').fill('Tổ 7, phường Đức Xuân');
    // The father's row (the first one the birth registration prepares); the mother's stays empty.
    expect(await form.getByTestId('person-row').first().getAttribute('data-relation')).toBe('Cha');
    await form.locator('input[name=personalId-0]').fill(father.SoDinhDanh);
    await form.locator('input[name=fullName-0]').fill(father.HoVaTen);
    await form.locator('input[name=birthDate-0]').fill(isoDate(father.NgayThangNamSinh));
    const papers = desk.locator('[data-testid=paper][data-required=true]');
    for (let i = 0; i < (await papers.count()); i++) await papers.nth(i).check();
    expect(await form.getByTestId('field-error').count()).toBe(0);
    await desk.locator('input[name=applicantAddress]').press('Control+Enter');
    const done = desk.getByTestId('reception-done');
    await done.waitFor();
    code = (await done.getByTestId('dossier-code').textContent()) ?? '';
    expect(code).toMatch(/^01840\.MC-\d{6}-\d{4}$/);
    await remember(desk);

    await done.getByTestId('reception-open').click();
    await desk.getByTestId('dossier-page').waitFor();
    dossierUrl = desk.url();
    dossierId = new URL(dossierUrl).pathname.split('/').pop()!;
    expect(dossierId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await desk.getByTestId('dossier-persons').textContent()).toContain(father.HoVaTen);
  });

  it('R01/R24: "Xác thực thông tin" for the applicant matches, shows only the declared fields, and the history records it', async () => {
    const panel = lookups();
    // Loaded: the panel says whether this officer may look up here.
    await expect.poll(() => panel.getAttribute('data-may-look-up')).toBe('true');
    // The purpose and the fields the procedure declares; religion is not one of them.
    expect(await panel.getByTestId('lookup-purpose').textContent()).toContain('Đăng ký khai sinh');
    const declared = await panel.getByTestId('lookup-declared-fields').locator('li').evaluateAll((li) => li.map((x) => x.getAttribute('data-field')));
    expect(declared.sort()).toEqual([...BIRTH_REGISTRATION_FIELDS].sort());
    // Both citizens of the dossier can be looked up; nobody else is offered.
    expect(await panel.getByTestId('lookup-person').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-personal-id')))).toEqual([applicant.SoDinhDanh, father.SoDinhDanh]);
    expect(await panel.getByTestId('lookup-row').count()).toBe(0);

    await verifyApplicant();
    const result = panel.getByTestId('lookup-result');
    await result.waitFor();
    expect(await result.getAttribute('data-outcome')).toBe('matched');
    expect(await result.getByTestId('lookup-outcome').textContent()).toBe('Khớp thông tin');
    expect(await result.textContent()).toContain(applicant.HoVaTen);
    // Only declared fields came back (R24): at least the identity, never religion or blood type.
    const returned = await result.getByTestId('lookup-fields').locator('[data-field]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')!));
    expect(returned.length).toBeGreaterThan(0);
    expect(returned).toEqual(expect.arrayContaining(['ho_ten', 'so_dinh_danh', 'ngay_sinh']));
    for (const field of returned) expect(BIRTH_REGISTRATION_FIELDS).toContain(field);
    expect(returned).not.toContain('ton_giao');
    expect(returned).not.toContain('nhom_mau');
    expect(await panel.textContent()).not.toContain('Tôn giáo');
    expect(await result.getByTestId('lookup-fields').textContent()).toContain(applicant.SoDinhDanh);

    // The history: one lookup, by this officer, matched, with the names of the fields returned (not their values).
    await expect.poll(() => panel.getByTestId('lookup-row').count()).toBe(1);
    const row = panel.getByTestId('lookup-row').first();
    expect(await row.getAttribute('data-service')).toBe('verify');
    expect(await row.getAttribute('data-outcome')).toBe('matched');
    const rowText = (await row.textContent()) ?? '';
    for (const text of ['Phạm Thu Trang', 'demo.tiepnhan', applicant.HoVaTen, 'Xác thực thông tin', 'Khớp thông tin']) expect(rowText).toContain(text);
    expect(rowText).not.toContain(applicant.SoDinhDanh);
    await remember(desk);
    await result.scrollIntoViewIfNeeded();
    await shot(desk, 'lookups-01-matched-vi');
  });

  it('R43: the security officer suspends lookups for the desk officer’s account, with a reason', async () => {
    await signInFirstTime(security, suite.server, 'demo.antoan', 'An-Toan-2025!');
    await nav(security, 'Tạm dừng tra cứu');
    await security.getByTestId('npd-suspensions-page').waitFor();
    await expect.poll(() => security.getByTestId('npd-state').getAttribute('data-state')).toBe('ok');

    const form = security.getByTestId('npd-suspend-form');
    await form.getByTestId('suspend-scope-account').check();
    // The account picker: part of the name, without diacritics.
    await form.getByTestId('suspend-account').fill('pham thu trang');
    const option = form.getByTestId('suspend-account-option').filter({ hasText: 'demo.tiepnhan' });
    await option.first().waitFor();
    await expect.poll(() => form.getByTestId('suspend-account-option').count()).toBe(1);
    await option.click();
    await expect.poll(() => form.getByTestId('suspend-account').getAttribute('data-selected')).toMatch(/^[0-9a-f-]{36}$/);
    await form.getByTestId('suspend-reason').fill(reason);
    await form.getByTestId('suspend-submit').click();
    const confirm = security.getByTestId('suspend-confirm-dialog');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('Phạm Thu Trang');
    await confirm.getByTestId('confirm-button').click();
    await security.getByTestId('suspension-notice').waitFor();
    await expect.poll(() => security.getByTestId('npd-state').getAttribute('data-state')).toBe('stopped');
    expect(await security.getByTestId('npd-state-suspended').textContent()).toContain(reason);
    const active = security.locator('[data-testid=suspension-row][data-active=true]');
    await expect.poll(() => active.count()).toBe(1);
    expect(await active.getAttribute('data-scope')).toBe('account');
    expect(await active.textContent()).toContain('demo.tiepnhan');
    await remember(security);
    await shot(security, 'lookups-02-suspended-page-vi');
  });

  it('the desk’s next lookup is refused with the Vietnamese explanation and the reason; nothing else stops', async () => {
    await desk.goto(dossierUrl);
    await desk.getByTestId('dossier-page').waitFor();
    await applicantRow().waitFor();
    const before = await verifyApplicant();
    const error = lookups().getByTestId('lookup-error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('npd_suspended');
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('Chưa tra cứu được');
    expect(text).toContain('Tra cứu CSDLQG về dân cư đang bị tạm dừng (phạm vi: tài khoản)');
    expect(text).toContain(`Lý do: ${reason}`);
    expect(await lookups().getByTestId('lookup-result').count()).toBe(0);
    // The banner tells the officer at once, on every page.
    const banner = desk.getByTestId('npd-suspended-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('data-scope')).toBe('account');
    expect(await banner.textContent()).toContain(reason);
    // A refused lookup is journaled, not recorded as a lookup: the history is unchanged.
    expect(await lookups().getByTestId('lookup-row').count()).toBe(before);
    // Everything else keeps working: the dossier's actions are still offered.
    expect(await desk.getByTestId('dossier-actions').locator('button').count()).toBeGreaterThan(0);
    await remember(desk);
    await shot(desk, 'lookups-03-refused-suspended-vi');
  });

  it('the security officer lifts the suspension; the desk’s lookup works again', async () => {
    const active = security.locator('[data-testid=suspension-row][data-active=true]');
    await active.getByTestId('suspension-lift').click();
    const dialog = security.getByTestId('suspension-lift-dialog');
    await dialog.waitFor();
    await dialog.locator('textarea[name=reason]').fill('Đã kiểm tra máy trạm, đổi mật khẩu');
    await dialog.getByTestId('confirm-button').click();
    await expect.poll(() => security.getByTestId('suspension-notice').textContent()).toContain('Phạm Thu Trang');
    await expect.poll(() => security.getByTestId('npd-state').getAttribute('data-state')).toBe('ok');
    expect(await active.count()).toBe(0);
    expect(await security.locator('[data-testid=suspension-row][data-active=false]').count()).toBe(1);
    await remember(security);

    await desk.reload();
    await desk.getByTestId('dossier-page').waitFor();
    await applicantRow().waitFor();
    await verifyApplicant();
    const result = lookups().getByTestId('lookup-result');
    await result.waitFor();
    expect(await result.getAttribute('data-outcome')).toBe('matched');
    expect(await lookups().getByTestId('lookup-error').count()).toBe(0);
    await expect.poll(() => lookups().locator('[data-testid=lookup-row][data-outcome=matched]').count()).toBe(2);
    expect(await desk.getByTestId('npd-suspended-banner').count()).toBe(0);
    await remember(desk);
  });

  it('R36: the security officer finds the start, completion and refusal of these lookups in the journal, by the citizen’s personal ID', async () => {
    await nav(security, 'Nhật ký hệ thống');
    await security.getByTestId('journal-page').waitFor();
    const filters = security.getByTestId('journal-filters');
    await filters.getByTestId('journal-citizen').fill(applicant.SoDinhDanh);
    await filters.getByTestId('journal-target').fill(dossierId);
    await filters.getByTestId('journal-apply').click();
    const types = () => security.getByTestId('journal-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
    // Two lookups started and completed, one refused (the suspension), all about this dossier and this citizen.
    await expect.poll(async () => (await types()).filter((t) => t?.startsWith('npd.lookup.')).sort()).toEqual([
      'npd.lookup.complete',
      'npd.lookup.complete',
      'npd.lookup.refused',
      'npd.lookup.start',
      'npd.lookup.start',
    ]);
    const refused = security.locator('[data-testid=journal-row][data-type="npd.lookup.refused"]');
    expect(await refused.textContent()).toContain('npd_suspended');
    expect(await refused.getByTestId('journal-actor-cell').textContent()).toContain('Phạm Thu Trang');
    await shot(security, 'lookups-04-journal-citizen-vi');

    // By event type: the write-ahead record of the first lookup, and what it carried.
    await filters.getByTestId('journal-type').selectOption('npd.lookup.start');
    await filters.getByTestId('journal-apply').click();
    await expect.poll(() => types()).toEqual(['npd.lookup.start', 'npd.lookup.start']);
    const start = security.getByTestId('journal-row').last();
    expect(await start.getByTestId('journal-actor-cell').textContent()).toContain('Phạm Thu Trang');
    expect(await start.getByTestId('citizens-badge').count()).toBe(1);
    await start.click();
    const dialog = security.getByTestId('journal-entry-dialog');
    await dialog.waitFor();
    const details = (await dialog.getByTestId('entry-details').textContent()) ?? '';
    expect(details).toContain('1.001193');
    expect(details).toContain('verify');
    expect(details).toContain('applicant');
    // The journal holds the citizen as a keyed hash, never the personal ID itself.
    expect(await dialog.textContent()).not.toContain(applicant.SoDinhDanh);
    await remember(security);
    await shot(security, 'lookups-05-journal-entry-vi');
    await dialog.getByRole('button', { name: 'Đóng' }).first().click();

    await filters.getByTestId('journal-type').selectOption('npd.lookup.complete');
    await filters.getByTestId('journal-apply').click();
    await expect.poll(() => types()).toEqual(['npd.lookup.complete', 'npd.lookup.complete']);
    await remember(security);
  });

  it('R34 canary: npd-sim’s credential password and client key appear nowhere: not on the console, not in any page or answer', async () => {
    const { password } = JSON.parse(simFile('client/credential.json')) as { password: string };
    expect(password.length).toBeGreaterThanOrEqual(8);
    const keyLines = simFile('client/client-key.pem')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length >= 16 && !l.startsWith('-----'));
    expect(keyLines.length).toBeGreaterThan(0);
    // Wait for the response bodies still being read.
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.length).toBeGreaterThan(10);
    const haystacks = [{ where: 'the server console', text: suite.server.output() }, ...seen.map((text, i) => ({ where: `page or answer #${i}`, text }))];
    for (const { where, text } of haystacks) {
      expect(text.includes(password), `the credential password in ${where}`).toBe(false);
      for (const line of keyLines) expect(text.includes(line), `a line of the client key in ${where}`).toBe(false);
    }
  });
});
