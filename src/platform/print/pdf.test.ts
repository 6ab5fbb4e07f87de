import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { renderPdf, stateHeaderPdf, textWidth, type Content, type Paper } from './pdf.ts';
import { MOTTO, NATIONAL_TITLE, stateHeader } from './state-header.ts';

const A5: Paper = { size: 'A5', margins: { top: 28, right: 26, bottom: 24, left: 36 }, fontSize: 10.5 };

interface Line {
  text: string;
  x: number;
  right: number;
  top: number;
}

/** Each page's lines as a reader of the PDF gets them, with where they sit. */
async function linesOf(content: Content[], paper = A5): Promise<{ width: number; height: number; lines: Line[] }[]> {
  const bytes = await renderPdf({ paper, title: 't', subject: 's', createdAt: new Date('2026-03-02T02:00:00Z'), content });
  const doc = await getDocument({ data: bytes, isEvalSupported: false }).promise;
  const pages = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const { width, height } = page.getViewport({ scale: 1 });
    const lines: Line[] = [];
    let line: Line | null = null;
    for (const item of (await page.getTextContent()).items) {
      if (!('str' in item)) continue;
      const [x, y] = [item.transform[4] as number, item.transform[5] as number];
      line ??= { text: '', x, right: x, top: height - y };
      line.text += item.str;
      line.right = Math.max(line.right, x + item.width);
      if (item.hasEOL) {
        lines.push(line);
        line = null;
      }
    }
    if (line) lines.push(line);
    pages.push({ width, height, lines: lines.filter((l) => l.text.trim() !== '') });
  }
  await doc.destroy();
  return pages;
}

describe('text on the page', () => {
  it('breaks lines at spaces only: a dossier code or a hyphenated word is never split over two lines', async () => {
    const codes = Array.from({ length: 30 }, (_, i) => `01840-2603${String(i).padStart(2, '0')}-0001 lý-do-${i}`).join(' ');
    const [page] = await linesOf([{ text: codes }]);
    expect(page!.lines.length).toBeGreaterThan(3);
    const words = new Set(codes.split(' '));
    for (const line of page!.lines) for (const word of line.text.trim().split(/\s+/)) expect(words, line.text).toContain(word);
    expect(page!.lines.map((l) => l.text.trim()).join(' ')).toBe(codes);
  });

  it('cuts a word longer than a line (a pasted link) inside the page', async () => {
    const link = `https://dichvucong.gov.vn/${'a'.repeat(300)}`;
    const [page] = await linesOf([{ text: `Xem ${link}` }]);
    expect(page!.lines.length).toBeGreaterThan(2);
    for (const line of page!.lines) expect(line.right).toBeLessThanOrEqual(page!.width - A5.margins.right + 0.5);
    expect(page!.lines.map((l) => l.text).join('').replace(/\s+/g, '')).toBe(`Xem${link}`);
  });

  it('writes decomposed (NFD) text as Vietnamese letters and control characters as spaces', async () => {
    const [page] = await linesOf([{ text: [{ text: 'Tôn Nữ Hoàng Phương Thảo'.normalize('NFD') }, { text: '\u0007Đồng\tTâm', bold: true }] }]);
    expect(page!.lines.map((l) => l.text).join('')).toBe('Tôn Nữ Hoàng Phương Thảo Đồng Tâm');
  });

  it('numbers the pages after the first at the top, in the middle (Decree 30/2020)', async () => {
    const pages = await linesOf(Array.from({ length: 60 }, (_, i) => ({ text: `Dòng ${i + 1}` })));
    expect(pages.length).toBeGreaterThan(1);
    expect(pages[0]!.lines[0]!.text).toBe('Dòng 1');
    expect(pages[0]!.lines.filter((l) => l.top < A5.margins.top)).toEqual([]);
    pages.slice(1).forEach((page, i) => {
      const number = page.lines.find((l) => l.top < A5.margins.top);
      expect(number?.text).toBe(String(i + 2));
      expect((number!.x + number!.right) / 2).toBeCloseTo(page.width / 2, 0);
    });
  });
});

describe('the state header in a PDF', () => {
  it('draws what state-header.ts declares: the issuer on the left, the national title and motto on the right, the place and date below', async () => {
    const header = stateHeader({ governing: 'UBND phường Đức Xuân', issuer: 'Bộ phận Một cửa', place: 'Đức Xuân', day: '2026-03-09' }, textWidth(A5), 0.75);
    const [page] = await linesOf([stateHeaderPdf(header)]);
    const texts = page!.lines.map((l) => l.text.trim());
    expect(texts.sort()).toEqual(['UBND PHƯỜNG ĐỨC XUÂN', 'BỘ PHẬN MỘT CỬA', NATIONAL_TITLE, MOTTO, 'Đức Xuân, ngày 09 tháng 3 năm 2026'].sort());
    const at = (text: string) => page!.lines.find((l) => l.text.trim() === text)!;
    const middle = (l: Line) => (l.x + l.right) / 2;
    expect(middle(at('BỘ PHẬN MỘT CỬA'))).toBeLessThan(page!.width / 2);
    expect(middle(at(MOTTO))).toBeGreaterThan(page!.width / 2);
    expect(middle(at('Đức Xuân, ngày 09 tháng 3 năm 2026'))).toBeCloseTo(middle(at(MOTTO)), 0);
  });
});
