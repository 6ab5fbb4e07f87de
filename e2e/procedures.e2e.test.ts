import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, nav, shot, signInFirstTime } from './harness.ts';

const suite = browserSuite({ idleMinutes: 10, viewport: { width: 1366, height: 900 } });

/** Commune-level procedures of the Ministry of Justice with one time limit in working days (7 and 3 days). */
const BULK = ['1.000080', '1.000094'];

describe('Issue 15 item 1: the province offers its procedures without the API', () => {
  let admin: Page;
  let context: BrowserContext;

  beforeAll(async () => {
    if (suite.setupError) return;
    ({ context, page: admin } = await suite.newPage());
    await signInFirstTime(admin, suite.server, 'demo.quantri', 'Mot-Cua-Tinh-2026!');
  });
  afterAll(() => context?.close());

  it('R22: searches the national catalogue by ministry and level, and offers two procedures in bulk with no population field (R24)', async () => {
    await nav(admin, 'Thủ tục hành chính');
    await admin.getByTestId('procedures-tab-catalogue').click();
    await admin.getByTestId('catalogue-body').selectOption({ label: 'Bộ Tư pháp (66)' });
    await expect.poll(() => admin.getByTestId('catalogue-count').textContent()).toContain('66 thủ tục khớp');
    for (const code of BULK) {
      await admin.getByTestId('catalogue-search').fill(code);
      await admin.locator(`[data-testid=catalogue-row][data-code="${code}"]`).getByTestId('catalogue-pick').check();
    }
    await expect.poll(() => admin.getByTestId('offer-selected').textContent()).toContain('2 thủ tục đã chọn');
    await shot(admin, '15-1a-catalogue');
    await admin.getByTestId('offer-selected').click();
    await admin.getByTestId('bulk-dialog').getByTestId('confirm-button').click();
    await expect.poll(() => admin.getByTestId('bulk-outcome').textContent()).toContain('Đã cung cấp 2 thủ tục.');
    await admin.getByTestId('procedures-tab-offered').click();
    await admin.getByTestId('offered-search').fill(BULK[0]!);
    const row = admin.locator(`[data-testid=offered-row][data-code="${BULK[0]}"]`);
    await expect.poll(() => row.textContent()).toContain('không tra cứu');
  });

  it('edits the bulk-offered procedure into version 2: papers and fields declared, the purpose asked for, the receipt and the changes shown as typed', async () => {
    await admin.locator(`[data-testid=offered-row][data-code="${BULK[0]}"]`).getByRole('link').click();
    await admin.getByTestId('procedure-page').waitFor();
    await admin.getByTestId('procedure-edit').click();
    const form = admin.getByTestId('version-form');
    await form.getByTestId('version-add-document').click();
    await form.getByTestId('version-document-name').last().fill('Tờ khai đăng ký nhận cha, mẹ, con (theo mẫu)');
    // as an officer does: a click on the field's name
    // the page moves up 28 px when the paper's name loses focus (to be found): leave it first, then click
    await form.getByTestId('version-document-name').last().blur();
    await form.locator('[data-field=ho_ten] span').first().click();
    await form.locator('[data-field=so_dinh_danh] span').first().click();
    await expect.poll(() => form.getByTestId('version-fields').locator('input:checked').count()).toBe(2);
    await form.getByTestId('version-note').fill('Khai báo giấy tờ và dữ liệu dân cư cần đối chiếu');
    await form.getByTestId('version-save').click();
    // a field is declared: the purpose is required, named at its field
    await expect.poll(() => form.locator('#field-purpose-error, .field-error').first().textContent()).toContain('mục đích khai thác');
    await form.getByTestId('version-purpose').fill('Xác định nhân thân của cha, mẹ, con để ghi vào sổ hộ tịch.');
    const preview = form.getByTestId('receipt-preview');
    await expect.poll(() => preview.textContent()).toContain('Tờ khai đăng ký nhận cha, mẹ, con (theo mẫu): 01 bản');
    await expect.poll(() => preview.textContent()).toContain('07 ngày làm việc');
    await expect.poll(() => preview.getByTestId('receipt-due').textContent()).toMatch(/\d{2}\/\d{2}\/\d{4}/);
    const changes = form.getByTestId('version-changes');
    await expect.poll(() => changes.textContent()).toContain('Thêm giấy tờ: Tờ khai đăng ký nhận cha, mẹ, con (theo mẫu)');
    await expect.poll(() => changes.textContent()).toContain('Thêm trường dữ liệu: Họ, chữ đệm và tên khai sinh');
    await shot(admin, '15-1b-version-editor');
    await form.getByTestId('version-save').click();
    await expect.poll(() => admin.getByTestId('procedure-notice').textContent()).toContain('Đã lưu phiên bản v2');
    await expect.poll(() => admin.getByTestId('version-entry').count()).toBe(2);
    expect(await admin.locator('[data-testid=version-entry][data-version="2"]').getByTestId('version-changes').textContent()).toContain('Thêm giấy tờ');
  });

  it('withdraws a procedure no open dossier uses, with its reason', async () => {
    await admin.getByTestId('procedure-withdraw').click();
    const dialog = admin.getByTestId('withdraw-dialog');
    await dialog.locator('textarea[name=reason]').fill('Thủ tục do Sở Tư pháp thực hiện');
    await dialog.getByTestId('confirm-button').click();
    await expect.poll(() => admin.getByTestId('procedure-status').getAttribute('data-status')).toBe('withdrawn');
    expect(await admin.getByTestId('procedure-offer-again').isVisible()).toBe(true);
  });
});
