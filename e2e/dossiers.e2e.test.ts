import fs from 'node:fs/promises';
import { PDFDocument } from 'pdf-lib';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, nav, shot, signInFirstTime } from './harness.ts';

const suite = browserSuite({ idleMinutes: 10, viewport: { width: 1360, height: 900 } });
const { newPage } = suite;

/** Opens an action's dialog on the dossier page, fills what it asks and confirms. */
async function act(page: Page, action: string, fill?: (dialog: ReturnType<Page['getByTestId']>) => Promise<void>) {
  await page.getByTestId(`action-${action}`).click();
  const dialog = page.getByTestId('action-dialog');
  await dialog.waitFor();
  await fill?.(dialog);
  await dialog.getByTestId('action-confirm').click();
  await page.getByTestId('action-done').waitFor();
}

/** A one-page PDF and a small PNG, as a scanner makes them. */
async function scannedPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.addPage([420, 595]).drawText('TO KHAI DANG KY KHAI SINH', { x: 60, y: 520, size: 14 });
  return Buffer.from(await pdf.save());
}
const scannedPng = () => sharp({ create: { width: 120, height: 80, channels: 3, background: '#f4f1e8' } }).png().toBuffer();

const timelineActions = (page: Page) => page.getByTestId('timeline-step').evaluateAll((steps) => steps.map((s) => s.getAttribute('data-action')));

describe('Issue 4: the desk receives a birth registration with both parents, the commune processes it, the leader approves, the desk returns the result', () => {
  let desk: Page;
  let deskContext: BrowserContext;
  let leader: Page;
  let leaderContext: BrowserContext;
  let code = '';
  let dossierUrl = '';

  const grandfather = { personalId: '019055001234', fullName: 'Nguyễn Văn Bình', birthDate: '1955-04-02', phone: '0912 345 678', address: 'Tổ 7, phường Đức Xuân' };
  const father = { personalId: '019092000111', fullName: 'Nguyễn Văn Cường', birthDate: '1992-08-15' };
  const mother = { personalId: '019194000222', fullName: 'Trần Thị Dung', birthDate: '1994-11-20' };

  beforeAll(async () => {
    if (suite.setupError) return;
    ({ context: deskContext, page: desk } = await newPage());
    ({ context: leaderContext, page: leader } = await newPage());
  });
  afterAll(async () => {
    await deskContext?.close();
    await leaderContext?.close();
  });

  it('the reception officer finds the procedure from the keyboard, typed without diacritics', async () => {
    await signInFirstTime(desk, suite.server, 'demo.tiepnhan', 'Tiep-Nhan-2025!');
    await nav(desk, 'Tiếp nhận hồ sơ');
    await desk.getByTestId('reception-page').waitFor();
    expect(await desk.getByTestId('reception-desk').textContent()).toContain('Bộ phận Một cửa');

    // The search box has the focus: the officer just types.
    await desk.getByTestId('procedure-option').first().waitFor();
    await expect.poll(() => desk.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('procedure-search');
    await desk.keyboard.type('dang ky khai');
    await expect.poll(() => desk.getByTestId('procedure-option').evaluateAll((o) => o.map((x) => x.getAttribute('data-code')))).toEqual(
      expect.arrayContaining(['1.001193', '1.000656']),
    );
    await desk.keyboard.type(' sinh');
    await expect.poll(() => desk.getByTestId('procedure-option').evaluateAll((o) => o.map((x) => x.getAttribute('data-code')))).toEqual(['1.001193']);
    await shot(desk, 'd01-reception-search-vi');

    // By its code too; arrows and Enter choose.
    await desk.getByTestId('procedure-search').fill('1.0011');
    await expect.poll(() => desk.getByTestId('procedure-option').count()).toBe(1);
    await desk.keyboard.press('ArrowDown');
    await desk.keyboard.press('Enter');
    await desk.getByTestId('reception-form').waitFor();
    expect(await desk.getByTestId('chosen-procedure').textContent()).toContain('Thủ tục đăng ký khai sinh');
    // Birth registration: the rows of the father and the mother are ready; the applicant's personal ID is focused.
    expect(await desk.getByTestId('person-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-relation')))).toEqual(['Cha', 'Mẹ']);
    await expect.poll(() => desk.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('applicantPersonalId');
  });

  it('checks personal IDs as they are typed and the required papers before receiving', async () => {
    const form = desk.getByTestId('reception-form');
    await desk.keyboard.type('01905500');
    await desk.keyboard.press('Tab');
    await expect.poll(() => form.getByTestId('applicant').getByTestId('field-error').first().textContent()).toContain('Cần đủ 12 chữ số (đã nhập 8)');
    await form.locator('input[name=applicantPersonalId]').fill('019955001234');
    await expect.poll(() => form.getByTestId('applicant').getByTestId('field-error').first().textContent()).toContain('Số định danh không hợp lệ');
    await form.locator('input[name=applicantPersonalId]').fill(grandfather.personalId);
    await form.locator('input[name=applicantFullName]').fill(grandfather.fullName);
    await form.locator('input[name=applicantBirthDate]').fill('1956-04-02');
    await expect.poll(() => form.getByTestId('applicant').getByTestId('field-error').first().textContent()).toContain('Năm sinh không khớp với số định danh (năm 1955)');
    await form.locator('input[name=applicantBirthDate]').fill(grandfather.birthDate);
    expect(await form.getByTestId('applicant').getByTestId('field-error').count()).toBe(0);
    await form.locator('input[name=applicantPhone]').fill(grandfather.phone);
    await form.locator('input[name=applicantAddress]').fill(grandfather.address);

    for (const [i, parent] of [father, mother].entries()) {
      await form.locator(`input[name=personalId-${i}]`).fill(parent.personalId);
      await form.locator(`input[name=fullName-${i}]`).fill(parent.fullName);
      await form.locator(`input[name=birthDate-${i}]`).fill(parent.birthDate);
    }

    // Ctrl+Enter with the papers not yet checked: the desk is told which are missing.
    await form.locator(`input[name=fullName-1]`).press('Control+Enter');
    await expect.poll(() => desk.getByTestId('reception-problems').textContent()).toContain('Chưa đủ giấy tờ bắt buộc: Tờ khai đăng ký khai sinh');
    await shot(desk, 'd02-reception-missing-papers-vi');
    const papers = desk.locator('[data-testid=paper][data-required=true]');
    for (let i = 0; i < (await papers.count()); i++) await papers.nth(i).check();
    await shot(desk, 'd03-reception-form-vi');
  });

  it('receives it with Ctrl+Enter and shows the code and the promised date large', async () => {
    await desk.locator('input[name=applicantAddress]').press('Control+Enter');
    const done = desk.getByTestId('reception-done');
    await done.waitFor();
    code = (await done.getByTestId('dossier-code').textContent()) ?? '';
    expect(code).toMatch(/^01840\.MC-\d{6}-\d{4}$/);
    expect(await done.getByTestId('promised-date').textContent()).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    await shot(desk, 'd04-reception-done-vi');

    // The receipt (form 01) is the next thing the citizen gets: its button has the focus, and it is a PDF.
    await expect.poll(() => desk.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('print-receipt');
    const receiptUrl = (await done.getByTestId('print-receipt').getAttribute('href'))!;
    const receipt = await desk.evaluate(async (url) => {
      const r = await fetch(url);
      return { status: r.status, type: r.headers.get('content-type'), head: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5)) };
    }, receiptUrl);
    expect(receipt).toEqual({ status: 200, type: 'application/pdf', head: '%PDF-' });

    // Tab, Enter: a new dossier, starting over at the procedure search.
    await desk.keyboard.press('Tab');
    await expect.poll(() => desk.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('reception-next');
    await desk.keyboard.press('Enter');
    await desk.getByTestId('procedure-search').waitFor();
    await expect.poll(() => desk.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('procedure-search');
  });

  it('the dossier is in the desk’s queue, found without diacritics, and the desk sends it to the commune for processing', async () => {
    await nav(desk, 'Hồ sơ');
    await desk.getByTestId('dossiers-table').waitFor();
    expect(await desk.getByTestId('queue-desk').getAttribute('aria-selected')).toBe('true');
    const row = desk.locator(`[data-testid=dossier-row][data-code="${code}"]`);
    await row.waitFor();
    expect(await row.getByTestId('deadline-badge').getAttribute('data-deadline')).toMatch(/^(on_track|due_soon)$/);
    await desk.getByTestId('dossier-search').fill('nguyen van binh');
    await expect.poll(() => desk.getByTestId('dossier-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')))).toEqual([code]);
    await shot(desk, 'd05-queue-desk-vi');

    await row.click();
    await desk.getByTestId('dossier-page').waitFor();
    dossierUrl = desk.url();
    expect(await desk.getByTestId('dossier-persons').textContent()).toContain(mother.fullName);
    // Only what the server allows the desk now: no approval, no return of a result.
    const buttons = await desk.getByTestId('dossier-actions').locator('button').evaluateAll((b) => b.map((x) => x.getAttribute('data-testid')));
    expect(buttons).toEqual(['action-not_accept', 'action-assign', 'action-withdraw']);
    expect(await desk.getByTestId('dossier-forms').locator('a').evaluateAll((a) => a.map((x) => x.getAttribute('data-form')))).toEqual(['receipt']);

    // The two papers, scanned: stored encrypted; reading one back asks for a reason.
    const upload = desk.getByTestId('upload-form');
    const papers = [
      { component: 'Tờ khai đăng ký khai sinh (theo mẫu)', file: { name: 'to-khai-khai-sinh.pdf', mimeType: 'application/pdf', buffer: await scannedPdf() } },
      { component: 'Giấy chứng sinh (hoặc văn bản của người làm chứng, giấy cam đoan về việc sinh)', file: { name: 'giay-chung-sinh.png', mimeType: 'image/png', buffer: await scannedPng() } },
    ];
    for (const [i, paper] of papers.entries()) {
      await upload.locator('input[name=component]').fill(paper.component);
      await upload.locator('input[name=file]').setInputFiles(paper.file);
      await upload.getByTestId('upload-button').click();
      await expect.poll(() => desk.getByTestId('document-row').count()).toBe(i + 1);
    }
    // A file whose content is not what its name and type say is refused with the server's message.
    await upload.locator('input[name=file]').setInputFiles({ name: 'gia-mao.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf at all') });
    await upload.getByTestId('upload-button').click();
    await expect.poll(() => upload.getByTestId('upload-error').textContent()).toMatch(/PDF/);
    expect(await desk.getByTestId('document-row').count()).toBe(2);
    await shot(desk, 'd06-dossier-received-vi');

    await desk.locator('[data-testid=document-row][data-name="to-khai-khai-sinh.pdf"]').getByTestId('document-download').click();
    const reasonDialog = desk.getByTestId('document-reason-dialog');
    await reasonDialog.locator('textarea[name=reason]').fill('Đối chiếu tờ khai với bản giấy');
    const download = desk.waitForEvent('download');
    await reasonDialog.getByTestId('confirm-button').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/demo\.tiepnhan.*\.pdf$/);
    await desk.getByTestId('documents-notice').waitFor();

    // Viewing opens the stamped file in a new tab; the reason goes in the request's body, never in an address
    // (the browser's history and the server's access log would keep it).
    const addresses: string[] = [];
    desk.context().on('request', (request) => addresses.push(request.url()));
    await desk.locator('[data-testid=document-row][data-name="to-khai-khai-sinh.pdf"]').getByTestId('document-view').click();
    await reasonDialog.locator('textarea[name=reason]').fill('Xem lại tờ khai trước khi chuyển');
    const [tab] = await Promise.all([desk.context().waitForEvent('page'), reasonDialog.getByTestId('confirm-button').click()]);
    await expect.poll(() => tab.url()).toMatch(/^blob:/);
    await tab.close();
    expect(addresses.filter((a) => /\/api\/documents\/[0-9a-f-]{36}\/view$/.test(a))).toHaveLength(1);
    expect(addresses.filter((a) => decodeURIComponent(a).includes('Xem lại tờ khai'))).toEqual([]);

    await act(desk, 'assign', async (dialog) => {
      // The commune the desk belongs to is proposed.
      await expect.poll(async () => dialog.locator('select[name=unitId] option:checked').textContent()).toContain('Phường Đức Xuân');
      await dialog.locator('textarea[name=reason]').fill('Chuyển công chức Tư pháp - Hộ tịch');
      await shot(desk, 'd07-assign-dialog-vi');
    });
    expect(await desk.getByTestId('dossier-page').getAttribute('data-status')).toBe('processing');
    expect(await desk.getByTestId('dossier-processing-unit').textContent()).toContain('Phường Đức Xuân');
    expect(await timelineActions(desk)).toEqual(['receive', 'assign']);
  });

  it('the leader sees it in the processing queue, is told clearly when a new date is refused, and approves', async () => {
    await signInFirstTime(leader, suite.server, 'demo.lanhdao', 'Lanh-Dao-2025!');
    await nav(leader, 'Hồ sơ');
    await leader.getByTestId('dossiers-table').waitFor();
    expect(await leader.getByTestId('queue-processing').getAttribute('aria-selected')).toBe('true');
    expect(await leader.getByTestId('queue-desk').count()).toBe(0);
    const row = leader.locator(`[data-testid=dossier-row][data-code="${code}"]`);
    await row.waitFor();
    await shot(leader, 'd08-queue-processing-vi');
    await row.getByRole('link').click();
    await leader.getByTestId('dossier-page').waitFor();
    const buttons = await leader.getByTestId('dossier-actions').locator('button').evaluateAll((b) => b.map((x) => x.getAttribute('data-testid')));
    expect(buttons).toEqual(expect.arrayContaining(['action-transfer', 'action-request_supplement', 'action-apologize', 'action-stop', 'action-approve']));
    expect(buttons).not.toContain('action-return_result');

    // The leader may read accounts: the transfer dialog offers the commune's processing officers.
    await leader.getByTestId('action-transfer').click();
    const transfer = leader.getByTestId('action-dialog');
    const commune = await transfer.locator('select[name=unitId] option', { hasText: /^\s*Phường Đức Xuân$/ }).getAttribute('value');
    await transfer.locator('select[name=unitId]').selectOption(commune!);
    await expect.poll(() => transfer.locator('select[name=assigneeId] option').allTextContents()).toContain('Đỗ Quang Huy (demo.xuly)');
    await shot(leader, 'd09-transfer-dialog-vi');
    await transfer.getByRole('button', { name: 'Hủy' }).click();

    // A new date that is not later than the promised one: the server's message, in the dialog.
    await leader.getByTestId('action-apologize').click();
    const apology = leader.getByTestId('action-dialog');
    const promised = await leader.evaluate(() => document.querySelector('[data-testid=dossier-due] [data-testid=due-date]')?.textContent ?? '');
    const [d, m, y] = promised.trim().split('/');
    await apology.locator('input[name=newDueDate]').fill(`${y}-${m}-${d}`);
    await apology.locator('textarea[name=reason]').fill('Cần xác minh thêm');
    await apology.getByTestId('action-confirm').click();
    await expect.poll(() => apology.getByTestId('dialog-error').textContent()).toContain('Ngày hẹn mới phải sau ngày hẹn cũ');
    await shot(leader, 'd10-apology-refused-vi');
    await apology.getByRole('button', { name: 'Hủy' }).click();

    await act(leader, 'approve');
    expect(await leader.getByTestId('dossier-page').getAttribute('data-status')).toBe('settled');
    expect(await leader.getByTestId('dossier-actions').locator('button').count()).toBe(0);
    await shot(leader, 'd11-approved-vi');
  });

  it('the leader issues the electronic result: coded …-KQ1, signed by the commune, verifiable by anyone holding the file', async () => {
    const section = leader.getByTestId('dossier-results');
    await section.getByTestId('results-empty').waitFor();
    const form = section.getByTestId('result-issue-form');
    await form.locator('input[name=resultFile]').setInputFiles({ name: 'giay-khai-sinh.pdf', mimeType: 'application/pdf', buffer: await scannedPdf() });
    await form.getByTestId('result-issue-button').click();
    await expect.poll(() => section.getByTestId('results-notice').textContent()).toContain(`${code}-KQ1`);
    const row = section.locator(`[data-testid=result-row][data-code="${code}-KQ1"]`);
    expect(await row.getByTestId('result-code').textContent()).toBe(`${code}-KQ1`);
    expect(await row.textContent()).toContain('Phường Đức Xuân');
    // The statement checked against the file's SHA-256 by the public endpoint.
    await expect.poll(() => row.getByTestId('result-verification').getAttribute('data-verification')).toBe('ok');
    await shot(leader, 'results-01-issued-vi');

    // The statement and the unit's key, with how a citizen or an agency checks them.
    await row.getByTestId('result-proof').locator('summary').click();
    expect(await row.getByTestId('result-statement').textContent()).toContain(`${code}-KQ1`);
    expect(await row.getByTestId('result-key').textContent()).toMatch(/\+[0-9a-f]{8}\+/);
    expect(await row.getByTestId('result-proof').textContent()).toContain('motcua result verify');
    await row.getByTestId('result-proof').scrollIntoViewIfNeeded();
    await shot(leader, 'results-02-proof-vi');
    // The public address answers without an account.
    const verifyUrl = (await row.getByTestId('result-verify-url').getAttribute('href'))!;
    const answer = (await (await fetch(`${suite.server.url}${verifyUrl}`)).json()) as { signatureValid: boolean; fileMatches: boolean };
    expect(answer).toMatchObject({ signatureValid: true, fileMatches: true });

    // The signed original, for the citizen: with a reason, the exact bytes.
    await row.getByTestId('result-original').click();
    const dialog = leader.getByTestId('result-reason-dialog');
    await dialog.locator('textarea[name=reason]').fill('Trao bản điện tử cho công dân');
    await shot(leader, 'results-03-original-reason-vi');
    const download = leader.waitForEvent('download');
    await dialog.getByTestId('confirm-button').click();
    const original = await (await download).path();
    expect((await fs.readFile(original!)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await section.getByTestId('results-notice').waitFor();
    // One result issued: the form stays for a corrected one, the list shows it once.
    expect(await section.getByTestId('result-row').count()).toBe(1);
  });

  it('the desk returns the result; the timeline tells who did what, where and when', async () => {
    // one page load reads the dossier once, so its view is journaled once
    const reads: string[] = [];
    const onRequest = (r: { url: () => string }) => void (new URL(r.url()).pathname === new URL(dossierUrl).pathname.replace(/^\/dossiers/, '/api/dossiers') && reads.push(r.url()));
    desk.on('request', onRequest);
    await desk.goto(dossierUrl);
    await desk.getByTestId('dossier-page').waitFor();
    await desk.getByTestId('timeline').waitFor();
    desk.off('request', onRequest);
    expect(reads).toHaveLength(1);
    expect(await desk.getByTestId('dossier-status').getAttribute('data-status')).toBe('settled');
    await act(desk, 'return_result');
    expect(await desk.getByTestId('dossier-page').getAttribute('data-status')).toBe('result_returned');
    expect(await timelineActions(desk)).toEqual(['receive', 'assign', 'approve', 'return_result']);
    const timeline = (await desk.getByTestId('timeline').textContent()) ?? '';
    for (const text of ['Phạm Thu Trang', 'Nguyễn Văn Hùng', 'Chuyển công chức Tư pháp - Hộ tịch', 'Đã trả kết quả']) expect(timeline).toContain(text);
    await shot(desk, 'd12-result-returned-vi');

    await nav(desk, 'Hồ sơ');
    await desk.getByTestId('dossier-status-filter').selectOption('result_returned');
    await expect.poll(() => desk.getByTestId('dossier-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')))).toEqual([code]);
  });

  it('reads the same in English', async () => {
    await desk.getByRole('button', { name: 'English' }).click();
    await desk.getByTestId('dossier-status-filter').selectOption('');
    await desk.getByTestId('dossiers-table').waitFor();
    expect(await desk.getByRole('navigation').textContent()).toContain('Receive a dossier');
    await shot(desk, 'd13-queue-en');
    await desk.goto(dossierUrl);
    await desk.getByTestId('dossier-page').waitFor();
    expect(await desk.getByTestId('dossier-status').textContent()).toBe('Result returned');
    await shot(desk, 'd14-dossier-en');
    await nav(desk, 'Receive a dossier');
    await desk.getByTestId('procedure-option').first().waitFor();
    await desk.keyboard.type('ket hon');
    await expect.poll(() => desk.getByTestId('procedure-option').count()).toBe(1);
    await desk.keyboard.press('Enter');
    await desk.getByTestId('reception-form').waitFor();
    await desk.locator('input[name=applicantPersonalId]').fill('0191');
    await desk.locator('input[name=applicantPersonalId]').press('Control+Enter');
    await expect.poll(() => desk.getByTestId('reception-problems').textContent()).toContain('12 digits needed (4 typed)');
    await shot(desk, 'd15-reception-en');
    await desk.getByRole('button', { name: 'Tiếng Việt' }).click();
  });

  it('a second dossier of the same applicant reuses that result as a component: the paper is not asked again', async () => {
    await nav(desk, 'Hồ sơ');
    await nav(desk, 'Tiếp nhận hồ sơ');
    await desk.getByTestId('procedure-option').first().waitFor();
    await desk.getByTestId('procedure-search').fill('1.001193');
    await expect.poll(() => desk.getByTestId('procedure-option').count()).toBe(1);
    await desk.keyboard.press('ArrowDown');
    await desk.keyboard.press('Enter');
    const form = desk.getByTestId('reception-form');
    await form.waitFor();
    await form.locator('input[name=applicantPersonalId]').fill(grandfather.personalId);
    await form.locator('input[name=applicantFullName]').fill(grandfather.fullName);
    await form.locator('input[name=applicantBirthDate]').fill(grandfather.birthDate);
    await form.locator('input[name=applicantPhone]').fill(grandfather.phone);
    await form.locator('input[name=applicantAddress]').fill(grandfather.address);
    for (const [i, parent] of [father, mother].entries()) {
      await form.locator(`input[name=personalId-${i}]`).fill(parent.personalId);
      await form.locator(`input[name=fullName-${i}]`).fill(parent.fullName);
      await form.locator(`input[name=birthDate-${i}]`).fill(parent.birthDate);
    }
    const papers = desk.locator('[data-testid=paper][data-required=true]');
    for (let i = 0; i < (await papers.count()); i++) await papers.nth(i).check();
    await desk.locator('input[name=applicantAddress]').press('Control+Enter');
    const done = desk.getByTestId('reception-done');
    await done.waitFor();
    const second = (await done.getByTestId('dossier-code').textContent()) ?? '';
    expect(second).not.toBe(code);

    await nav(desk, 'Hồ sơ');
    await desk.locator(`[data-testid=dossier-row][data-code="${second}"]`).click();
    await desk.getByTestId('dossier-page').waitFor();
    // Received, not settled: no result section yet.
    expect(await desk.getByTestId('dossier-results').count()).toBe(0);
    await desk.getByTestId('reuse-open').click();
    const reuse = desk.getByTestId('reuse-form');
    const earlier = reuse.locator(`[data-testid=reusable-result][data-code="${code}-KQ1"]`);
    await earlier.waitFor();
    await earlier.locator('input[type=radio]').check();
    const component = 'Giấy chứng sinh (hoặc văn bản của người làm chứng, giấy cam đoan về việc sinh)';
    await reuse.locator('select[name=reuseComponent]').selectOption(component);
    await shot(desk, 'results-04-reuse-pick-vi');
    await reuse.getByTestId('reuse-attach').click();
    await expect.poll(() => desk.getByTestId('documents-notice').textContent()).toContain(`${code}-KQ1`);
    const row = desk.locator(`[data-testid=document-row][data-name="${code}-KQ1.pdf"]`);
    await row.waitFor();
    expect(await row.getByTestId('reused-badge').textContent()).toBe(`Tái sử dụng · ${code}-KQ1`);
    expect(await row.textContent()).toContain(component);
    // Attached once: the list says so and offers it no more.
    expect(await earlier.locator('input[type=radio]').isDisabled()).toBe(true);
    await shot(desk, 'results-05-reused-vi');
  });

  it('the leader sees the dossier counted in this month’s statistics (R22) and exports them to Excel', async () => {
    await nav(leader, 'Thống kê');
    await leader.getByTestId('statistics-page').waitFor();
    // This month, the leader's commune (the desk is under it).
    expect(await leader.getByTestId('stats-period').inputValue()).toBe('month');
    await expect.poll(() => leader.getByTestId('stats-showing').textContent()).toContain('Phường Đức Xuân');
    const kpi = async (id: string) => Number(await leader.getByTestId(`kpi-${id}`).getAttribute('data-value'));
    await expect.poll(() => kpi('received')).toBeGreaterThanOrEqual(1);
    expect(await kpi('on-time-rate')).toBeGreaterThan(0);
    const total = leader.getByTestId('stats-table-unit').getByTestId('stats-total-row');
    expect(Number(await total.locator('[data-col=received]').getAttribute('data-value'))).toBeGreaterThanOrEqual(1);
    expect(Number(await total.locator('[data-col=settledOnTime]').getAttribute('data-value'))).toBeGreaterThanOrEqual(1);
    // The desk that received it, on the chart and in the table; its field on the other chart.
    const deskRow = leader.getByTestId('stats-table-unit').getByTestId('stats-row').filter({ hasText: 'Bộ phận Một cửa' });
    expect(Number(await deskRow.locator('[data-col=settledOnTime]').textContent())).toBeGreaterThanOrEqual(1);
    expect(Number(await leader.getByTestId('chart-units').getByTestId('chart-bar').first().getAttribute('data-total'))).toBeGreaterThanOrEqual(1);
    expect(await leader.getByTestId('chart-units').locator('svg[role=img]').first().getAttribute('aria-label')).toMatch(/Bộ phận Một cửa.*: [1-9]\d* đúng hạn/);
    await leader.getByTestId('chart-fields').locator('[data-testid=chart-bar][data-key="Hộ tịch"]').waitFor();
    await leader.getByTestId('stats-tab-procedure').click();
    const birth = leader.locator('[data-testid=stats-table-procedure] [data-testid=stats-row][data-key="1.001193"]');
    expect(Number(await birth.locator('[data-col=received]').textContent())).toBeGreaterThanOrEqual(1);
    await leader.getByTestId('stats-tab-unit').click();
    await shot(leader, 'stats-month-vi');

    const download = leader.waitForEvent('download');
    await leader.getByTestId('stats-export').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^thong-ke-\d{4}-\d{2}-01-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const bytes = await fs.readFile((await file.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    await leader.getByTestId('export-done').waitFor();

    await leader.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => leader.getByTestId('kpi-received').textContent()).toContain('Dossiers received');
    expect(await leader.getByRole('navigation').textContent()).toContain('Statistics');
    await shot(leader, 'stats-month-en');
    await leader.getByRole('button', { name: 'Tiếng Việt' }).click();
  });
});
