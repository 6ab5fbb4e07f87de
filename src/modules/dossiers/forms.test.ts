import zlib from 'node:zlib';
import jsQRModule from 'jsqr';
import { PDFDocument, PDFName, PDFNumber, PDFRawStream } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake, offerBirthRegistration, receive } from '../../../test/dossier-fixtures.ts';
import { startTestSystem, type Client, type Officer, type TestSystem } from '../../../test/harness.ts';
import { vietnameseDay, vietnameseTime } from './forms.ts';

// jsqr is CommonJS with its function also on `default`, which is all its types declare
const jsQR = jsQRModule.default;

let sys: TestSystem;
let procedureId: string;
let desk: Client;
let otherDesk: Client;
let processor: Client;
let leader: Client;
let officers: Officer[];

/** Moves the clock forward (Vietnam time) and signs everyone in again: a jump of days outlives any session. */
async function at(vietnamTime: string) {
  [desk, otherDesk, processor, leader] = (await sys.at(vietnamTime, officers, '10.9.2')) as [Client, Client, Client, Client];
}

beforeAll(async () => {
  sys = await startTestSystem();
  procedureId = await offerBirthRegistration(sys);
  const [a, b] = sys.communes as [(typeof sys.communes)[0], (typeof sys.communes)[0]];
  officers = [
    await sys.officer({ username: 'f.desk', unit: a, roles: ['reception_officer'], fullName: 'Trần Thị Hồng Nhung' }),
    await sys.officer({ username: 'f.other', unit: b, roles: ['reception_officer'] }),
    await sys.officer({ username: 'f.processor', unit: a, roles: ['processing_officer'], fullName: 'Lê Văn Quyết' }),
    await sys.officer({ username: 'f.leader', unit: a, roles: ['leader'], fullName: 'Đỗ Mạnh Hùng' }),
  ];
  await at('2026-03-02T09:00:00');
});
afterAll(() => sys.close());

const commune = () => sys.communes[0]!;
const act = async (c: Client, id: string, action: string, body: Record<string, unknown> = {}) => {
  const res = await c.post(`/api/dossiers/${id}/${action}`, body);
  expect(res.statusCode, res.body).toBe(200);
};
const form = (c: Client, id: string, name: string) => c.get(`/api/dossiers/${id}/forms/${name}`);

interface Pdf {
  pages: { width: number; height: number; text: string; items: { str: string; x: number; width: number }[] }[];
  text: string;
}

/** The text a reader of the PDF gets, page by page, with where each piece sits. */
async function readPdf(bytes: Buffer): Promise<Pdf> {
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false }).promise;
  const pages: Pdf['pages'] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const { width, height } = page.getViewport({ scale: 1 });
    const items = (await page.getTextContent()).items.flatMap((item) => ('str' in item ? [{ str: item.str, x: item.transform[4] as number, width: item.width, eol: item.hasEOL }] : []));
    pages.push({ width, height, items, text: items.map((i) => i.str + (i.eol ? '\n' : '')).join('') });
  }
  await doc.destroy();
  return { pages, text: pages.map((p) => p.text).join('\n').replace(/\s+/g, ' ') };
}

/** Every image embedded in the PDF, decoded as a QR code (pdf-lib stores a PNG as Flate-compressed RGB). */
async function qrCodesIn(bytes: Buffer): Promise<string[]> {
  const doc = await PDFDocument.load(bytes);
  const found: string[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream) || object.dict.get(PDFName.of('Subtype')) !== PDFName.of('Image')) continue;
    if (object.dict.get(PDFName.of('ColorSpace')) !== PDFName.of('DeviceRGB')) continue;
    const width = (object.dict.get(PDFName.of('Width')) as PDFNumber).asNumber();
    const height = (object.dict.get(PDFName.of('Height')) as PDFNumber).asNumber();
    const rgb = zlib.inflateSync(object.contents);
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) rgba.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
    const qr = jsQR(rgba, width, height);
    if (qr) found.push(qr.data);
  }
  return found;
}

/** No piece of text starts left of the page or runs past its right edge. */
function expectInsidePages(pdf: Pdf) {
  for (const page of pdf.pages) {
    for (const item of page.items) {
      expect(item.x, item.str).toBeGreaterThanOrEqual(0);
      expect(item.x + item.width, item.str).toBeLessThanOrEqual(page.width);
    }
  }
}

const A5 = { width: 419.53, height: 595.28 };
const A4 = { width: 595.28, height: 841.89 };
const expectPageSize = (pdf: Pdf, size: { width: number; height: number }) => {
  for (const page of pdf.pages) {
    expect(page.width).toBeCloseTo(size.width, 1);
    expect(page.height).toBeCloseTo(size.height, 1);
  }
};

describe('Vietnamese dates on the forms (Decree 30/2020)', () => {
  it.each([
    ['2026-03-09', 'ngày 09 tháng 3 năm 2026'],
    ['2026-01-15', 'ngày 15 tháng 01 năm 2026'],
    ['2026-02-01', 'ngày 01 tháng 02 năm 2026'],
    ['2026-12-31', 'ngày 31 tháng 12 năm 2026'],
  ])('%s reads "%s"', (day, text) => expect(vietnameseDay(day)).toBe(text));

  it('a time is read in Vietnam, whatever the server’s zone: 23:30 UTC is 06 giờ 30 the next day', () => {
    expect(vietnameseTime(new Date('2026-03-01T23:30:00Z'))).toBe('06 giờ 30 phút, ngày 02 tháng 3 năm 2026');
  });
});

describe('form 01: the receipt with the promised date', () => {
  it('is an A5 PDF with the code, the applicant, the papers, the receipt time, the promised date, the officer and a QR code of the code; the print is journaled', async () => {
    const applicant = { ...intake('', '').applicant, fullName: 'Nguyễn Thị Thanh Hương', email: 'huong@example.vn' };
    const d = await receive(desk, procedureId, commune().id, { applicant });
    const res = await form(desk, d.id, 'receipt');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="giay-tiep-nhan-${d.code}.pdf"; filename*=UTF-8''giay-tiep-nhan-${d.code}.pdf`);
    expect(res.headers['cache-control']).toBe('no-store');

    const pdf = await readPdf(res.rawPayload);
    expect(pdf.pages).toHaveLength(1);
    expectPageSize(pdf, A5);
    for (const text of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      `UBND ${commune().fullName.toLocaleUpperCase('vi')}`,
      'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
      `Mã hồ sơ: ${d.code}`,
      'Nguyễn Thị Thanh Hương',
      `Số định danh cá nhân: ${applicant.personalId}`,
      'Số điện thoại: 0912345678',
      'huong@example.vn',
      applicant.address,
      'Thủ tục đăng ký khai sinh (mã thủ tục 1.001193)',
      'a) Giấy chứng sinh: 01 bản',
      'Thời gian giải quyết hồ sơ theo quy định: 05 ngày làm việc',
      // received Monday 2 March, 5 working days: Monday 9 March
      'Thời gian trả kết quả giải quyết hồ sơ: ngày 09 tháng 3 năm 2026',
      'Hình thức nộp hồ sơ: Trực tiếp',
      'NGƯỜI TIẾP NHẬN HỒ SƠ',
      'Trần Thị Hồng Nhung',
    ]) {
      expect(pdf.text, text).toContain(text);
    }
    // sign-in steps move the manual clock by seconds: the minute is that of the intake
    expect(pdf.text).toMatch(/Thời gian nhận hồ sơ: 09 giờ 0\d phút, ngày 02 tháng 3 năm 2026/);
    expect(await qrCodesIn(res.rawPayload)).toEqual([d.code]);

    const prints = (await sys.journalOf('dossier.print')).filter((e) => e.targetId === d.id);
    expect(prints).toHaveLength(1);
    expect(prints[0]).toMatchObject({ details: { form: 'receipt', code: d.code }, citizens: [sys.keys.citizenDigest(applicant.personalId)] });
  });

  it('names every citizen of the dossier in the journal; the related persons are not printed on the receipt', async () => {
    const applicant = intake('', '').applicant;
    const child = { relation: 'Con', personalId: '019326000001', fullName: 'Nguyễn Minh Khôi', birthDate: '2026-02-20' };
    const d = await receive(desk, procedureId, commune().id, { applicant, persons: [child] });
    const res = await form(desk, d.id, 'receipt');
    expect(res.statusCode, res.body).toBe(200);
    expect((await readPdf(res.rawPayload)).text).not.toContain(child.personalId);
    const [print] = (await sys.journalOf('dossier.print')).filter((e) => e.targetId === d.id);
    expect(new Set(print!.citizens)).toEqual(new Set([applicant.personalId, child.personalId].map((id) => sys.keys.citizenDigest(id))));
  });

  it('keeps long names and addresses on the page, and writes text a person typed decomposed (NFD) as Vietnamese letters', async () => {
    const address = `${'Thôn Đồng Tâm, xóm Nương Dâu, '.repeat(9)}phường Phan Đình Phùng`;
    const fullName = 'Tôn Nữ Hoàng Phương Thảo'.normalize('NFD');
    const d = await receive(desk, procedureId, commune().id, { applicant: { ...intake('', '').applicant, fullName, address } });
    const pdf = await readPdf((await form(desk, d.id, 'receipt')).rawPayload);
    expectInsidePages(pdf);
    expect(pdf.text).toContain('Tôn Nữ Hoàng Phương Thảo'.normalize('NFC'));
    expect(pdf.text).toContain(address);
  });
});

describe('who may print, and which forms a dossier has', () => {
  it('R18: another unit’s dossier answers 404 for every form, as if it did not exist, and nothing is journaled', async () => {
    const d = await receive(desk, procedureId, commune().id);
    const before = (await sys.journalOf('dossier.print')).length;
    for (const name of ['receipt', 'supplement', 'refusal', 'apology']) {
      const res = await form(otherDesk, d.id, name);
      expect(res.statusCode, name).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    expect((await form(otherDesk, '00000000-0000-4000-8000-000000000000', 'receipt')).statusCode).toBe(404);
    expect((await sys.journalOf('dossier.print')).length).toBe(before);
  });

  it('should not print for a signed-out client (401), nor an unknown form (400)', async () => {
    const d = await receive(desk, procedureId, commune().id);
    expect((await sys.client().get(`/api/dossiers/${d.id}/forms/receipt`)).statusCode).toBe(401);
    expect((await form(desk, d.id, 'invoice')).statusCode).toBe(400);
  });

  it('a form the dossier’s state does not have answers 409 with a Vietnamese message, and nothing is journaled', async () => {
    const d = await receive(desk, procedureId, commune().id);
    const before = (await sys.journalOf('dossier.print')).length;
    for (const name of ['supplement', 'refusal', 'apology']) {
      const res = await form(desk, d.id, name);
      expect(res.statusCode, name).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'form_not_applicable', message: expect.stringMatching(/^Hồ sơ/) });
    }
    expect((await sys.journalOf('dossier.print')).length).toBe(before);
  });

  it('form 03: a dossier not accepted has an A4 refusal with the reason, and no receipt', async () => {
    const d = await receive(desk, procedureId, commune().id);
    const reason = 'Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường.\nĐề nghị Ông/Bà nộp hồ sơ tại nơi cư trú của người mẹ.';
    await act(desk, d.id, 'not_accept', { reason });
    expect((await form(desk, d.id, 'receipt')).json().error.code).toBe('form_not_applicable');
    const res = await form(desk, d.id, 'refusal');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toContain(`filename="phieu-tu-choi-${d.code}.pdf"`);
    const pdf = await readPdf(res.rawPayload);
    expectPageSize(pdf, A4);
    for (const text of ['PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ', `Mã hồ sơ: ${d.code}`, ...reason.split('\n'), 'Trần Thị Hồng Nhung']) expect(pdf.text, text).toContain(text);
  });

  it('a reason of the longest length allowed wraps inside the page', async () => {
    const d = await receive(desk, procedureId, commune().id);
    const reason = Array.from({ length: 40 }, (_, i) => `lý-do-${i} thiếu`).join(' ').slice(0, 1000);
    await act(desk, d.id, 'not_accept', { reason });
    const pdf = await readPdf((await form(desk, d.id, 'refusal')).rawPayload);
    expectInsidePages(pdf);
    expect(pdf.text).toContain(reason);
  });
});

describe('forms 02, 04 and 05 along a dossier’s life', () => {
  it('a supplement request (02), an apology with the new date (04) and the notice that processing stopped (05)', async () => {
    await at('2026-03-03T09:00:00');
    const d = await receive(desk, procedureId, commune().id);
    await act(desk, d.id, 'assign', { unitId: commune().id });

    await act(processor, d.id, 'request_supplement', { reason: 'Thiếu Giấy chứng sinh bản chính.' });
    const supplement = await form(desk, d.id, 'supplement');
    expect(supplement.statusCode, supplement.body).toBe(200);
    expect(supplement.headers['content-disposition']).toContain(`filename="phieu-yeu-cau-bo-sung-${d.code}.pdf"`);
    const supplementPdf = await readPdf(supplement.rawPayload);
    expectPageSize(supplementPdf, A4);
    for (const text of ['PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ', 'Thiếu Giấy chứng sinh bản chính.', 'tạm dừng từ ngày 03 tháng 3 năm 2026', 'NGƯỜI HƯỚNG DẪN', 'Lê Văn Quyết']) {
      expect(supplementPdf.text, text).toContain(text);
    }
    // while the clock waits for the papers, the receipt promises no day
    expect((await readPdf((await form(desk, d.id, 'receipt')).rawPayload)).text).toContain('tạm dừng, sẽ hẹn lại khi nhận đủ hồ sơ bổ sung');

    await at('2026-03-04T10:00:00');
    await act(desk, d.id, 'receive_supplement');
    // the supplement request stays printable after the papers came
    expect((await form(desk, d.id, 'supplement')).statusCode).toBe(200);
    expect((await form(desk, d.id, 'apology')).statusCode).toBe(409);

    await at('2026-03-16T09:00:00');
    await act(processor, d.id, 'apologize', { reason: 'Cần xác minh thêm nơi cư trú của người mẹ.', newDueDate: '2026-03-20' });
    const apology = await form(processor, d.id, 'apology');
    expect(apology.statusCode, apology.body).toBe(200);
    const apologyPdf = await readPdf(apology.rawPayload);
    expectPageSize(apologyPdf, A4);
    for (const text of ['VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT', 'Cần xác minh thêm nơi cư trú của người mẹ.', 'ngày 20 tháng 3 năm 2026', 'Xin trân trọng cảm ơn']) {
      expect(apologyPdf.text, text).toContain(text);
    }

    expect((await form(desk, d.id, 'refusal')).statusCode).toBe(409);
    await act(leader, d.id, 'stop', { reason: 'Trẻ đã được đăng ký khai sinh tại nơi khác.' });
    const stop = await form(desk, d.id, 'refusal');
    expect(stop.statusCode, stop.body).toBe(200);
    expect(stop.headers['content-disposition']).toContain(`filename="thong-bao-dung-giai-quyet-${d.code}.pdf"`);
    const stopPdf = await readPdf(stop.rawPayload);
    for (const text of ['THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ', 'Trẻ đã được đăng ký khai sinh tại nơi khác.', 'Đỗ Mạnh Hùng']) expect(stopPdf.text, text).toContain(text);

    const printed = (await sys.journalOf('dossier.print')).filter((e) => e.targetId === d.id).map((e) => (e.details as { form: string }).form);
    expect(printed).toEqual(['supplement', 'receipt', 'supplement', 'apology', 'refusal']);
  });
});
