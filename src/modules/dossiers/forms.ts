/**
 * The papers the one-stop desk hands a citizen, as PDF, in the layout of Circular 03/2025/TT-VPCP Appendix I
 * (formerly Circular 01/2018/TT-VPCP): form 01 receipt with the promised date (A5, with a QR code of the dossier
 * code), 02 supplement request, 03 refusal to receive, 04 apology with a new date, 05 notice that processing
 * stopped. Each print is journaled with the citizens it names.
 */
import fs from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { PageSizes, PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { requireActor, type Ctx } from '../../platform/context.ts';
import { conflict } from '../../platform/errors.ts';
import { record } from '../journal/index.ts';
import { dossierPolicy } from './dossiers.policy.ts';
import { dossierEvents, dossierPersons, dossiers, type DossierRow } from './dossiers.tables.ts';
import { VIETNAM_UTC_OFFSET_MS, vietnamDate, type IsoDate } from '../../../common/vietnam-time.ts';
import { officersView } from '../accounts/index.ts';
import { catalogueView, versionsView, type RequiredDocument } from '../procedures/index.ts';
import { unitsView, type UnitInfo } from '../units/index.ts';
import type { Channel } from '../../../common/dossier-workflow.ts';

const accounts = officersView('accounts');
const procedureCatalogue = catalogueView('procedure_catalogue');
const procedureVersions = versionsView('procedure_versions');
const units = unitsView('units');

export const FORMS = ['receipt', 'supplement', 'refusal', 'apology'] as const;
export type FormKind = (typeof FORMS)[number];

export interface PrintedForm {
  bytes: Uint8Array;
  /** ASCII only: safe in any Content-Disposition */
  fileName: string;
}

// ——— Loading what a form says ———

const desk = unitsView('desk');
const processingUnit = unitsView('processing_unit');
const receiver = officersView('receiver');

/** The workflow steps a form reports, newest first. */
const FORM_EVENTS = ['request_supplement', 'not_accept', 'stop', 'apologize'] as const;
type FormEventAction = (typeof FORM_EVENTS)[number];

interface FormEvent {
  action: FormEventAction;
  at: Date;
  note: string | null;
  unitId: string | null;
  officer: string | null;
}

interface FormData {
  dossier: DossierRow;
  procedureName: string;
  documents: RequiredDocument[];
  receiverName: string | null;
  events: FormEvent[];
}

/** The dossier as the forms need it, visible to the actor under the dossier policy (404 otherwise, R18). */
async function loadFormData(ctx: Ctx, id: string): Promise<FormData> {
  const actor = requireActor(ctx);
  const [row] = await ctx.tx
    .select({
      dossier: dossiers,
      deskPath: desk.path,
      processingPath: processingUnit.path,
      procedureName: procedureCatalogue.name,
      documents: procedureVersions.documents,
      receiverName: receiver.fullName,
    })
    .from(dossiers)
    .innerJoin(desk, eq(desk.id, dossiers.receivedUnitId))
    .leftJoin(processingUnit, eq(processingUnit.id, dossiers.processingUnitId))
    .innerJoin(procedureVersions, eq(procedureVersions.id, dossiers.procedureVersionId))
    .innerJoin(procedureCatalogue, eq(procedureCatalogue.code, dossiers.procedureCode))
    .leftJoin(receiver, eq(receiver.id, dossiers.receivedBy))
    .where(eq(dossiers.id, id));
  dossierPolicy.authorize(
    actor,
    'read',
    row && { status: row.dossier.status, deskPath: row.deskPath, processingPath: row.processingPath, apologized: row.dossier.apologyDueAt !== null },
  );
  const events = await ctx.tx
    .select({ action: dossierEvents.action, at: dossierEvents.at, note: dossierEvents.note, unitId: dossierEvents.unitId, officer: accounts.fullName })
    .from(dossierEvents)
    .leftJoin(accounts, eq(accounts.id, dossierEvents.actorId))
    .where(and(eq(dossierEvents.dossierId, id), inArray(dossierEvents.action, [...FORM_EVENTS])))
    .orderBy(desc(dossierEvents.id));
  const { dossier, procedureName, documents, receiverName } = row!;
  return { dossier, procedureName, documents, receiverName, events: events as FormEvent[] };
}

/** The unit and the units above it, the province first. */
async function unitChain(ctx: Ctx, unitId: string): Promise<UnitInfo[]> {
  const [unit] = await ctx.tx.select().from(units).where(eq(units.id, unitId));
  if (!unit) throw new Error(`unit ${unitId} not found`);
  const chain = await ctx.tx.select().from(units).where(inArray(units.id, unit.path.split('/').filter(Boolean)));
  return chain.sort((a, b) => a.path.length - b.path.length);
}

/** Who issues a form, as its header and its text name them (Decree 30/2020 layout: governing body above the issuer). */
interface Issuer {
  governing: string;
  name: string;
  /** the issuer inside a sentence */
  inText: string;
  /** the place in "<place>, ngày … tháng … năm …" */
  place: string;
}

const upper = (s: string) => s.toLocaleUpperCase('vi');
/** "Phường Đức Xuân" inside a sentence reads "phường Đức Xuân". */
const inSentence = (s: string) => s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);

/**
 * The desk issues the receipt and the refusal to receive (its one-stop desk, "Bộ phận Một cửa"); the processing
 * unit issues the supplement request, the apology and the notice that processing stopped.
 */
function issuerOf(chain: UnitInfo[], as: 'desk' | 'office'): Issuer {
  const unit = chain[chain.length - 1]!;
  const admin = [...chain].reverse().find((u) => u.kind === 'province' || u.kind === 'commune') ?? chain[0]!;
  const province = chain[0]!;
  const place = admin.name;
  if (unit !== admin) return { governing: upper(`UBND ${admin.fullName}`), name: upper(unit.name), inText: unit.name, place };
  if (as === 'desk') return { governing: upper(`UBND ${admin.fullName}`), name: 'BỘ PHẬN MỘT CỬA', inText: `Bộ phận Một cửa ${inSentence(admin.fullName)}`, place };
  return {
    governing: admin === province ? '' : upper(`UBND ${province.fullName}`),
    name: upper(`Ủy ban nhân dân ${admin.fullName}`),
    inText: `Ủy ban nhân dân ${inSentence(admin.fullName)}`,
    place,
  };
}

// ——— Vietnamese dates (Decree 30/2020: days below 10 and months 1, 2 take a leading zero) ———

const pad2 = (n: number) => String(n).padStart(2, '0');

export function vietnameseDay(day: IsoDate): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return `ngày ${pad2(d)} tháng ${m < 3 ? pad2(m) : m} năm ${y}`;
}

export function vietnameseTime(at: Date): string {
  const local = new Date(at.getTime() + VIETNAM_UTC_OFFSET_MS);
  return `${pad2(local.getUTCHours())} giờ ${pad2(local.getUTCMinutes())} phút, ${vietnameseDay(vietnamDate(at))}`;
}

/** A deadline is the end of its day (midnight after it): the day promised is the one before that instant. */
const promisedDay = (due: Date) => vietnameseDay(vietnamDate(new Date(due.getTime() - 1)));

const CHANNEL_NAMES: Record<Channel, string> = { in_person: 'Trực tiếp', online: 'Trực tuyến', post: 'Qua dịch vụ bưu chính' };

/** Vietnamese legal texts number points a), b), c), d), đ), e)… */
const POINTS = 'abcdđeghiklmnopqrstuvxy';
const point = (i: number) => `${POINTS[i] ?? String(i + 1)})`;

// ——— Page layout ———

type Style = 'regular' | 'bold' | 'italic';
interface Run {
  text: string;
  style?: Style;
}
type Fonts = Record<Style, PDFFont>;
interface Piece {
  text: string;
  font: PDFFont;
  width: number;
}

interface Paragraph {
  runs: Run[] | string;
  size?: number;
  align?: 'left' | 'center' | 'right';
  /** first-line indent and the indent of the lines after it */
  indent?: number;
  hang?: number;
  /** space before the paragraph, in points */
  before?: number;
}

/** Text from a person may be decomposed (NFD) or carry control characters: drawn as is, its accents would float. */
const clean = (text: string) => text.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');

const LINE_HEIGHT = 1.32;

/** A document written top to bottom: wraps runs of text to the width and starts a new page when one is full. */
class Sheet {
  page!: PDFPage;
  y = 0;

  constructor(
    readonly doc: PDFDocument,
    readonly fonts: Fonts,
    readonly pageSize: [number, number],
    readonly margin: { top: number; right: number; bottom: number; left: number },
    /** the body's font size */
    readonly size: number,
  ) {
    this.addPage();
  }

  get left() {
    return this.margin.left;
  }

  get width() {
    return this.pageSize[0] - this.margin.left - this.margin.right;
  }

  addPage() {
    this.page = this.doc.addPage(this.pageSize);
    this.y = this.pageSize[1] - this.margin.top;
  }

  /** Breaks runs into lines no wider than `width` (words longer than a line are cut). */
  lines(p: Paragraph, width: number): Piece[][] {
    const size = p.size ?? this.size;
    const runs = typeof p.runs === 'string' ? [{ text: p.runs }] : p.runs;
    const lines: Piece[][] = [[]];
    let used = p.indent ?? 0;
    const newLine = () => {
      lines.push([]);
      used = p.hang ?? 0;
    };
    for (const run of runs) {
      const font = this.fonts[run.style ?? 'regular'];
      for (const token of clean(run.text).split(/( +)/)) {
        if (!token) continue;
        const line = lines[lines.length - 1]!;
        if (token.startsWith(' ')) {
          if (line.length > 0) {
            const w = font.widthOfTextAtSize(token, size);
            line.push({ text: token, font, width: w });
            used += w;
          }
          continue;
        }
        let word = token;
        let w = font.widthOfTextAtSize(word, size);
        if (used + w > width && line.some((piece) => piece.text.trim() !== '')) newLine();
        while (used + w > width && word.length > 1) {
          let n = word.length - 1;
          while (n > 1 && used + font.widthOfTextAtSize(word.slice(0, n), size) > width) n--;
          const head = word.slice(0, n);
          lines[lines.length - 1]!.push({ text: head, font, width: font.widthOfTextAtSize(head, size) });
          newLine();
          word = word.slice(n);
          w = font.widthOfTextAtSize(word, size);
        }
        lines[lines.length - 1]!.push({ text: word, font, width: w });
        used += w;
      }
    }
    return lines.map((line) => {
      while (line.length > 0 && line[line.length - 1]!.text.trim() === '') line.pop();
      // one drawText per font change keeps the words of a line together for text extraction
      const merged: Piece[] = [];
      for (const piece of line) {
        const last = merged[merged.length - 1];
        if (last && last.font === piece.font) merged[merged.length - 1] = { text: last.text + piece.text, font: last.font, width: last.width + piece.width };
        else merged.push(piece);
      }
      return merged;
    });
  }

  lineHeight(p: Paragraph) {
    return (p.size ?? this.size) * LINE_HEIGHT;
  }

  height(p: Paragraph, width = this.width) {
    return (p.before ?? 0) + this.lines(p, width).length * this.lineHeight(p);
  }

  /** Draws a paragraph at the cursor; `paging` false keeps it where it is (columns lay out their own block). */
  write(p: Paragraph, box: { x: number; width: number; paging?: boolean } = { x: this.left, width: this.width }) {
    const size = p.size ?? this.size;
    const lh = this.lineHeight(p);
    this.y -= p.before ?? 0;
    for (const [i, line] of this.lines(p, box.width).entries()) {
      if (box.paging !== false && this.y - lh < this.margin.bottom) this.addPage();
      const lineWidth = line.reduce((sum, piece) => sum + piece.width, 0);
      const indent = i === 0 ? (p.indent ?? 0) : (p.hang ?? 0);
      let x = box.x + indent;
      if (p.align === 'center') x = box.x + (box.width - lineWidth) / 2;
      if (p.align === 'right') x = box.x + box.width - lineWidth;
      // the baseline sits one em below the top of the line; the rest of the line height is below it
      const baseline = this.y - size * 1.02;
      for (const piece of line) {
        this.page.drawText(piece.text, { x, y: baseline, size, font: piece.font, color: rgb(0, 0, 0) });
        x += piece.width;
      }
      this.y -= lh;
    }
  }

  /** Side-by-side blocks (header, signatures) drawn from the same height; the cursor ends below the tallest. */
  columns(columns: { x: number; width: number; draw: (column: { x: number; width: number }) => void }[], height: number) {
    if (this.y - height < this.margin.bottom) this.addPage();
    const top = this.y;
    let bottom = top;
    for (const column of columns) {
      this.y = top;
      column.draw({ x: column.x, width: column.width });
      bottom = Math.min(bottom, this.y);
    }
    this.y = bottom;
  }

  /** Decree 30/2020: pages after the first are numbered at the top, in the middle. */
  numberPages() {
    const pages = this.doc.getPages();
    if (pages.length < 2) return;
    const size = this.size * 0.9;
    pages.forEach((page, i) => {
      if (i === 0) return;
      const text = String(i + 1);
      const width = this.fonts.regular.widthOfTextAtSize(text, size);
      page.drawText(text, { x: (this.pageSize[0] - width) / 2, y: this.pageSize[1] - this.margin.top / 2 - size / 2, size, font: this.fonts.regular, color: rgb(0, 0, 0) });
    });
  }

  /** A short rule under a centred line of `size`, as under the issuer's name and the national motto. */
  rule(centre: number, width: number, size: number) {
    const y = this.y - size * 0.3;
    this.page.drawLine({ start: { x: centre - width / 2, y }, end: { x: centre + width / 2, y }, thickness: 0.6, color: rgb(0, 0, 0) });
    this.y -= size * 0.6;
  }
}

// ——— The parts every form shares ———

const FONT_FILES: Record<Style, string> = {
  regular: 'LiberationSerif-Regular.ttf',
  bold: 'LiberationSerif-Bold.ttf',
  italic: 'LiberationSerif-Italic.ttf',
};
const FONTS_DIR = new URL('../../../reference/fonts/', import.meta.url);
let fontBytes: Record<Style, Uint8Array> | null = null;

/**
 * Liberation Serif (SIL Open Font License 1.1, reference/fonts/) has the metrics of Times New Roman, the font of
 * official documents (Decree 30/2020), and every Vietnamese letter precomposed. Read once, embedded as a subset.
 */
function loadFontBytes(): Record<Style, Uint8Array> {
  if (!fontBytes) {
    const read = (style: Style) => fs.readFileSync(new URL(FONT_FILES[style], FONTS_DIR));
    fontBytes = { regular: read('regular'), bold: read('bold'), italic: read('italic') };
  }
  return fontBytes;
}

interface Layout {
  pageSize: [number, number];
  margin: { top: number; right: number; bottom: number; left: number };
  size: number;
  headerSize: number;
  titleSize: number;
  signatureSpace: number;
}

const A5: Layout = { pageSize: PageSizes.A5 as [number, number], margin: { top: 28, right: 26, bottom: 24, left: 36 }, size: 10.5, headerSize: 9, titleSize: 12.5, signatureSpace: 46 };
const A4: Layout = { pageSize: PageSizes.A4 as [number, number], margin: { top: 57, right: 48, bottom: 57, left: 85 }, size: 13, headerSize: 12, titleSize: 14, signatureSpace: 72 };

async function newSheet(layout: Layout, meta: { title: string; code: string; now: Date }): Promise<Sheet> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const bytes = loadFontBytes();
  const fonts: Fonts = {
    regular: await doc.embedFont(bytes.regular, { subset: true }),
    bold: await doc.embedFont(bytes.bold, { subset: true }),
    italic: await doc.embedFont(bytes.italic, { subset: true }),
  };
  doc.setTitle(`${meta.title} – ${meta.code}`);
  doc.setSubject(`Mã hồ sơ ${meta.code}`);
  doc.setLanguage('vi-VN');
  doc.setCreator('motcua');
  doc.setProducer('motcua');
  doc.setCreationDate(meta.now);
  doc.setModificationDate(meta.now);
  return new Sheet(doc, fonts, layout.pageSize, layout.margin, layout.size);
}

/**
 * The national motto on the right, the issuer on the left (with the QR code under it on the receipt), and the place
 * and date of issue under the motto.
 */
async function header(sheet: Sheet, layout: Layout, issuer: Issuer, issuedAt: Date, qr: string | null) {
  const size = layout.headerSize;
  const leftWidth = sheet.width * 0.42;
  const right = { x: sheet.left + leftWidth, width: sheet.width - leftWidth };
  const left = { x: sheet.left, width: leftWidth - size };
  const qrSize = layout.size * 6.2;
  const leftParas: Paragraph[] = [
    ...(issuer.governing ? [{ runs: issuer.governing, size, align: 'center' as const }] : []),
    { runs: [{ text: issuer.name, style: 'bold' as const }], size, align: 'center' },
  ];
  const motto: Paragraph[] = [
    { runs: [{ text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', style: 'bold' }], size, align: 'center' },
    { runs: [{ text: 'Độc lập - Tự do - Hạnh phúc', style: 'bold' }], size: size + 0.5, align: 'center' },
  ];
  const dateLine: Paragraph = { runs: [{ text: `${issuer.place}, ${vietnameseDay(vietnamDate(issuedAt))}`, style: 'italic' }], size, align: 'center', before: size * 0.9 };
  const leftHeight = leftParas.reduce((h, p) => h + sheet.height(p, left.width), 0) + size * 0.6 + (qr ? qrSize + size * 0.7 : 0);
  const rightHeight = motto.reduce((h, p) => h + sheet.height(p, right.width), 0) + size * 0.6 + sheet.height(dateLine, right.width);
  const image = qr ? await sheet.doc.embedPng(await QRCode.toBuffer(qr, { errorCorrectionLevel: 'M', margin: 1, scale: 6 })) : null;
  sheet.columns(
    [
      {
        ...left,
        draw: (box) => {
          for (const p of leftParas) sheet.write(p, { ...box, paging: false });
          sheet.rule(box.x + box.width / 2, Math.min(box.width * 0.45, sheet.fonts.bold.widthOfTextAtSize(issuer.name, size) * 0.6), size);
          if (image) {
            sheet.y -= size * 0.7;
            sheet.page.drawImage(image, { x: box.x + (box.width - qrSize) / 2, y: sheet.y - qrSize, width: qrSize, height: qrSize });
            sheet.y -= qrSize;
          }
        },
      },
      {
        ...right,
        draw: (box) => {
          for (const p of motto) sheet.write(p, { ...box, paging: false });
          sheet.rule(box.x + box.width / 2, sheet.fonts.bold.widthOfTextAtSize('Độc lập - Tự do - Hạnh phúc', size + 0.5), size);
          sheet.write(dateLine, { ...box, paging: false });
        },
      },
    ],
    Math.max(leftHeight, rightHeight),
  );
}

function title(sheet: Sheet, layout: Layout, text: string, code: string) {
  sheet.write({ runs: [{ text, style: 'bold' }], size: layout.titleSize, align: 'center', before: layout.size * 1.6 });
  sheet.write({ runs: [{ text: 'Mã hồ sơ: ' }, { text: code, style: 'bold' }], align: 'center', before: layout.size * 0.2 });
  sheet.y -= layout.size * 0.8;
}

interface Signature {
  title: string;
  hint: string;
  name?: string | null;
}

/** Signature blocks side by side; a single one sits on the right half, as on official letters. */
function signatures(sheet: Sheet, layout: Layout, blocks: Signature[]) {
  const size = layout.size;
  const width = sheet.width / Math.max(blocks.length, 2);
  const paras = (b: Signature): Paragraph[] => [
    { runs: [{ text: b.title, style: 'bold' }], align: 'center' },
    { runs: [{ text: b.hint, style: 'italic' }], size: size - 0.5, align: 'center' },
    ...(b.name ? [{ runs: [{ text: b.name, style: 'bold' as const }], align: 'center' as const, before: layout.signatureSpace }] : []),
  ];
  sheet.y -= size * 1.2;
  const height = Math.max(...blocks.map((b) => paras(b).reduce((h, p) => h + sheet.height(p, width), 0) + (b.name ? 0 : layout.signatureSpace)));
  sheet.columns(
    blocks.map((b, i) => ({
      x: sheet.left + (blocks.length === 1 ? width : i * width),
      width,
      draw: (box: { x: number; width: number }) => {
        for (const p of paras(b)) sheet.write(p, { ...box, paging: false });
      },
    })),
    height,
  );
}

/** A labelled line: "Label: value", wrapped under itself. */
const field = (label: string, value: string, style: Style = 'regular', indent = 0): Paragraph => ({ runs: [{ text: `${label}: ` }, { text: value, style }], indent, hang: indent, before: 1.5 });

/** A person's reason, one paragraph per line they wrote. */
const reasonParagraphs = (reason: string, indent: number): Paragraph[] =>
  reason
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => ({ runs: [{ text: line, style: 'italic' as const }], indent, hang: indent, before: 1.5 }));

function contactLine(d: DossierRow): Paragraph {
  return { runs: [{ text: `Số điện thoại: ${d.applicantPhone || '…'}` }, ...(d.applicantEmail ? [{ text: `    Email: ${d.applicantEmail}` }] : [])], before: 1.5 };
}

/** "thủ tục Đăng ký khai sinh" inside a sentence; a quarter of the catalogue's names already start with "Thủ tục". */
function procedureInSentence(data: FormData): string {
  const name = data.procedureName.trim();
  const phrase = /^thủ tục\s/iu.test(name) ? inSentence(name) : `thủ tục ${inSentence(name)}`;
  return `${phrase} (mã thủ tục ${data.dossier.procedureCode})`;
}

const procedureLine = (data: FormData): Paragraph =>
  field('Nội dung yêu cầu giải quyết', `${data.procedureName} (mã thủ tục ${data.dossier.procedureCode})`);

// ——— The forms ———

/** Form 01: what was received, from whom, and the day the result is promised (A5, with the QR code of the code). */
async function receipt(ctx: Ctx, data: FormData): Promise<Sheet> {
  const d = data.dossier;
  const layout = A5;
  const issuer = issuerOf(await unitChain(ctx, d.receivedUnitId), 'desk');
  const sheet = await newSheet(layout, { title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', code: d.code, now: ctx.clock.now() });
  await header(sheet, layout, issuer, d.receivedAt, d.code);
  title(sheet, layout, 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ', d.code);
  const indent = layout.size * 1.2;
  const paras: Paragraph[] = [
    { runs: `${issuer.inText} tiếp nhận hồ sơ của:` },
    field('Ông/Bà', d.applicantName, 'bold'),
    field('Số định danh cá nhân', d.applicantPersonalId),
    field('Địa chỉ', d.applicantAddress || '…'),
    contactLine(d),
    procedureLine(data),
    { runs: '1. Thành phần hồ sơ nộp gồm:', before: 1.5 },
    // the papers the desk checked off, when it did; the procedure's whole list otherwise (older dossiers)
    ...(d.receivedPapers.length > 0 ? data.documents.filter((doc) => d.receivedPapers.includes(doc.name)) : data.documents).map((doc, i) => ({
      runs: `${point(i)} ${doc.name}: ${pad2(doc.copies)} bản${doc.required ? '' : ' (nếu có)'}`,
      indent,
      hang: indent + layout.size,
      before: 1,
    })),
    { runs: '2. Số lượng hồ sơ: 01 (bộ)', before: 1.5 },
    { runs: `3. Thời gian giải quyết hồ sơ theo quy định: ${d.workingDays > 0 ? `${pad2(d.workingDays)} ngày làm việc` : 'trong ngày'}`, before: 1.5 },
    { runs: `4. Thời gian nhận hồ sơ: ${vietnameseTime(d.receivedAt)}`, before: 1.5 },
    {
      runs: [
        { text: '5. Thời gian trả kết quả giải quyết hồ sơ: ' },
        d.dueAt ? { text: promisedDay(d.dueAt), style: 'bold' } : { text: 'tạm dừng, sẽ hẹn lại khi nhận đủ hồ sơ bổ sung', style: 'italic' },
      ],
      before: 1.5,
    },
    { runs: `6. Hình thức nộp hồ sơ: ${CHANNEL_NAMES[d.channel]}`, before: 1.5 },
  ];
  for (const p of paras) sheet.write(p);
  signatures(sheet, layout, [
    { title: 'NGƯỜI NỘP HỒ SƠ', hint: '(Ký và ghi rõ họ tên)', name: d.applicantName },
    { title: 'NGƯỜI TIẾP NHẬN HỒ SƠ', hint: '(Ký và ghi rõ họ tên)', name: data.receiverName },
  ]);
  return sheet;
}

async function officeIssuer(ctx: Ctx, data: FormData, event: FormEvent): Promise<Issuer> {
  return issuerOf(await unitChain(ctx, event.unitId ?? data.dossier.processingUnitId ?? data.dossier.receivedUnitId), 'office');
}

/** Form 02: what the citizen must add, why, and that the clock waits for it. */
async function supplementRequest(ctx: Ctx, data: FormData, event: FormEvent): Promise<Sheet> {
  const d = data.dossier;
  const layout = A4;
  const issuer = await officeIssuer(ctx, data, event);
  const deskIssuer = issuerOf(await unitChain(ctx, d.receivedUnitId), 'desk');
  const sheet = await newSheet(layout, { title: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', code: d.code, now: ctx.clock.now() });
  await header(sheet, layout, issuer, event.at, null);
  title(sheet, layout, 'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ', d.code);
  const paras: Paragraph[] = [
    field('Hồ sơ của', d.applicantName, 'bold'),
    field('Số định danh cá nhân', d.applicantPersonalId),
    procedureLine(data),
    field('Địa chỉ', d.applicantAddress || '…'),
    contactLine(d),
    field('Ngày tiếp nhận hồ sơ', vietnameseDay(vietnamDate(d.receivedAt))),
    { runs: `Sau khi xem xét, ${issuer.inText} đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:`, before: layout.size * 0.5 },
    ...reasonParagraphs(event.note ?? d.statusReason ?? '', layout.size * 1.5),
    {
      runs: `Thời gian giải quyết hồ sơ tạm dừng từ ${vietnameseDay(vietnamDate(event.at))} và được tính tiếp khi Ông/Bà nộp đủ hồ sơ bổ sung.`,
      before: layout.size * 0.5,
    },
    { runs: `Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ ${deskIssuer.inText} để được hướng dẫn./.`, before: 1.5 },
  ];
  for (const p of paras) sheet.write(p);
  signatures(sheet, layout, [{ title: 'NGƯỜI HƯỚNG DẪN', hint: '(Ký và ghi rõ họ tên)', name: event.officer }]);
  return sheet;
}

/** Form 03: the desk does not receive the dossier, and says why. */
async function refusal(ctx: Ctx, data: FormData, event: FormEvent): Promise<Sheet> {
  const d = data.dossier;
  const layout = A4;
  const issuer = issuerOf(await unitChain(ctx, d.receivedUnitId), 'desk');
  const sheet = await newSheet(layout, { title: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ', code: d.code, now: ctx.clock.now() });
  await header(sheet, layout, issuer, event.at, null);
  title(sheet, layout, 'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ', d.code);
  const paras: Paragraph[] = [
    { runs: `${issuer.inText} tiếp nhận hồ sơ của:` },
    field('Ông/Bà', d.applicantName, 'bold'),
    field('Số định danh cá nhân', d.applicantPersonalId),
    field('Địa chỉ', d.applicantAddress || '…'),
    contactLine(d),
    procedureLine(data),
    { runs: `Qua xem xét, ${issuer.inText} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:`, before: layout.size * 0.5 },
    ...reasonParagraphs(event.note ?? d.statusReason ?? '', layout.size * 1.5),
    { runs: 'Xin thông báo cho Ông/Bà được biết và thực hiện./.', before: layout.size * 0.5 },
  ];
  for (const p of paras) sheet.write(p);
  signatures(sheet, layout, [{ title: 'NGƯỜI TIẾP NHẬN HỒ SƠ', hint: '(Ký và ghi rõ họ tên)', name: event.officer }]);
  return sheet;
}

/**
 * The opening of a letter the processing unit sends the applicant (forms 04, 05): header, title, the addressee and
 * when and where the dossier was received.
 */
async function officeLetter(ctx: Ctx, data: FormData, event: FormEvent, heading: { title: string; caps: string }, applicantId: boolean) {
  const d = data.dossier;
  const layout = A4;
  const issuer = await officeIssuer(ctx, data, event);
  const deskIssuer = issuerOf(await unitChain(ctx, d.receivedUnitId), 'desk');
  const sheet = await newSheet(layout, { title: heading.title, code: d.code, now: ctx.clock.now() });
  await header(sheet, layout, issuer, event.at, null);
  title(sheet, layout, heading.caps, d.code);
  const who = applicantId ? ` (số định danh cá nhân ${d.applicantPersonalId})` : '';
  sheet.write({ runs: [{ text: 'Kính gửi: Ông/Bà ' }, { text: d.applicantName, style: 'bold' }], align: 'center', before: 1.5 });
  sheet.write({
    runs: `${vietnameseDay(vietnamDate(d.receivedAt)).replace(/^n/, 'N')}, ${deskIssuer.inText} tiếp nhận hồ sơ của Ông/Bà${who} đề nghị giải quyết ${procedureInSentence(data)}.`,
    before: layout.size * 0.6,
  });
  return { sheet, layout, issuer };
}

const HEAD_OF_UNIT = { title: 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ', hint: '(Ký, ghi rõ họ tên và đóng dấu)' };

/** Form 05 (Circular 03/2025): the competent unit stops processing a received dossier, and says why. */
async function stopNotice(ctx: Ctx, data: FormData, event: FormEvent): Promise<Sheet> {
  const d = data.dossier;
  const { sheet, layout, issuer } = await officeLetter(ctx, data, event, { title: 'Thông báo dừng giải quyết hồ sơ', caps: 'THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ' }, true);
  const paras: Paragraph[] = [
    { runs: `Qua xem xét, ${issuer.inText} thông báo dừng giải quyết hồ sơ này với lý do cụ thể như sau:`, before: 1.5 },
    ...reasonParagraphs(event.note ?? d.statusReason ?? '', layout.size * 1.5),
    { runs: 'Xin thông báo cho Ông/Bà được biết./.', before: layout.size * 0.5 },
  ];
  for (const p of paras) sheet.write(p);
  signatures(sheet, layout, [{ ...HEAD_OF_UNIT, name: event.officer }]);
  return sheet;
}

/** Form 04: late, the unit apologises and promises a new day, once. */
async function apology(ctx: Ctx, data: FormData, event: FormEvent): Promise<Sheet> {
  const d = data.dossier;
  const { sheet, layout, issuer } = await officeLetter(
    ctx,
    data,
    event,
    { title: 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết', caps: 'VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT' },
    false,
  );
  const paras: Paragraph[] = [
    ...(d.dueAt ? [field('Ngày hẹn trả kết quả giải quyết hồ sơ', promisedDay(d.dueAt))] : []),
    { runs: `Tuy nhiên đến nay, ${issuer.inText} chưa trả kết quả giải quyết hồ sơ của Ông/Bà theo đúng thời gian đã hẹn.`, before: 1.5 },
    { runs: 'Lý do:', before: 1.5 },
    ...reasonParagraphs(event.note ?? '', layout.size * 1.5),
    {
      runs: [
        { text: `Sự chậm trễ này đã gây phiền hà cho Ông/Bà. ${issuer.inText} xin lỗi Ông/Bà và đề nghị gia hạn thời gian giải quyết, hẹn trả kết quả giải quyết hồ sơ vào ` },
        { text: promisedDay(d.apologyDueAt!), style: 'bold' },
        { text: '.' },
      ],
      before: layout.size * 0.5,
    },
    { runs: 'Xin trân trọng cảm ơn./.', before: 1.5 },
  ];
  for (const p of paras) sheet.write(p);
  signatures(sheet, layout, [HEAD_OF_UNIT]);
  return sheet;
}

// ——— Printing ———

const notApplicable = (vi: string, en: string) => conflict('form_not_applicable', vi, en);

const latest = (data: FormData, ...actions: FormEventAction[]) => data.events.find((e) => actions.includes(e.action));

/** Which paper the dossier's state calls for, or 409 with what is missing. */
async function render(ctx: Ctx, form: FormKind, data: FormData): Promise<{ sheet: Sheet; slug: string }> {
  const d = data.dossier;
  switch (form) {
    case 'receipt':
      if (d.status === 'not_accepted') {
        throw notApplicable('Hồ sơ không được tiếp nhận nên không có giấy tiếp nhận; hãy in phiếu từ chối tiếp nhận.', 'The dossier was not accepted: it has a refusal, not a receipt.');
      }
      return { sheet: await receipt(ctx, data), slug: 'giay-tiep-nhan' };
    case 'supplement': {
      const event = latest(data, 'request_supplement');
      if (!event) throw notApplicable('Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện nên không có phiếu yêu cầu bổ sung.', 'No supplement was requested for this dossier.');
      return { sheet: await supplementRequest(ctx, data, event), slug: 'phieu-yeu-cau-bo-sung' };
    }
    case 'refusal': {
      const event = d.status === 'not_accepted' ? latest(data, 'not_accept') : d.status === 'stopped' ? latest(data, 'stop') : undefined;
      if (!event) {
        throw notApplicable('Hồ sơ không bị từ chối tiếp nhận hay dừng giải quyết nên không có phiếu từ chối.', 'The dossier was neither refused nor stopped.');
      }
      return event.action === 'not_accept'
        ? { sheet: await refusal(ctx, data, event), slug: 'phieu-tu-choi' }
        : { sheet: await stopNotice(ctx, data, event), slug: 'thong-bao-dung-giai-quyet' };
    }
    case 'apology': {
      const event = latest(data, 'apologize');
      if (!event || !d.apologyDueAt) throw notApplicable('Hồ sơ chưa có văn bản xin lỗi và hẹn lại ngày trả kết quả.', 'No apology was made for this dossier.');
      return { sheet: await apology(ctx, data, event), slug: 'van-ban-xin-loi' };
    }
  }
}

/** A form of a dossier the actor may see, as a PDF; the print is journaled with the citizens it names. */
export async function printForm(ctx: Ctx, id: string, form: FormKind): Promise<PrintedForm> {
  const data = await loadFormData(ctx, id);
  const d = data.dossier;
  const { sheet, slug } = await render(ctx, form, data);
  const persons = await ctx.tx.select({ personalId: dossierPersons.personalId }).from(dossierPersons).where(eq(dossierPersons.dossierId, id));
  await record(ctx, {
    type: 'dossier.print',
    target: { type: 'dossier', id },
    unitId: d.receivedUnitId,
    details: { form, code: d.code },
    citizens: [d.applicantPersonalId, ...persons.map((p) => p.personalId)],
  });
  sheet.numberPages();
  return { bytes: await sheet.doc.save(), fileName: `${slug}-${d.code.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf` };
}
