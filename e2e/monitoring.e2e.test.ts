import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipEntry } from '../test/zip.ts';
import { browserSuite, isoDate, nav, sampleNpdCitizens, shot, signInFirstTime, type SampledCitizen } from './harness.ts';

const suite = browserSuite({ idleMinutes: 10, viewport: { width: 1360, height: 900 } });
const { newPage } = suite;

const sampleCitizens = (count: number) => sampleNpdCitizens(suite.server, count);

/** One entry of a zip (a .docx), as text. */

/**
 * Polls `check` until it holds, reloading the page every few seconds between tries: the server's detector runs each
 * second after the journal sequencer, and the page asks the server on load.
 */
async function untilAfterReload(page: Page, what: string, timeoutMs: number, check: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  let reloadAt = Date.now() + 3_000;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
    if (Date.now() > reloadAt) {
      await page.reload();
      reloadAt = Date.now() + 3_000;
    }
  }
}

/** The related persons of the cover dossier: the parents, then four more (free-text relations). */
const RELATIONS = ['Cha', 'Mẹ', 'Người giám hộ', 'Người được ủy quyền', 'Người làm chứng', 'Người làm chứng'];
/** The rule's threshold (src/modules/monitoring/rules.ts, DEFAULT_RULES.many_citizens_in_dossier.params.minimum). */
const RULE_MINIMUM = 6;

describe('Issue 6: snooping in one dossier → alert → confirmed case → incident with its 72-hour deadline → notice (.docx); the police read it', () => {
  let desk: Page;
  let deskContext: BrowserContext;
  let security: Page;
  let securityContext: BrowserContext;
  let police: Page;
  let policeContext: BrowserContext;
  /** applicant first, then the related persons, in the order they are looked up */
  let citizens: SampledCitizen[] = [];
  let code = '';
  let caseUrl = '';
  let incidentCode = '';
  let incidentUrl = '';
  let lastLookupAt = 0;

  beforeAll(async () => {
    if (suite.setupError) return;
    ({ context: deskContext, page: desk } = await newPage());
    ({ context: securityContext, page: security } = await newPage());
    ({ context: policeContext, page: police } = await newPage());
  });
  afterAll(async () => {
    await deskContext?.close();
    await securityContext?.close();
    await policeContext?.close();
  });

  const noPersonalId = (text: string) => {
    // no run of 12 digits standing alone (a UUID's last group may happen to be all digits)
    expect(text).not.toMatch(/(?<![\w-])\d{12}(?![\w-])/);
    for (const c of citizens) expect(text).not.toContain(c.SoDinhDanh);
  };

  it('the desk receives one birth registration naming seven citizens of npd-sim', async () => {
    citizens = await sampleCitizens(RELATIONS.length + 1);
    expect(new Set(citizens.map((c) => c.SoDinhDanh)).size).toBe(citizens.length);
    expect(citizens.length).toBeGreaterThan(RULE_MINIMUM);
    const [applicant, ...related] = citizens;

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
    await form.locator('input[name=applicantPersonalId]').fill(applicant!.SoDinhDanh);
    await form.locator('input[name=applicantFullName]').fill(applicant!.HoVaTen);
    await form.locator('input[name=applicantBirthDate]').fill(isoDate(applicant!.NgayThangNamSinh));
    await form.locator('input[name=applicantPhone]').fill('0912 345 678');
    await form.locator('input[name=applicantAddress]').fill('Tổ 7, phường Đức Xuân');

    // The birth registration prepares the father's and the mother's rows; four more are added.
    await expect.poll(() => form.getByTestId('person-row').count()).toBe(2);
    for (let i = 2; i < related.length; i++) {
      await form.getByTestId('add-person').click();
      await expect.poll(() => form.getByTestId('person-row').count()).toBe(i + 1);
    }
    for (const [i, person] of related.entries()) {
      await form.locator(`input[name=relation-${i}]`).fill(RELATIONS[i]!);
      await form.locator(`input[name=personalId-${i}]`).fill(person.SoDinhDanh);
      await form.locator(`input[name=fullName-${i}]`).fill(person.HoVaTen);
      await form.locator(`input[name=birthDate-${i}]`).fill(isoDate(person.NgayThangNamSinh));
    }
    const papers = desk.locator('[data-testid=paper][data-required=true]');
    for (let i = 0; i < (await papers.count()); i++) await papers.nth(i).check();
    expect(await form.getByTestId('field-error').count()).toBe(0);
    await shot(desk, 'monitoring-01-reception-seven-citizens-vi');
    await desk.locator('input[name=applicantAddress]').press('Control+Enter');
    const done = desk.getByTestId('reception-done');
    await done.waitFor();
    code = (await done.getByTestId('dossier-code').textContent()) ?? '';
    expect(code).toMatch(/^01840\.MC-\d{6}-\d{4}$/);

    await done.getByTestId('reception-open').click();
    await desk.getByTestId('dossier-page').waitFor();
    const persons = (await desk.getByTestId('dossier-persons').textContent()) ?? '';
    for (const person of related) expect(persons).toContain(person.HoVaTen);
  });

  it('the desk looks up each of the seven from the dossier’s lookup panel ("Xác thực thông tin")', async () => {
    const panel = desk.getByTestId('dossier-lookups');
    await expect.poll(() => panel.getAttribute('data-may-look-up')).toBe('true');
    // All seven are offered (the related persons ordered by relation, not as entered).
    expect((await panel.getByTestId('lookup-person').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-personal-id')))).sort()).toEqual(citizens.map((c) => c.SoDinhDanh).sort());
    expect(await panel.getByTestId('lookup-row').count()).toBe(0);

    for (const [i, citizen] of citizens.entries()) {
      const row = panel.locator(`[data-testid=lookup-person][data-personal-id="${citizen.SoDinhDanh}"]`);
      await expect.poll(() => row.getByTestId('lookup-verify').isEnabled()).toBe(true);
      await row.getByTestId('lookup-verify').click();
      // The history gains the lookup once it has an answer; the result card is this citizen's.
      await expect.poll(() => panel.getByTestId('lookup-row').count(), { timeout: 20_000 }).toBe(i + 1);
      const result = panel.getByTestId('lookup-result').filter({ hasText: citizen.HoVaTen });
      await result.waitFor();
      expect(await panel.getByTestId('lookup-error').count()).toBe(0);
      expect(await result.getAttribute('data-outcome')).toBe('matched');
    }
    lastLookupAt = Date.now();
    await expect.poll(() => panel.locator('[data-testid=lookup-row][data-outcome=matched]').count()).toBe(citizens.length);
    await shot(desk, 'monitoring-02-seven-lookups-vi');
  });

  it('the security officer is notified: an unread alert in the bell, a case for demo.tiepnhan in the triage queue', async () => {
    await signInFirstTime(security, suite.server, 'demo.antoan', 'An-Toan-2025!');
    const bell = security.getByTestId('bell');
    const signedIn = Date.now();
    // The bell asks on load; the detector runs each second after the journal sequencer: reload until it tells.
    await untilAfterReload(security, 'an unread notification in the bell', 20_000, async () => Number(await bell.getAttribute('data-unread', { timeout: 2_000 })) > 0);
    console.info(`monitoring e2e: the bell showed the alert ${Date.now() - signedIn} ms after the security officer's sign-in, ${Date.now() - lastLookupAt} ms after the last lookup`);
    expect(await security.getByTestId('bell-count').textContent()).toMatch(/^[1-9]\d*$/);
    const panel = security.getByTestId('bell-panel');
    const item = panel.locator('[data-testid=bell-item]').filter({ hasText: code });
    // Outside working hours the off-hours alert may be told first: wait for the one about this dossier itself.
    await untilAfterReload(security, 'the alert about the dossier in the bell', 20_000, async () => {
      if (!(await panel.isVisible())) await bell.click();
      await panel.waitFor({ timeout: 2_000 });
      return (await item.count()) > 0;
    });
    const itemText = (await item.first().textContent()) ?? '';
    expect(itemText).toContain('Cảnh báo mức');
    expect(itemText).toContain('demo.tiepnhan');
    noPersonalId((await panel.textContent()) ?? '');
    await shot(security, 'monitoring-03-bell-vi');
    // Opening the menu marked them read.
    await expect.poll(async () => Number(await bell.getAttribute('data-unread'))).toBe(0);
    await security.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);

    await nav(security, 'Cảnh báo, vụ việc');
    await security.getByTestId('cases-page').waitFor();
    const caseRow = security.getByTestId('case-row').filter({ hasText: 'demo.tiepnhan' });
    await untilAfterReload(security, 'a case about demo.tiepnhan in the triage queue', 20_000, async () => (await caseRow.count()) > 0);
    expect(await caseRow.count()).toBe(1);
    expect(await caseRow.getAttribute('data-status')).toBe('new');
    expect(await caseRow.textContent()).toContain('Phạm Thu Trang');
    await shot(security, 'monitoring-04-cases-queue-vi');
    await caseRow.getByRole('link').click();
    await security.getByTestId('case-page').waitFor();
    caseUrl = security.url();
    expect(new URL(caseUrl).pathname).toMatch(/^\/security\/cases\/[0-9a-f-]{36}$/);
  });

  it('the case explains the alert in Vietnamese: the dossier, how many citizens, who; no personal ID', async () => {
    const page = security.getByTestId('case-page');
    expect(await page.getAttribute('data-status')).toBe('new');
    expect(await security.getByTestId('case-subject').textContent()).toContain('Phạm Thu Trang (demo.tiepnhan)');
    const alert = security.locator('[data-testid=case-alert][data-rule=many_citizens_in_dossier]');
    await alert.waitFor();
    expect(await alert.getAttribute('data-severity')).toBe('medium');
    const text = (await alert.getByTestId('case-alert-text').textContent()) ?? '';
    // Raised at the threshold; the lookups after it in a later detector run do not raise it again.
    const counted = new RegExp(`^Hồ sơ ${code.replace(/\./g, '\\.')} đã có (\\d+) công dân khác nhau được tra cứu CSDLQG về dân cư \\(ngưỡng: ${RULE_MINIMUM}\\); lượt mới nhất do cán bộ Phạm Thu Trang \\(demo\\.tiepnhan\\) thực hiện lúc `);
    expect(text).toMatch(counted);
    const n = Number(counted.exec(text)![1]);
    expect(n).toBeGreaterThanOrEqual(RULE_MINIMUM);
    expect(n).toBeLessThanOrEqual(citizens.length);
    expect(await alert.textContent()).toContain(`${n} công dân liên quan`);
    noPersonalId((await page.textContent()) ?? '');
    await shot(security, 'monitoring-05-case-new-vi');
  });

  it('the security officer moves the case to "đang xác minh", then "xác nhận", each with a note', async () => {
    const page = security.getByTestId('case-page');
    const form = security.getByTestId('triage-form');
    // Nothing to open an incident from yet.
    expect(await security.getByTestId('case-open-incident').count()).toBe(0);
    await form.getByTestId('triage-investigating').check();
    await form.getByTestId('triage-note').fill('Bảy công dân được tra cứu trong một hồ sơ khai sinh: đề nghị Bộ phận Một cửa giải trình.');
    await form.getByTestId('triage-submit').click();
    await expect.poll(() => page.getAttribute('data-status')).toBe('investigating');
    await security.getByTestId('triage-done').waitFor();
    await expect.poll(() => security.getByTestId('case-note').count()).toBe(1);

    await form.getByTestId('triage-confirmed').check();
    await security.locator('.hint', { hasText: 'lập sự cố' }).waitFor();
    await form.getByTestId('triage-note').fill('Hồ sơ lập để tra cứu người không liên quan; công chức thừa nhận. Xác nhận vi phạm.');
    await shot(security, 'monitoring-06-case-confirming-vi');
    await form.getByTestId('triage-submit').click();
    await expect.poll(() => page.getAttribute('data-status')).toBe('confirmed');
    await expect.poll(() => security.getByTestId('case-note').evaluateAll((notes) => notes.map((n) => n.getAttribute('data-status')))).toEqual(['investigating', 'confirmed']);
    const trail = (await security.getByTestId('case-trail').textContent()) ?? '';
    for (const t of ['Chuyển sang “Đang xác minh”', 'Chuyển sang “Xác nhận vi phạm”', 'Đặng Thị Thu', 'công chức thừa nhận']) expect(trail).toContain(t);
    await security.getByTestId('case-open-incident').waitFor();
    await shot(security, 'monitoring-07-case-confirmed-vi');
  });

  it('"Lập sự cố" from the confirmed case opens an incident with its 72-hour deadline', async () => {
    await security.getByTestId('case-open-incident').click();
    const dialog = security.getByTestId('incident-form');
    await dialog.waitFor();
    // Prefilled from the case: its account, its alerts' explanations.
    expect(await dialog.getByTestId('incident-title').inputValue()).toContain('Phạm Thu Trang (demo.tiepnhan)');
    const description = await dialog.getByTestId('incident-description').inputValue();
    expect(description).toContain(code);
    noPersonalId(description);
    await shot(security, 'monitoring-08-incident-form-vi');
    await dialog.getByTestId('incident-submit').click();

    const page = security.getByTestId('incident-page');
    await page.waitFor();
    incidentUrl = security.url();
    expect(new URL(incidentUrl).pathname).toMatch(/^\/incidents\/[0-9a-f-]{36}$/);
    expect(await page.getAttribute('data-status')).toBe('open');
    incidentCode = ((await security.getByTestId('incident-code').textContent()) ?? '').trim();
    expect(incidentCode.length).toBeGreaterThan(0);
    const deadline = security.getByTestId('incident-deadline');
    const deadlineText = (await deadline.textContent()) ?? '';
    expect(deadlineText).toContain('Hạn thông báo:');
    expect(deadlineText).toContain('Hạn là 72 giờ kể từ khi phát hiện');
    // Detected when the case opened, a minute or so ago: 71 whole hours left.
    const hoursLeft = Number(await deadline.getAttribute('data-hours-left'));
    expect(hoursLeft).toBeGreaterThanOrEqual(71);
    expect(hoursLeft).toBeLessThanOrEqual(72);
    expect(deadlineText).toContain(`(còn ${hoursLeft} giờ)`);
    expect(await deadline.getAttribute('data-tone')).toBe('ok');
    // The citizens of the case's alerts are the affected list.
    const affected = Number(/^\d+/.exec(((await security.getByTestId('incident-affected').textContent()) ?? '').trim())?.[0]);
    expect(affected).toBeGreaterThanOrEqual(RULE_MINIMUM);
    expect(affected).toBeLessThanOrEqual(citizens.length);
    // The security officer may manage it.
    await security.getByTestId('incident-mark-notified').waitFor();
    noPersonalId((await page.textContent()) ?? '');
    await shot(security, 'monitoring-09-incident-vi');
  });

  it('the notice to the authority downloads as a .docx: "THÔNG BÁO", the looked-up citizens’ personal IDs in the annex', async () => {
    const [file] = await Promise.all([security.waitForEvent('download'), security.getByTestId('incident-notice').click()]);
    expect(file.suggestedFilename()).toMatch(/\.docx$/);
    const bytes = fs.readFileSync((await file.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    await security.getByTestId('incident-actions').getByText(file.suggestedFilename()).waitFor();

    const xml = await zipEntry(bytes, 'word/document.xml');
    const text = xml.replace(/<[^>]+>/g, '');
    expect(text).toContain('THÔNG BÁO');
    expect(text).toContain('DANH SÁCH CHỦ THỂ DỮ LIỆU BỊ ẢNH HƯỞNG');
    // The annex starts after the heading; every looked-up citizen the alert counted is in it, with their name.
    const annex = text.slice(text.indexOf('DANH SÁCH CHỦ THỂ DỮ LIỆU BỊ ẢNH HƯỞNG'));
    const listed = citizens.filter((c) => annex.includes(c.SoDinhDanh));
    const affected = Number(/^\d+/.exec(((await security.getByTestId('incident-affected').textContent()) ?? '').trim())?.[0]);
    expect(listed).toHaveLength(affected);
    // the first ones looked up are the ones the threshold counted
    expect(listed.map((c) => c.SoDinhDanh)).toEqual(citizens.slice(0, affected).map((c) => c.SoDinhDanh));
    for (const c of listed) expect(annex).toContain(c.HoVaTen);
    // Nowhere before the annex.
    const body = text.slice(0, text.indexOf('DANH SÁCH CHỦ THỂ DỮ LIỆU BỊ ẢNH HƯỞNG'));
    for (const c of citizens) expect(body).not.toContain(c.SoDinhDanh);
    expect(text).toContain(incidentCode);
    await shot(security, 'monitoring-10-incident-notice-downloaded-vi');
  });

  it('the police officer sees the incident, read-only: no action buttons', async () => {
    await signInFirstTime(police, suite.server, 'demo.congan', 'Cong-An-2025!');
    await nav(police, 'Sự cố');
    await police.getByTestId('incidents-page').waitFor();
    const row = police.locator(`[data-testid=incident-row][data-code="${incidentCode}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('open');
    expect(await row.getByTestId('countdown').getAttribute('data-tone')).toBe('ok');
    expect(await police.getByTestId('incident-new').count()).toBe(0);
    await shot(police, 'monitoring-11-police-incidents-vi');

    await row.getByRole('link').click();
    const page = police.getByTestId('incident-page');
    await page.waitFor();
    expect(police.url()).toBe(incidentUrl);
    expect(await police.getByTestId('incident-code').textContent()).toBe(incidentCode);
    await police.getByTestId('incident-deadline').waitFor();
    expect(await police.getByTestId('incident-mark-notified').count()).toBe(0);
    expect(await police.getByTestId('incident-close').count()).toBe(0);
    // The only button of the page's actions card is the notice's download.
    expect(await police.getByTestId('incident-actions').locator('button').evaluateAll((b) => b.map((x) => x.getAttribute('data-testid')))).toEqual(['incident-notice']);
    expect(await police.getByTestId('incident-actions').textContent()).toContain('Bạn được xem sự cố');
    await shot(police, 'monitoring-12-police-incident-vi');

    // The case behind it: readable, not triageable.
    await police.getByTestId('incident-facts').getByRole('link', { name: 'Xem vụ việc' }).click();
    await police.getByTestId('case-page').waitFor();
    expect(await police.getByTestId('case-page').getAttribute('data-status')).toBe('confirmed');
    expect(await police.getByTestId('triage-form').count()).toBe(0);
    expect(await police.getByTestId('case-open-incident').count()).toBe(0);
    expect(await police.getByTestId('case-page').textContent()).toContain('Bạn được xem vụ việc');
  });
});
