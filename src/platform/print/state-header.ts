/**
 * The header of a state document (Decree 30/2020/NĐ-CP, Appendix I): on the left the issuing body, under the body
 * that governs it, with a short rule under its name and the document's number below; on the right the national
 * title and the motto, a rule as long as the motto, and the place and date below. What the lines say, their sizes
 * and the rules are decided here once; the PDF (pdf.ts) and the Word (docx.ts) renderers only translate them.
 */

export const NATIONAL_TITLE = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const MOTTO = 'Độc lập - Tự do - Hạnh phúc';

/** The motto's width in Liberation Serif Bold (Times New Roman's metrics), in ems: its rule is as long as it. */
export const MOTTO_EMS = 12.22;

/** The rules' thickness, in points. */
export const RULE_THICKNESS = 0.75;

/** The issuing body's share of the text width: the other column holds the national title on one line. */
const ISSUER_SHARE = 0.44;

/** Sizes in points on A4, within Decree 30's ranges (issuer 12–13, national title 12–13, motto 13–14, date 13–14). */
const SIZES = { issuer: 12, nationalTitle: 12, motto: 13, number: 13, date: 13 };

const pad2 = (n: number) => String(n).padStart(2, '0');

/** "ngày 09 tháng 3 năm 2026" for 2026-03-09: days below 10 and months 1, 2 take a leading zero (Decree 30/2020). */
export function vietnameseDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return `ngày ${pad2(d)} tháng ${m < 3 ? pad2(m) : m} năm ${y}`;
}

export type HeaderLine =
  | { kind: 'text'; text: string; size: number; bold?: boolean; italic?: boolean; before: number }
  | { kind: 'rule'; width: number; before: number };

export interface StateHeader {
  /** the issuing body's column and the motto's, in points */
  columns: [number, number];
  /** each row is [the issuer's side, the motto's side]; the second lines the number up with the date */
  rows: [[HeaderLine[], HeaderLine[]], [HeaderLine[], HeaderLine[]]];
}

export interface StateHeaderInput {
  /** the body above the issuer ("UBND TỈNH THÁI NGUYÊN"), if any */
  governing?: string;
  issuer: string;
  /** "Số: SC-2026-0001/TB-ATTT"; papers without a number leave it out */
  number?: string;
  /** the place in "<place>, ngày … tháng … năm …" */
  place: string;
  /** the day of issue where it is issued, YYYY-MM-DD */
  day: string;
}

/** The header on a text `width` points wide; `scale` shrinks the A4 sizes for a smaller page. */
export function stateHeader(input: StateHeaderInput, width: number, scale = 1): StateHeader {
  const left = width * ISSUER_SHARE;
  const upper = (s: string) => s.toLocaleUpperCase('vi');
  const text = (t: string, size: number, style: { bold?: boolean; italic?: boolean } = {}, before = 0): HeaderLine => ({ kind: 'text', text: t, size: size * scale, ...style, before: before * scale });
  const rule = (ruleWidth: number): HeaderLine => ({ kind: 'rule', width: ruleWidth, before: 4 * scale });
  return {
    columns: [left, width - left],
    rows: [
      [
        [
          ...(input.governing ? [text(upper(input.governing), SIZES.issuer)] : []),
          text(upper(input.issuer), SIZES.issuer, { bold: true }),
          // Decree 30: a third to a half of the name's length
          rule(left / 3),
        ],
        [text(NATIONAL_TITLE, SIZES.nationalTitle, { bold: true }), text(MOTTO, SIZES.motto, { bold: true }), rule(MOTTO_EMS * SIZES.motto * scale)],
      ],
      [
        input.number ? [text(input.number, SIZES.number, {}, 6)] : [],
        [text(`${input.place}, ${vietnameseDay(input.day)}`, SIZES.date, { italic: true }, 6)],
      ],
    ],
  };
}
