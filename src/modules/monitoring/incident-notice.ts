/**
 * Issue 6, item 3 (R19): the notification of a personal-data incident, as a Word document in the format of state
 * administrative documents (Decree 30/2020/NĐ-CP, Appendix I): national title and motto top right, issuing body top
 * left, number and date, type and summary, "Kính gửi", body, "Nơi nhận" and the signature block, on A4 in Times New
 * Roman. The content is what the personal-data law asks of a breach notification (Decree 13/2023 Art. 23, now Law
 * 91/2025 and Decree 356/2025): the violation (time, place, act, who, kinds of data, how many data subjects), a contact
 * person, consequences and harm, measures taken. It goes to A05 and the provincial police within 72 hours.
 *
 * The police need the affected citizens' personal IDs, so they are listed in an annex table; nowhere else, so the
 * letter itself can be read, forwarded and filed without them.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TabStopType,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type IBorderOptions,
  type IParagraphOptions,
  type IRunOptions,
} from 'docx';
import { CELL_PADDING, docxRule, NO_BORDERS, NO_CELL_BORDERS, stateHeaderDocx } from '../../platform/print/docx.ts';
import { OFFICIAL_FONT } from '../../platform/print/fonts.ts';
import { stateHeader } from '../../platform/print/state-header.ts';
import { VIETNAM_UTC_OFFSET_MS, vietnamDate } from '../../../common/vietnam-time.ts';

export interface IncidentNoticeInput {
  code: string;
  title: string;
  /** free text by the security officer; paragraphs separated by blank lines */
  description: string;
  detectedAt: Date;
  notifyBy: Date;
  issuedAt: Date;
  province: { name: string };
  issuingUnit: { parent: string; name: string };
  /** the account concerned, if any */
  account: { fullName: string; username: string; unitName: string } | null;
  /** what the monitoring found */
  alerts: { at: Date; explanationVi: string; severity: string }[];
  affected: { fullName: string; personalId: string }[];
  measures: string[];
  contact: { fullName: string; position: string; phone: string; email: string };
  signer: { position: string; fullName: string };
}

const SEVERITY_VI: Record<string, string> = { low: 'thấp', medium: 'trung bình', high: 'cao', critical: 'nghiêm trọng' };
const SEVERITY_RANK: Record<string, number> = { low: 1, medium: 2, high: 3, critical: 4 };

/** Sizes in half-points. */
const BODY = 28;
const HEADER = 26;
const RECIPIENTS_LABEL = 24;
const RECIPIENTS_LIST = 22;

const mm = (v: number) => Math.round((v * 1440) / 25.4);
const PAGE = { width: mm(210), height: mm(297) };
const MARGIN = { top: mm(20), bottom: mm(20), left: mm(30), right: mm(15) };
const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const ANNEX_COLUMNS = [1000, 4954, TEXT_WIDTH - 1000 - 4954];

const THIN: IBorderOptions = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const THIN_BORDERS = { top: THIN, bottom: THIN, left: THIN, right: THIN, insideHorizontal: THIN, insideVertical: THIN };

const A05 = 'Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05), Bộ Công an';

export async function incidentNoticeDocx(input: IncidentNoticeInput): Promise<Buffer> {
  const hide = personalIdMask(input.affected);
  const reference = `${input.code}/TB-ATTT`;
  const hasAnnex = input.affected.length > 0;

  const doc = new Document({
    creator: input.issuingUnit.name,
    title: `Thông báo số ${reference}`,
    styles: {
      default: {
        document: {
          run: { font: OFFICIAL_FONT, size: BODY, language: { value: 'vi-VN' } },
          paragraph: { spacing: { before: 0, after: 0, line: 240 } },
        },
      },
    },
    sections: [
      {
        properties: {
          page: { size: PAGE, margin: { ...MARGIN, header: mm(10), footer: mm(10) } },
          titlePage: true,
        },
        // Decree 30: page numbers centred at the top, from the second page.
        headers: {
          first: new Header({ children: [new Paragraph({})] }),
          default: new Header({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], size: BODY })] })] }),
        },
        children: [
          stateHeaderDocx(
            stateHeader(
              { governing: input.issuingUnit.parent, issuer: input.issuingUnit.name, number: `Số: ${reference}`, place: placeName(input.province.name), day: vietnamDate(input.issuedAt) },
              // twips to points
              TEXT_WIDTH / 20,
            ),
          ),
          ...typeAndSummary(hide(input.title)),
          ...addressees(input.province.name),
          ...body(input, hide, hasAnnex),
          closing(input),
          ...(hasAnnex ? annex(input, reference) : []),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

function typeAndSummary(title: string): Paragraph[] {
  return [
    centred([run('THÔNG BÁO', { bold: true })], { spacing: { before: 360 }, keepNext: true }),
    centred([run('Về sự cố an ninh, an toàn dữ liệu cá nhân', { bold: true })], { keepNext: true }),
    centred([run(title, { bold: true })], { keepNext: true }),
    docxRule(3400, 120, 240),
  ];
}

/** "Kính gửi:" then one recipient a line, each aligned after the label. */
function addressees(provinceName: string): Paragraph[] {
  const at = 3000;
  const from = 1500;
  const recipients = [`${A05};`, `Công an ${lowerAdministrativeLevel(provinceName)} (Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao - PC06).`];
  return recipients.map(
    (r, i) =>
      new Paragraph({
        indent: { left: at, hanging: i === 0 ? at - from : 0 },
        tabStops: [{ type: TabStopType.LEFT, position: at }],
        spacing: { after: 40 },
        children: i === 0 ? [run('Kính gửi:'), run(`\t- ${r}`)] : [run(`- ${r}`)],
      }),
  );
}

function body(input: IncidentNoticeInput, hide: (text: string) => string, hasAnnex: boolean): Paragraph[] {
  const out: Paragraph[] = [];
  const para = (children: TextRun[], extra: Partial<IParagraphOptions> = {}) =>
    out.push(new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: mm(10) }, spacing: { before: 60, after: 60, line: 276 }, children, ...extra }));
  const text = (t: string) => para([run(hide(t))]);
  const labelled = (label: string, t: string) => para([run(label, { italics: true }), run(hide(t))]);
  const section = (t: string) => para([run(t, { bold: true })], { keepNext: true });

  const place = `Hệ thống thông tin giải quyết thủ tục hành chính của ${lowerAdministrativeLevel(input.province.name)}, kết nối với Cơ sở dữ liệu quốc gia về dân cư`;
  text(
    `Thực hiện quy định về thông báo vi phạm quy định bảo vệ dữ liệu cá nhân (Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15; Nghị định số 356/2025/NĐ-CP), chúng tôi thông báo sự cố an ninh, an toàn dữ liệu cá nhân mã số ${input.code} phát hiện trên ${place}, như sau:`,
  );

  section('1. Mô tả vi phạm');
  const times = input.alerts.map((a) => a.at.getTime());
  const span =
    times.length === 0
      ? ''
      : times.length === 1 || Math.min(...times) === Math.max(...times)
        ? `; dấu hiệu vi phạm ghi nhận lúc ${dateTime(new Date(Math.min(...times)))}`
        : `; dấu hiệu vi phạm ghi nhận từ ${dateTime(new Date(Math.min(...times)))} đến ${dateTime(new Date(Math.max(...times)))}`;
  labelled('a) Thời gian, địa điểm: ', `phát hiện lúc ${dateTime(input.detectedAt)}${span}; tại ${place}.`);
  labelled('b) Hành vi vi phạm: ', input.title.trim().replace(/[.;:]?$/, '.'));
  for (const p of paragraphs(input.description)) text(p);
  if (input.alerts.length > 0) {
    text('Các dấu hiệu do hệ thống giám sát ghi nhận:');
    for (const a of [...input.alerts].sort((x, y) => x.at.getTime() - y.at.getTime())) {
      text(`- ${dateTime(a.at)}, mức độ ${severityVi(a.severity)}: ${a.explanationVi.trim()}`);
    }
  }
  labelled(
    'c) Tổ chức, cá nhân liên quan: ',
    input.account ? `${input.account.fullName} (tài khoản ${input.account.username}), ${input.account.unitName}.` : 'Chưa xác định được.',
  );
  labelled(
    'd) Loại dữ liệu cá nhân liên quan: ',
    'thông tin của công dân trong Cơ sở dữ liệu quốc gia về dân cư được tra cứu qua hệ thống (họ, chữ đệm và tên; số định danh cá nhân; ngày, tháng, năm sinh và các trường thông tin khác theo thủ tục hành chính của hồ sơ).',
  );
  labelled(
    'đ) Số lượng chủ thể dữ liệu bị ảnh hưởng: ',
    hasAnnex ? `${input.affected.length} người (danh sách tại Phụ lục kèm theo).` : 'Chưa xác định được.',
  );

  section('2. Người liên hệ');
  // only what the contact has: no "điện thoại: ;" for an empty phone
  const { fullName, position, phone, email } = input.contact;
  const reach = [phone && `điện thoại: ${phone}`, email && `thư điện tử: ${email}`].filter(Boolean);
  text(`${[fullName, position].filter(Boolean).join(', ')}${reach.length ? `; ${reach.join('; ')}` : ''}.`);

  section('3. Hậu quả, thiệt hại có thể xảy ra');
  const worst = input.alerts.reduce<string | null>((w, a) => (w === null || (SEVERITY_RANK[a.severity] ?? 0) > (SEVERITY_RANK[w] ?? 0) ? a.severity : w), null);
  if (worst !== null) text(`- Mức độ cao nhất của các cảnh báo: ${severityVi(worst)}.`);
  text(
    '- Dữ liệu cá nhân của các chủ thể dữ liệu có thể đã bị truy cập, sử dụng ngoài mục đích giải quyết thủ tục hành chính; có nguy cơ bị lộ, lọt, bị lợi dụng để lừa đảo hoặc xâm phạm quyền, lợi ích hợp pháp của chủ thể dữ liệu.',
  );
  text('- Mức độ thiệt hại thực tế đang tiếp tục được xác minh và sẽ được thông báo bổ sung.');

  section('4. Biện pháp đã triển khai để giải quyết, giảm thiểu tác hại');
  if (input.measures.length === 0) text('Chưa triển khai biện pháp nào.');
  for (const m of input.measures) text(`- ${m.trim().replace(/[.;]?$/, ';')}`);
  text('- Lưu giữ toàn bộ nhật ký truy cập, tra cứu liên quan để phục vụ điều tra, xác minh.');

  if (input.issuedAt.getTime() <= input.notifyBy.getTime()) {
    text(`Thông báo này được gửi trong thời hạn 72 giờ kể từ khi phát hiện sự cố (thời hạn thông báo: ${dateTime(input.notifyBy)}).`);
  } else {
    // The law asks a late notification to say why; the reason is the signer's to write.
    text(`Thông báo này được gửi sau thời hạn 72 giờ kể từ khi phát hiện sự cố (thời hạn thông báo: ${dateTime(input.notifyBy)}). Lý do chậm: ${'.'.repeat(60)}`);
  }
  text(`Đề nghị Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao và Công an ${lowerAdministrativeLevel(input.province.name)} phối hợp xác minh, xử lý theo quy định của pháp luật./.`);
  return out;
}

/** "Nơi nhận" on the left, the signature block on the right. */
function closing(input: IncidentNoticeInput): Table {
  const left = Math.round(TEXT_WIDTH * 0.45);
  const right = TEXT_WIDTH - left;
  const list = ['- Như trên;', '- Lãnh đạo đơn vị (để báo cáo);', '- Lưu: VT, ATTT.'];
  const positions = input.signer.position.split('\n').map((l) => l.trim().toLocaleUpperCase('vi')).filter((l) => l !== '');
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [left, right],
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        cantSplit: true,
        children: [
          new TableCell({
            width: { size: left, type: WidthType.DXA },
            borders: NO_CELL_BORDERS,
            margins: { left: 0, right: CELL_PADDING },
            children: [
              new Paragraph({ spacing: { before: 240 }, children: [run('Nơi nhận:', { size: RECIPIENTS_LABEL, bold: true, italics: true })] }),
              ...list.map((l) => new Paragraph({ children: [run(l, { size: RECIPIENTS_LIST })] })),
            ],
          }),
          new TableCell({
            width: { size: right, type: WidthType.DXA },
            borders: NO_CELL_BORDERS,
            margins: { left: CELL_PADDING, right: CELL_PADDING },
            verticalAlign: VerticalAlignTable.TOP,
            children: [
              ...positions.map((p, i) => centred([run(p, { bold: true })], i === 0 ? { spacing: { before: 240 } } : {})),
              centred([run('(Ký, ghi rõ họ tên)', { italics: true })]),
              ...Array.from({ length: 4 }, () => new Paragraph({})),
              centred([run(input.signer.fullName, { bold: true })]),
            ],
          }),
        ],
      }),
    ],
  });
}

/** Decree 30: the annex starts on a new page, says which document it goes with, and repeats its table header. */
function annex(input: IncidentNoticeInput, reference: string): (Paragraph | Table)[] {
  const headerCell = (text: string, width: number) =>
    new TableCell({
      width: { size: width, type: WidthType.DXA },
      verticalAlign: VerticalAlignTable.CENTER,
      margins: { top: 40, bottom: 40, left: 80, right: 80 },
      children: [centred([run(text, { bold: true, size: HEADER })])],
    });
  const cell = (text: string, width: number, alignment: (typeof AlignmentType)[keyof typeof AlignmentType]) =>
    new TableCell({
      width: { size: width, type: WidthType.DXA },
      verticalAlign: VerticalAlignTable.CENTER,
      margins: { top: 20, bottom: 20, left: 80, right: 80 },
      children: [new Paragraph({ alignment, children: [run(text, { size: HEADER })] })],
    });
  const [c1 = 0, c2 = 0, c3 = 0] = ANNEX_COLUMNS;
  return [
    centred([run('Phụ lục', { bold: true })], { pageBreakBefore: true }),
    centred([run('DANH SÁCH CHỦ THỂ DỮ LIỆU BỊ ẢNH HƯỞNG', { bold: true })]),
    centred([run(`(Kèm theo Thông báo số ${reference} ngày ${numericDate(input.issuedAt)} của ${input.issuingUnit.name.toLocaleUpperCase('vi')})`, { italics: true })]),
    docxRule(3400, 120, 240),
    new Table({
      width: { size: TEXT_WIDTH, type: WidthType.DXA },
      columnWidths: ANNEX_COLUMNS,
      layout: TableLayoutType.FIXED,
      borders: THIN_BORDERS,
      rows: [
        new TableRow({ tableHeader: true, cantSplit: true, children: [headerCell('STT', c1), headerCell('Họ và tên', c2), headerCell('Số định danh cá nhân', c3)] }),
        ...input.affected.map(
          (a, i) =>
            new TableRow({
              cantSplit: true,
              children: [cell(String(i + 1), c1, AlignmentType.CENTER), cell(a.fullName, c2, AlignmentType.LEFT), cell(a.personalId, c3, AlignmentType.CENTER)],
            }),
        ),
      ],
    }),
  ];
}

const MASK = '[số định danh cá nhân đã ẩn]';

/**
 * Free text (the officer's description, alert explanations, a username) could carry a personal ID; the letter must
 * not. The affected citizens' IDs are masked wherever they appear, and so is any other run of 12 digits, the shape
 * of a personal ID.
 */
function personalIdMask(affected: IncidentNoticeInput['affected']): (text: string) => string {
  const known = [...new Set(affected.map((a) => a.personalId.trim()).filter((id) => id !== ''))].sort((a, b) => b.length - a.length);
  return (text) => {
    let t = text;
    for (const id of known) t = t.split(id).join(MASK);
    return t.replace(/(?<!\d)\d{12}(?!\d)/g, MASK);
  };
}

function run(text: string, options: Omit<IRunOptions, 'text'> = {}): TextRun {
  return new TextRun({ text, ...options });
}

function centred(children: TextRun[], extra: Partial<IParagraphOptions> = {}): Paragraph {
  return new Paragraph({ alignment: AlignmentType.CENTER, children, ...extra });
}

function paragraphs(text: string): string[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.replace(/\s*\r?\n\s*/g, ' ').trim())
    .filter((p) => p !== '');
}

function severityVi(severity: string): string {
  return SEVERITY_VI[severity] ?? severity;
}

function vietnamParts(at: Date) {
  const v = new Date(at.getTime() + VIETNAM_UTC_OFFSET_MS);
  return { day: v.getUTCDate(), month: v.getUTCMonth() + 1, year: v.getUTCFullYear(), hour: v.getUTCHours(), minute: v.getUTCMinutes() };
}

const two = (n: number) => String(n).padStart(2, '0');

/** dd/mm/yyyy HH:mm, Vietnam time. */
function dateTime(at: Date): string {
  const p = vietnamParts(at);
  return `${two(p.day)}/${two(p.month)}/${p.year} ${two(p.hour)}:${two(p.minute)}`;
}

function numericDate(at: Date): string {
  const p = vietnamParts(at);
  return `${two(p.day)}/${two(p.month)}/${p.year}`;
}

/** The place in the date line is the province's name without its level: "Tỉnh Thái Nguyên" → "Thái Nguyên". */
function placeName(province: string): string {
  return province.trim().replace(/^(tỉnh|thành phố)\s+/iu, '');
}

/** In running text the level is lower case: "Công an tỉnh Thái Nguyên". */
function lowerAdministrativeLevel(province: string): string {
  return province.trim().replace(/^(tỉnh|thành phố)(?=\s)/iu, (level) => level.toLocaleLowerCase('vi'));
}
