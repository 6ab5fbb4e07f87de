import { zipEntry } from '../../../test/zip.ts';
import { describe, expect, it } from 'vitest';
import { incidentNoticeDocx, type IncidentNoticeInput } from './incident-notice.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ fullName: `Nguyễn Văn Dân ${i + 1}`, personalId: `0190880${String(i).padStart(5, '0')}` }));

const sample = (over: Partial<IncidentNoticeInput> = {}): IncidentNoticeInput => ({
  code: 'SC-2026-0001',
  title: 'Tra cứu hàng loạt thông tin công dân ngoài giờ làm việc',
  // the officer pasted a personal ID into the description: the letter must not carry it
  description: 'Tài khoản tra cứu 40 công dân trong một hồ sơ, trong đó có công dân 019088000003.\n\nCác lượt tra cứu diễn ra sau 22 giờ.',
  detectedAt: new Date('2026-11-20T15:30:00Z'),
  notifyBy: new Date('2026-11-23T15:30:00Z'),
  issuedAt: new Date('2026-11-22T17:05:00Z'),
  province: { name: 'Tỉnh Thái Nguyên' },
  issuingUnit: { parent: 'UBND TỈNH THÁI NGUYÊN', name: 'SỞ KHOA HỌC VÀ CÔNG NGHỆ' },
  account: { fullName: 'Trần Thị Cán Bộ', username: 'canbo.tt', unitName: 'UBND xã Phú Bình' },
  alerts: [
    { at: new Date('2026-11-20T15:20:00Z'), explanationVi: 'Tra cứu ngoài giờ làm việc (22:20).', severity: 'medium' },
    { at: new Date('2026-11-20T15:29:00Z'), explanationVi: 'Tra cứu 40 công dân khác nhau trong một hồ sơ.', severity: 'critical' },
  ],
  affected: ids(3),
  measures: ['Tạm dừng quyền tra cứu của tài khoản lúc 22:31 ngày 20/11/2026'],
  contact: { fullName: 'Lê Văn An', position: 'Chuyên viên an toàn thông tin', phone: '0912345678', email: 'attt@thainguyen.gov.vn' },
  signer: { position: 'KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC', fullName: 'Phạm Minh Đức' },
  ...over,
});

const documentXml = (docx: Buffer) => zipEntry(docx, 'word/document.xml');

/** The text of each paragraph, runs joined, so a phrase is found whatever runs it was split into. */
const paragraphTexts = (xml: string) =>
  [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
const textOf = (xml: string) => paragraphTexts(xml).join('\n');

/** The document without its last table, which is the annex of affected citizens. */
function withoutAnnexTable(xml: string): string {
  const start = xml.lastIndexOf('<w:tbl>');
  const end = xml.lastIndexOf('</w:tbl>') + '</w:tbl>'.length;
  return xml.slice(0, start) + xml.slice(end);
}

describe('incident notification document (R19)', () => {
  it('is a Word document in the Decree 30 format with the content the personal-data law asks for', async () => {
    const docx = await incidentNoticeDocx(sample());
    expect(docx.subarray(0, 2).toString('latin1')).toBe('PK');
    const text = textOf(await documentXml(docx));
    for (const expected of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'UBND TỈNH THÁI NGUYÊN',
      'SỞ KHOA HỌC VÀ CÔNG NGHỆ',
      'Số: SC-2026-0001/TB-ATTT',
      // issued 00:05 on the 23rd, Vietnam time
      'Thái Nguyên, ngày 23 tháng 11 năm 2026',
      'THÔNG BÁO',
      'Về sự cố an ninh, an toàn dữ liệu cá nhân',
      'Tra cứu hàng loạt thông tin công dân ngoài giờ làm việc',
      'Kính gửi:',
      'Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05), Bộ Công an',
      'Công an tỉnh Thái Nguyên (Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao - PC06)',
      'phát hiện lúc 20/11/2026 22:30',
      'Trần Thị Cán Bộ (tài khoản canbo.tt), UBND xã Phú Bình',
      '20/11/2026 22:29, mức độ nghiêm trọng: Tra cứu 40 công dân khác nhau trong một hồ sơ.',
      '3 người (danh sách tại Phụ lục kèm theo)',
      'Lê Văn An, Chuyên viên an toàn thông tin; điện thoại: 0912345678; thư điện tử: attt@thainguyen.gov.vn',
      'Tạm dừng quyền tra cứu của tài khoản lúc 22:31 ngày 20/11/2026',
      'thời hạn thông báo: 23/11/2026 22:30',
      'Nơi nhận:',
      'KT. GIÁM ĐỐC',
      '(Ký, ghi rõ họ tên)',
      'Phạm Minh Đức',
      'DANH SÁCH CHỦ THỂ DỮ LIỆU BỊ ẢNH HƯỞNG',
      'Số định danh cá nhân',
      '019088000000',
      '019088000002',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('does not carry a personal ID outside the annex table, not even one pasted into the description', async () => {
    const input = sample({ title: 'Tra cứu công dân 019088000001 nhiều lần', account: { fullName: 'Trần Thị Cán Bộ', username: '019088012345', unitName: 'UBND xã Phú Bình' } });
    const xml = await documentXml(await incidentNoticeDocx(input));
    const letter = textOf(withoutAnnexTable(xml));
    expect(letter).not.toMatch(/\d{12}/);
    expect(letter).toContain('[số định danh cá nhân đã ẩn]');
    const annex = textOf(xml.slice(xml.lastIndexOf('<w:tbl>')));
    for (const a of input.affected) expect(annex).toContain(a.personalId);
  });

  it('says the affected citizens are not yet known, and has no annex, when the list is empty', async () => {
    const xml = await documentXml(await incidentNoticeDocx(sample({ affected: [], description: 'Chưa rõ phạm vi.' })));
    const text = textOf(xml);
    expect(text).toContain('đ) Số lượng chủ thể dữ liệu bị ảnh hưởng: Chưa xác định được.');
    expect(text).not.toContain('Phụ lục');
    expect(text).not.toContain('Số định danh cá nhân');
  });

  it('should not print an empty phone or e-mail of the contact ("điện thoại: ;")', async () => {
    const text = textOf(await documentXml(await incidentNoticeDocx(sample({ contact: { fullName: 'Lê Văn An', position: 'Chuyên viên', phone: '', email: 'attt@thainguyen.gov.vn' } }))));
    expect(text).toContain('Lê Văn An, Chuyên viên; thư điện tử: attt@thainguyen.gov.vn.');
    expect(text).not.toContain('điện thoại');
  });

  it('names the account as not identified when there is none, and asks for the reason of a late notification', async () => {
    const text = textOf(await documentXml(await incidentNoticeDocx(sample({ account: null, issuedAt: new Date('2026-11-24T02:00:00Z') }))));
    expect(text).toContain('c) Tổ chức, cá nhân liên quan: Chưa xác định được.');
    expect(text).toContain('sau thời hạn 72 giờ');
    expect(text).toContain('Lý do chậm:');
  });

  it('lists hundreds of affected citizens in the annex, with a header row repeated on each page', async () => {
    const xml = await documentXml(await incidentNoticeDocx(sample({ affected: ids(400) })));
    const annex = xml.slice(xml.lastIndexOf('<w:tbl>'));
    expect(annex).toContain('<w:tblHeader/>');
    expect(textOf(annex)).toContain('019088000399');
    expect(textOf(xml)).toContain('400 người');
  });

  it('is set in Times New Roman on A4 with the Decree 30 margins', async () => {
    const xml = await documentXml(await incidentNoticeDocx(sample()));
    const sectPr = xml.slice(xml.lastIndexOf('<w:sectPr'));
    // A4: 210 × 297 mm
    expect(sectPr).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    const margin = /<w:pgMar ([^>]*)\/>/.exec(sectPr)?.[1] ?? '';
    const twips = (side: string) => Number(new RegExp(`w:${side}="(\\d+)"`).exec(margin)?.[1]);
    const mm = (t: number) => (t * 25.4) / 1440;
    expect(mm(twips('top'))).toBeGreaterThanOrEqual(19.9);
    expect(mm(twips('top'))).toBeLessThanOrEqual(25.1);
    expect(mm(twips('bottom'))).toBeGreaterThanOrEqual(19.9);
    expect(mm(twips('bottom'))).toBeLessThanOrEqual(25.1);
    expect(mm(twips('left'))).toBeGreaterThanOrEqual(29.9);
    expect(mm(twips('left'))).toBeLessThanOrEqual(35.1);
    expect(mm(twips('right'))).toBeGreaterThanOrEqual(14.9);
    expect(mm(twips('right'))).toBeLessThanOrEqual(20.1);
  });

  it('declares Times New Roman 13–14 pt as the body font', async () => {
    const docx = await incidentNoticeDocx(sample());
    const styles = await zipEntry(docx, 'word/styles.xml');
    const defaults = /<w:docDefaults>[\s\S]*?<\/w:docDefaults>/.exec(styles)?.[0] ?? '';
    expect(defaults).toMatch(/<w:rFonts [^>]*w:ascii="Times New Roman"[^>]*w:hAnsi="Times New Roman"/);
    const size = Number(/<w:sz w:val="(\d+)"/.exec(defaults)?.[1]) / 2;
    expect(size).toBeGreaterThanOrEqual(13);
    expect(size).toBeLessThanOrEqual(14);
  });
});

