/**
 * Printable PDFs: pdfmake lays out flowing text, columns and pages; documents are built from data and drawn in
 * Liberation Serif (fonts.ts).
 */
import pdfmake from 'pdfmake';
import type { Content } from 'pdfmake/interfaces';
import { SERIF_FILES } from './fonts.ts';
import { RULE_THICKNESS, type HeaderLine, type StateHeader } from './state-header.ts';

export type { Content };

const FAMILY = 'Serif';
pdfmake.setFonts({ [FAMILY]: SERIF_FILES });
// a document names no file and no address: pdfmake may read the fonts and nothing else
const fontFiles = new Set<string>(Object.values(SERIF_FILES));
pdfmake.setLocalAccessPolicy((path) => fontFiles.has(path));
pdfmake.setUrlAccessPolicy(() => false);

/** pdfmake's sizes, in points. */
const PAGE_SIZES = { A4: [595.28, 841.89], A5: [419.53, 595.28] } as const;

export interface PageLayout {
  size: keyof typeof PAGE_SIZES;
  margins: { top: number; right: number; bottom: number; left: number };
}

export const textWidth = (page: PageLayout) => PAGE_SIZES[page.size][0] - page.margins.left - page.margins.right;

export interface PrintDocument {
  page: PageLayout;
  /** the body's font size */
  size: number;
  title: string;
  subject: string;
  /** when it is printed: the PDF's creation date */
  at: Date;
  content: Content[];
}

/**
 * Text from a person may be decomposed (NFD) or carry control characters (a tab, an old row): drawn as is, its
 * accents would float. Every string of the content is cleaned, so that no template can forget one.
 */
function printable<T>(node: T): T {
  if (typeof node === 'string') return node.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ') as T;
  if (Array.isArray(node)) return node.map(printable) as T;
  if (typeof node === 'object' && node !== null) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, printable(v)])) as T;
  return node;
}

export async function renderPdf(doc: PrintDocument): Promise<Uint8Array> {
  const { top, right, bottom, left } = doc.page.margins;
  const pageNumberSize = doc.size * 0.9;
  const pdf = pdfmake.createPdf({
    pageSize: doc.page.size,
    pageMargins: [left, top, right, bottom],
    language: 'vi-VN',
    info: { title: doc.title, subject: doc.subject, creator: 'motcua', producer: 'motcua', creationDate: doc.at, modDate: doc.at },
    defaultStyle: { font: FAMILY, fontSize: doc.size, lineHeight: 1.15 },
    // Decree 30/2020: pages after the first are numbered at the top, in the middle
    header: (page) => (page < 2 ? null : { text: String(page), fontSize: pageNumberSize, alignment: 'center', margin: [0, (top - pageNumberSize) / 2, 0, 0] }),
    content: printable(doc.content),
  });
  return new Uint8Array(await pdf.getBuffer());
}

function headerLine(line: HeaderLine, width: number): Content {
  if (line.kind === 'text') return { text: line.text, fontSize: line.size, bold: line.bold ?? false, italics: line.italic ?? false, alignment: 'center', margin: [0, line.before, 0, 0] };
  const x = (width - line.width) / 2;
  return { canvas: [{ type: 'line', x1: x, y1: 0, x2: x + line.width, y2: 0, lineWidth: RULE_THICKNESS }], margin: [0, line.before, 0, 0] };
}

/** The state document header; `underIssuer` goes below the issuing body, beside the date (the receipt's QR code). */
export function stateHeaderPdf(header: StateHeader, underIssuer: Content[] = []): Content {
  const [leftWidth, rightWidth] = header.columns;
  return {
    unbreakable: true,
    stack: header.rows.map(([left, right], i) => ({
      columnGap: 0,
      columns: [
        { width: leftWidth, stack: [...left.map((l) => headerLine(l, leftWidth)), ...(i === header.rows.length - 1 ? underIssuer : [])] },
        { width: rightWidth, stack: right.map((l) => headerLine(l, rightWidth)) },
      ],
    })),
  };
}
