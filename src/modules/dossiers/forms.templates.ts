/**
 * What the papers the one-stop desk hands a citizen say, in the layout of Circular 03/2025/TT-VPCP Appendix I
 * (formerly Circular 01/2018/TT-VPCP): form 01 receipt with the promised date (A5, with a QR code of the dossier
 * code), 02 supplement request, 03 refusal to receive, 04 apology with a new date, 05 notice that processing
 * stopped. Each is declared as content; platform/print lays it out.
 */
import type { Channel } from '../../../common/dossier-workflow.ts';
import { VIETNAM_UTC_OFFSET_MS, vietnamDate } from '../../../common/vietnam-time.ts';
import { qrImage, stateHeaderPdf, textWidth, type Content, type Paper, type PdfDocument } from '../../platform/print/pdf.ts';
import { stateHeader, vietnameseDay } from '../../platform/print/state-header.ts';
import type { RequiredDocument } from '../procedures/index.ts';
import type { UnitInfo } from '../units/index.ts';
import type { DossierRow } from './dossiers.tables.ts';
import type { FormEvent } from './forms.repo.ts';

/** What every form may say of its dossier. */
export interface FormInput {
  dossier: DossierRow;
  procedureName: string;
  documents: RequiredDocument[];
  receiverName: string | null;
  /** the receiving desk's unit and the units above it, the province first */
  desk: UnitInfo[];
  printedAt: Date;
}

// ——— Who issues a form ———

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
/** "Phường Đức Xuân" with "Đức Xuân" held on one line: a header line breaks before a place's name, not inside it. */
const headerName = (u: UnitInfo) => u.fullName.replace(u.name, u.name.replaceAll(' ', '\u00a0'));
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
  if (unit !== admin) return { governing: `UBND ${headerName(admin)}`, name: unit.name, inText: unit.name, place };
  if (as === 'desk') return { governing: `UBND ${headerName(admin)}`, name: 'Bộ phận Một cửa', inText: `Bộ phận Một cửa ${inSentence(admin.fullName)}`, place };
  return {
    governing: admin === province ? '' : `UBND ${headerName(province)}`,
    name: `Ủy ban nhân dân ${headerName(admin)}`,
    inText: `Ủy ban nhân dân ${inSentence(admin.fullName)}`,
    place,
  };
}

// ——— Vietnamese dates (Decree 30/2020: days below 10 and months 1, 2 take a leading zero) ———

const pad2 = (n: number) => String(n).padStart(2, '0');

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

// ——— The parts every form shares ———

interface Layout extends Paper {
  titleSize: number;
  /** the state header's sizes are A4's; a smaller page shrinks them */
  headerScale: number;
  /** room to sign above the signer's name */
  signatureSpace: number;
}

const A5: Layout = { size: 'A5', margins: { top: 28, right: 26, bottom: 24, left: 36 }, fontSize: 10.5, titleSize: 12.5, headerScale: 0.75, signatureSpace: 46 };
const A4: Layout = { size: 'A4', margins: { top: 57, right: 48, bottom: 57, left: 85 }, fontSize: 13, titleSize: 14, headerScale: 1, signatureSpace: 72 };

type Run = { text: string; bold?: boolean; italics?: boolean };

/** A paragraph `before` points below the one above; `indent` starts its first line, `hang` the lines after it. */
function para(text: string | Run[], o: { before?: number; indent?: number; hang?: number; center?: boolean } = {}): Content {
  const hang = o.hang ?? o.indent ?? 0;
  return { text, alignment: o.center ? 'center' : 'left', leadingIndent: (o.indent ?? 0) - hang, margin: [hang, o.before ?? 0, 0, 0] };
}

/** A labelled line: "Label: value", wrapped under itself. */
const field = (label: string, value: string, style: Omit<Run, 'text'> = {}, indent = 0) => para([{ text: `${label}: ` }, { text: value, ...style }], { indent, before: 1.5 });

/** A person's reason, one paragraph per line they wrote. */
const reasonParagraphs = (reason: string, layout: Layout): Content[] =>
  reason
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => para([{ text: line, italics: true }], { indent: layout.fontSize * 1.5, before: 1.5 }));

const contactLine = (d: DossierRow) => para(`Số điện thoại: ${d.applicantPhone || '…'}${d.applicantEmail ? `    Email: ${d.applicantEmail}` : ''}`, { before: 1.5 });

/** "thủ tục Đăng ký khai sinh" inside a sentence; a quarter of the catalogue's names already start with "Thủ tục". */
function procedureInSentence(f: FormInput): string {
  const name = f.procedureName.trim();
  const phrase = /^thủ tục\s/iu.test(name) ? inSentence(name) : `thủ tục ${inSentence(name)}`;
  return `${phrase} (mã thủ tục ${f.dossier.procedureCode})`;
}

const procedureLine = (f: FormInput) => field('Nội dung yêu cầu giải quyết', `${f.procedureName} (mã thủ tục ${f.dossier.procedureCode})`);

/** The desk's opening of forms 01 and 03: who handed in which request. */
const applicantLines = (f: FormInput, issuer: Issuer): Content[] => [
  para(`${issuer.inText} tiếp nhận hồ sơ của:`),
  field('Ông/Bà', f.dossier.applicantName, { bold: true }),
  field('Số định danh cá nhân', f.dossier.applicantPersonalId),
  field('Địa chỉ', f.dossier.applicantAddress || '…'),
  contactLine(f.dossier),
  procedureLine(f),
];

interface Signature {
  title: string;
  hint: string;
  name?: string | null;
}

/** Signature blocks side by side in equal columns, kept on one page; a single one sits on the right half, as on official letters. */
function signatures(layout: Layout, blocks: Signature[]): Content {
  const block = (b: Signature): Content => ({
    alignment: 'center',
    stack: [
      { text: b.title, bold: true },
      { text: b.hint, italics: true, fontSize: layout.fontSize - 0.5 },
      { text: b.name ?? '', bold: true, margin: [0, layout.signatureSpace, 0, 0] },
    ],
  });
  return { columns: blocks.length === 1 ? [{ text: '' }, block(blocks[0]!)] : blocks.map(block), margin: [0, layout.fontSize * 1.2, 0, 0], unbreakable: true };
}

const HEAD_OF_UNIT = { title: 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ', hint: '(Ký, ghi rõ họ tên và đóng dấu)' };
const SIGN_AND_NAME = '(Ký và ghi rõ họ tên)';

/** A form: the state header (with the QR code of the dossier's code under the issuer, on the receipt), its title and the code, then `body`. */
async function form(f: FormInput, layout: Layout, heading: { title: string; issuer: Issuer; issuedAt: Date; qr?: boolean }, body: Content[]): Promise<PdfDocument> {
  const { issuer, issuedAt } = heading;
  const size = layout.fontSize;
  const code = f.dossier.code;
  const header = stateHeader({ governing: issuer.governing, issuer: issuer.name, place: issuer.place, day: vietnamDate(issuedAt) }, textWidth(layout), layout.headerScale);
  return {
    paper: layout,
    title: `${heading.title} – ${code}`,
    subject: `Mã hồ sơ ${code}`,
    createdAt: f.printedAt,
    content: [
      stateHeaderPdf(header, heading.qr ? [await qrImage(code, size * 6.2, size * 0.7)] : []),
      { text: upper(heading.title), bold: true, fontSize: layout.titleSize, alignment: 'center', margin: [0, size * 1.6, 0, 0] },
      { text: [{ text: 'Mã hồ sơ: ' }, { text: code, bold: true }], alignment: 'center', margin: [0, size * 0.2, 0, size * 0.8] },
      ...body,
    ],
  };
}

// ——— The forms ———

/** Form 01: what was received, from whom, and the day the result is promised (A5, with the QR code of the code). */
export function receipt(f: FormInput): Promise<PdfDocument> {
  const d = f.dossier;
  const layout = A5;
  const issuer = issuerOf(f.desk, 'desk');
  const indent = layout.fontSize * 1.2;
  // the papers the desk checked off, when it did; the procedure's whole list otherwise (older dossiers)
  const papers = d.receivedPapers.length > 0 ? f.documents.filter((doc) => d.receivedPapers.includes(doc.name)) : f.documents;
  return form(f, layout, { title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', issuer, issuedAt: d.receivedAt, qr: true }, [
    ...applicantLines(f, issuer),
    para('1. Thành phần hồ sơ nộp gồm:', { before: 1.5 }),
    ...papers.map((doc, i) => para(`${point(i)} ${doc.name}: ${pad2(doc.copies)} bản${doc.required ? '' : ' (nếu có)'}`, { indent, hang: indent + layout.fontSize, before: 1 })),
    para('2. Số lượng hồ sơ: 01 (bộ)', { before: 1.5 }),
    para(`3. Thời gian giải quyết hồ sơ theo quy định: ${d.workingDays > 0 ? `${pad2(d.workingDays)} ngày làm việc` : 'trong ngày'}`, { before: 1.5 }),
    para(`4. Thời gian nhận hồ sơ: ${vietnameseTime(d.receivedAt)}`, { before: 1.5 }),
    para(
      [
        { text: '5. Thời gian trả kết quả giải quyết hồ sơ: ' },
        d.dueAt ? { text: promisedDay(d.dueAt), bold: true } : { text: 'tạm dừng, sẽ hẹn lại khi nhận đủ hồ sơ bổ sung', italics: true },
      ],
      { before: 1.5 },
    ),
    para(`6. Hình thức nộp hồ sơ: ${CHANNEL_NAMES[d.channel]}`, { before: 1.5 }),
    signatures(layout, [
      { title: 'NGƯỜI NỘP HỒ SƠ', hint: SIGN_AND_NAME, name: d.applicantName },
      { title: 'NGƯỜI TIẾP NHẬN HỒ SƠ', hint: SIGN_AND_NAME, name: f.receiverName },
    ]),
  ]);
}

/** Form 02: what the citizen must add, why, and that the clock waits for it. */
export function supplementRequest(f: FormInput, event: FormEvent, office: UnitInfo[]): Promise<PdfDocument> {
  const d = f.dossier;
  const layout = A4;
  const issuer = issuerOf(office, 'office');
  return form(f, layout, { title: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', issuer, issuedAt: event.at }, [
    field('Hồ sơ của', d.applicantName, { bold: true }),
    field('Số định danh cá nhân', d.applicantPersonalId),
    procedureLine(f),
    field('Địa chỉ', d.applicantAddress || '…'),
    contactLine(d),
    field('Ngày tiếp nhận hồ sơ', vietnameseDay(vietnamDate(d.receivedAt))),
    para(`Sau khi xem xét, ${issuer.inText} đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:`, { before: layout.fontSize * 0.5 }),
    ...reasonParagraphs(event.note ?? d.statusReason ?? '', layout),
    para(`Thời gian giải quyết hồ sơ tạm dừng từ ${vietnameseDay(vietnamDate(event.at))} và được tính tiếp khi Ông/Bà nộp đủ hồ sơ bổ sung.`, { before: layout.fontSize * 0.5 }),
    para(`Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ ${issuerOf(f.desk, 'desk').inText} để được hướng dẫn./.`, { before: 1.5 }),
    signatures(layout, [{ title: 'NGƯỜI HƯỚNG DẪN', hint: SIGN_AND_NAME, name: event.officer }]),
  ]);
}

/** Form 03: the desk does not receive the dossier, and says why. */
export function refusal(f: FormInput, event: FormEvent): Promise<PdfDocument> {
  const d = f.dossier;
  const layout = A4;
  const issuer = issuerOf(f.desk, 'desk');
  return form(f, layout, { title: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ', issuer, issuedAt: event.at }, [
    ...applicantLines(f, issuer),
    para(`Qua xem xét, ${issuer.inText} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:`, { before: layout.fontSize * 0.5 }),
    ...reasonParagraphs(event.note ?? d.statusReason ?? '', layout),
    para('Xin thông báo cho Ông/Bà được biết và thực hiện./.', { before: layout.fontSize * 0.5 }),
    signatures(layout, [{ title: 'NGƯỜI TIẾP NHẬN HỒ SƠ', hint: SIGN_AND_NAME, name: event.officer }]),
  ]);
}

/** The opening of a letter the processing unit sends the applicant (forms 04, 05): the addressee, and when and where the dossier was received. */
function letterOpening(f: FormInput, applicantId: boolean): Content[] {
  const d = f.dossier;
  const who = applicantId ? ` (số định danh cá nhân ${d.applicantPersonalId})` : '';
  const received = vietnameseDay(vietnamDate(d.receivedAt)).replace(/^n/, 'N');
  return [
    para([{ text: 'Kính gửi: Ông/Bà ' }, { text: d.applicantName, bold: true }], { center: true, before: 1.5 }),
    para(`${received}, ${issuerOf(f.desk, 'desk').inText} tiếp nhận hồ sơ của Ông/Bà${who} đề nghị giải quyết ${procedureInSentence(f)}.`, { before: A4.fontSize * 0.6 }),
  ];
}

/** Form 05 (Circular 03/2025): the competent unit stops processing a received dossier, and says why. */
export function stopNotice(f: FormInput, event: FormEvent, office: UnitInfo[]): Promise<PdfDocument> {
  const d = f.dossier;
  const layout = A4;
  const issuer = issuerOf(office, 'office');
  return form(f, layout, { title: 'Thông báo dừng giải quyết hồ sơ', issuer, issuedAt: event.at }, [
    ...letterOpening(f, true),
    para(`Qua xem xét, ${issuer.inText} thông báo dừng giải quyết hồ sơ này với lý do cụ thể như sau:`, { before: 1.5 }),
    ...reasonParagraphs(event.note ?? d.statusReason ?? '', layout),
    para('Xin thông báo cho Ông/Bà được biết./.', { before: layout.fontSize * 0.5 }),
    signatures(layout, [{ ...HEAD_OF_UNIT, name: event.officer }]),
  ]);
}

/** Form 04: late, the unit apologises and promises a new day, once. */
export function apology(f: FormInput, event: FormEvent, office: UnitInfo[]): Promise<PdfDocument> {
  const d = f.dossier;
  const layout = A4;
  const issuer = issuerOf(office, 'office');
  return form(f, layout, { title: 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết', issuer, issuedAt: event.at }, [
    ...letterOpening(f, false),
    ...(d.dueAt ? [field('Ngày hẹn trả kết quả giải quyết hồ sơ', promisedDay(d.dueAt))] : []),
    para(`Tuy nhiên đến nay, ${issuer.inText} chưa trả kết quả giải quyết hồ sơ của Ông/Bà theo đúng thời gian đã hẹn.`, { before: 1.5 }),
    para('Lý do:', { before: 1.5 }),
    ...reasonParagraphs(event.note ?? '', layout),
    para(
      [
        { text: `Sự chậm trễ này đã gây phiền hà cho Ông/Bà. ${issuer.inText} xin lỗi Ông/Bà và đề nghị gia hạn thời gian giải quyết, hẹn trả kết quả giải quyết hồ sơ vào ` },
        { text: promisedDay(d.apologyDueAt!), bold: true },
        { text: '.' },
      ],
      { before: layout.fontSize * 0.5 },
    ),
    para('Xin trân trọng cảm ơn./.', { before: 1.5 }),
    signatures(layout, [HEAD_OF_UNIT]),
  ]);
}
