/**
 * PDF documents in the state format, laid out by pdfmake: the paper and its margins, the embedded serif, text that
 * wraps and runs onto the next page, page numbers from the second page, and the state header as state-header.ts
 * decides it (docx.ts draws the same header in Word).
 */
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import QRCode from 'qrcode';
import { SERIF_FILES } from './fonts.ts';
import { RULE_THICKNESS, type HeaderLine, type StateHeader } from './state-header.ts';

export type { Content };

export interface Paper {
  size: 'A4' | 'A5';
  margins: { top: number; right: number; bottom: number; left: number };
  /** the body's font size, in points */
  fontSize: number;
}

export interface PdfDocument {
  paper: Paper;
  title: string;
  subject: string;
  createdAt: Date;
  content: Content[];
}

const PAGE_WIDTHS = { A4: 595.28, A5: 419.53 };

/** The width text runs in on the paper, in points. */
export const textWidth = (paper: Paper) => PAGE_WIDTHS[paper.size] - paper.margins.left - paper.margins.right;

const FONT = 'Serif';
const fontFiles: readonly string[] = Object.values(SERIF_FILES);
/** pdfmake, loaded on the first document (it and its font engine weigh a fifth of a second on every start otherwise). */
let printer: Promise<typeof import('pdfmake')> | undefined;
const loadPrinter = () =>
  (printer ??= import('pdfmake').then(({ default: pdfmake }) => {
    // a copy: pdfmake writes the resolved paths back into what it is given
    pdfmake.setFonts({ [FONT]: { ...SERIF_FILES } });
    // the serif's three files are all a document may make the printer read; images come as data: URLs
    pdfmake.setLocalAccessPolicy((path) => fontFiles.includes(path));
    pdfmake.setUrlAccessPolicy(() => false);
    return pdfmake;
  }));

/** Liberation Serif's own line, ascender to descender, in ems: pdfmake's line height is a multiple of it. */
const SERIF_LINE = (1825 + 443) / 2048;
/** Lines 1.32 em apart. */
const LINE_HEIGHT = 1.32 / SERIF_LINE;

/** Text from a person may be decomposed (NFD) or carry control characters: drawn as is, its accents would float. */
const clean = (text: string) => text.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');

/**
 * Past this many letters a word is a pasted link or code, not a word: it may break where a line ends. 40 letters of
 * text (half an em each, about) fit the narrowest body line, A5 at 10.5 pt (357 pt).
 */
const UNBROKEN_LETTERS = 40;

type Inline = { text: string } & Record<string, unknown>;

/**
 * Lines break at spaces only. Left to itself pdfmake breaks where Unicode allows (UAX #14), after any hyphen: a
 * dossier code "01840-260303-0001" or a reason "lý-do" would be split over two lines and read back split.
 */
function words(run: Inline): Inline[] {
  return clean(run.text)
    .split(/(?<= )(?=[^ ])/)
    .map((word) => (word.trimEnd().length <= UNBROKEN_LETTERS ? { ...run, text: word, noWrap: true } : { ...run, text: word }));
}

/** The content with its text cleaned and cut into words. */
function prepared<T>(node: T): T {
  if (Array.isArray(node)) return node.map(prepared) as T;
  if (!node || typeof node !== 'object' || Object.getPrototypeOf(node) !== Object.prototype) return node;
  const entries = Object.entries(node).map(([key, value]) => {
    if (key !== 'text' || !value) return [key, prepared(value)];
    const runs: unknown[] = Array.isArray(value) ? value : [value];
    return [key, runs.flatMap((run) => (typeof run === 'string' ? words({ text: run }) : words(run as Inline)))];
  });
  return Object.fromEntries(entries) as T;
}

/** The document as PDF bytes. */
export async function renderPdf(doc: PdfDocument): Promise<Uint8Array> {
  const { size, margins, fontSize } = doc.paper;
  const numberSize = fontSize * 0.9;
  const definition: TDocumentDefinitions = {
    pageSize: size,
    pageMargins: [margins.left, margins.top, margins.right, margins.bottom],
    language: 'vi-VN',
    info: { title: doc.title, subject: doc.subject, creator: 'motcua', producer: 'motcua', creationDate: doc.createdAt, modDate: doc.createdAt },
    defaultStyle: { font: FONT, fontSize, lineHeight: LINE_HEIGHT },
    // Decree 30/2020: pages after the first are numbered at the top, in the middle
    header: (page) => (page === 1 ? null : { text: String(page), fontSize: numberSize, lineHeight: 1, alignment: 'center', margin: [0, (margins.top - numberSize * SERIF_LINE) / 2, 0, 0] }),
    content: prepared(doc.content),
  };
  return new Uint8Array(await (await loadPrinter()).createPdf(definition).getBuffer());
}

/** A short horizontal rule `width` points long, centred in a column `columnWidth` points wide. */
function rule(width: number, columnWidth: number, before = 0): Content {
  const x1 = (columnWidth - width) / 2;
  return { canvas: [{ type: 'line', x1, y1: 0, x2: x1 + width, y2: 0, lineWidth: RULE_THICKNESS }], margin: [0, before, 0, 0] };
}

function headerLine(line: HeaderLine, columnWidth: number): Content {
  if (line.kind === 'rule') return rule(line.width, columnWidth, line.before);
  return { text: line.text, fontSize: line.size, bold: line.bold ?? false, italics: line.italic ?? false, alignment: 'center', margin: [0, line.before, 0, 0] };
}

const NO_LINES = { hLineWidth: () => 0, vLineWidth: () => 0, paddingLeft: () => 0, paddingRight: () => 0, paddingTop: () => 0, paddingBottom: () => 0 };

/**
 * The state document header as a borderless table of two rows, as in Word. `underIssuer` goes below the issuing
 * body (the receipt's QR code): a picture only a PDF carries, so it is not part of the shared header.
 */
export function stateHeaderPdf(header: StateHeader, underIssuer: Content[] = []): Content {
  const [first, second] = header.rows;
  const cells = (row: typeof first): Content[] => row.map((lines, i) => ({ stack: lines.map((line) => headerLine(line, header.columns[i]!)) }));
  const [numberCell, dateCell] = cells(second);
  return {
    table: { widths: [...header.columns], body: [cells(first), [{ stack: [numberCell!, ...underIssuer] }, dateCell!]] },
    layout: NO_LINES,
  };
}

/** A QR code `size` points wide, centred in its column. */
export async function qrImage(text: string, size: number, before = 0): Promise<Content> {
  const png = await QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 1, scale: 6 });
  return { image: png, width: size, height: size, alignment: 'center', margin: [0, before, 0, 0] };
}
