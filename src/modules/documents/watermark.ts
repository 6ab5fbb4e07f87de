/**
 * R05: a citizen's paper that leaves the system says who took it out and when: in its file name, and for PDFs and
 * images across every page, so a copy forwarded over a chat app still names the officer it came from.
 */
import type { PDFFont, PDFPage } from 'pdf-lib';
import sharp from 'sharp';
import { loadPdf, MAX_IMAGE_PIXELS } from './inspect.ts';
import { DOCUMENT_TYPES, type DocumentType } from './types.ts';
import { formatVietnamDate, formatVietnamTime } from '../../../common/vietnam-time.ts';
import { SERIF_FILES, serifFonts } from '../../platform/print/fonts.ts';

export interface Stamp {
  fullName: string;
  username: string;
  at: Date;
  dossierCode: string;
}

/** dd/mm/yyyy HH:mm in Vietnam time. */
export function vietnamDateTime(at: Date): { date: string; time: string } {
  return { date: formatVietnamDate(at), time: formatVietnamTime(at) };
}

/** The two lines every watermark carries. */
export function stampLines(s: Stamp): { big: string; small: string } {
  const { date, time } = vietnamDateTime(s.at);
  return {
    big: `${s.fullName} (${s.username}) · ${time} ${date}`,
    small: `Bản tải từ hệ thống một cửa bởi ${s.fullName} (${s.username}) lúc ${time} ngày ${date}, hồ sơ ${s.dossierCode}. Chỉ dùng để giải quyết thủ tục hành chính; không chia sẻ qua mạng xã hội.`,
  };
}

// ——— File name ———

/** "Giấy chứng sinh.pdf" → "Giấy chứng sinh - Nguyễn Văn A (nva) 02-03-2026 09h00.pdf". */
export function downloadName(fileName: string, type: DocumentType, s: Stamp): string {
  const dot = fileName.lastIndexOf('.');
  const stem = (dot > 0 ? fileName.slice(0, dot) : fileName).slice(0, 120);
  const ext = DOCUMENT_TYPES[type].extensions.includes(fileName.slice(dot + 1).toLowerCase() as never) ? fileName.slice(dot + 1) : DOCUMENT_TYPES[type].extensions[0];
  const { date, time } = vietnamDateTime(s.at);
  return `${stem} - ${s.fullName} (${s.username}) ${date.replaceAll('/', '-')} ${time.replace(':', 'h')}.${ext}`;
}

function asciiFallback(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9 ._()-]/g, '_');
}

/** RFC 6266 / RFC 5987: an ASCII name for old clients, the real one in UTF-8 for the others. */
export function contentDisposition(disposition: 'inline' | 'attachment', name: string): string {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${asciiFallback(name)}"; filename*=UTF-8''${encoded}`;
}

// ——— Font ———

/** Liberation Serif, as the printed forms use it (platform/print/fonts.ts): every Vietnamese letter. */
const FONT_FILES = { regular: SERIF_FILES.normal, bold: SERIF_FILES.bold };
const FONT_FAMILIES = { regular: 'Liberation Serif', bold: 'Liberation Serif Bold' };

// ——— PDF ———

/**
 * Maps a point of the page as it is shown (u right, v up, from the visible box's lower-left corner) to the page's
 * own coordinates, for the page's /Rotate; the angle is what text drawn along the shown horizontal needs.
 */
function viewToPage(page: PDFPage) {
  const box = page.getCropBox();
  const r = (((page.getRotation().angle % 360) + 360) % 360) as 0 | 90 | 180 | 270;
  const [W, H] = r === 90 || r === 270 ? [box.height, box.width] : [box.width, box.height];
  const map = (u: number, v: number): { x: number; y: number } => {
    switch (r) {
      case 90:
        return { x: box.x + box.width - v, y: box.y + u };
      case 180:
        return { x: box.x + box.width - u, y: box.y + box.height - v };
      case 270:
        return { x: box.x + v, y: box.y + box.height - u };
      default:
        return { x: box.x + u, y: box.y + v };
    }
  };
  return { W, H, rotation: r, map };
}

function fitSize(font: PDFFont, text: string, width: number, max: number, min: number): number {
  const at1 = font.widthOfTextAtSize(text, 1);
  return Math.max(min, Math.min(max, width / at1));
}

function stampPage(page: PDFPage, fontsIn: { regular: PDFFont; bold: PDFFont }, lines: { big: string; small: string }, { degrees, rgb }: typeof import('pdf-lib')) {
  const { W, H, rotation, map } = viewToPage(page);
  const red = rgb(0.75, 0.05, 0.1);

  // across the page, along its diagonal
  const theta = Math.atan2(H, W);
  const diagonal = Math.hypot(W, H);
  const bigSize = fitSize(fontsIn.bold, lines.big, diagonal * 0.75, 48, 8);
  const bigWidth = fontsIn.bold.widthOfTextAtSize(lines.big, bigSize);
  const cu = W / 2 - (bigWidth / 2) * Math.cos(theta) + bigSize * 0.35 * Math.sin(theta);
  const cv = H / 2 - (bigWidth / 2) * Math.sin(theta) - bigSize * 0.35 * Math.cos(theta);
  const start = map(cu, cv);
  page.drawText(lines.big, { ...start, size: bigSize, font: fontsIn.bold, color: red, opacity: 0.22, rotate: degrees((theta * 180) / Math.PI + rotation) });

  // and a line along the bottom edge, on a light band so it stays readable over the content
  const margin = Math.min(18, W * 0.03);
  const smallSize = fitSize(fontsIn.regular, lines.small, W - 2 * margin, 8, 4);
  const bandHeight = smallSize * 2;
  const corner = map(0, 0);
  const [bw, bh] = rotation === 90 || rotation === 270 ? [bandHeight, W] : [W, bandHeight];
  const band = rotation === 0 ? corner : rotation === 90 ? { x: corner.x - bw, y: corner.y } : rotation === 180 ? { x: corner.x - bw, y: corner.y - bh } : { x: corner.x, y: corner.y - bh };
  page.drawRectangle({ ...band, width: bw, height: bh, color: rgb(1, 1, 1), opacity: 0.8 });
  page.drawText(lines.small, { ...map(margin, smallSize * 0.7), size: smallSize, font: fontsIn.regular, color: red, opacity: 0.95, rotate: degrees(rotation) });
}

/** Every page of the PDF carries the stamp; the document's own content is left as it was. */
export async function watermarkPdf(bytes: Buffer, s: Stamp): Promise<Buffer> {
  const doc = await loadPdf(bytes);
  const [pdfLib, { default: fontkit }] = await Promise.all([import('pdf-lib'), import('@pdf-lib/fontkit')]);
  doc.registerFontkit(fontkit);
  const f = serifFonts();
  const embedded = { regular: await doc.embedFont(f.normal, { subset: true }), bold: await doc.embedFont(f.bold, { subset: true }) };
  const lines = stampLines(s);
  for (const page of doc.getPages()) stampPage(page, embedded, lines, pdfLib);
  doc.setProducer('motcua');
  doc.setModificationDate(s.at);
  return Buffer.from(await doc.save({ useObjectStreams: true }));
}

// ——— Images ———

function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

async function textImage(markup: string, style: keyof typeof FONT_FILES, width: number): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp({
    text: { text: markup, fontfile: FONT_FILES[style], font: FONT_FAMILIES[style], width: Math.max(1, Math.floor(width)), dpi: 72, rgba: true, wrap: 'word' },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * The image, turned upright as its EXIF says and stripped of its metadata (camera, GPS), with the stamp drawn
 * across it and written along its bottom edge; same format out as in.
 */
export async function watermarkImage(bytes: Buffer, type: 'image/jpeg' | 'image/png', s: Stamp): Promise<Buffer> {
  const input = { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' as const };
  const meta = await sharp(bytes, input).metadata();
  const W = meta.autoOrient?.width ?? meta.width ?? 1;
  const H = meta.autoOrient?.height ?? meta.height ?? 1;
  const lines = stampLines(s);

  const smallPx = Math.max(10, Math.round(Math.min(W, H) / 45));
  const small = await textImage(`<span foreground="#b00018" size="${smallPx * 1024}">${escapeMarkup(lines.small)}</span>`, 'regular', W - 2 * smallPx);
  const bandHeight = Math.min(H, small.height + smallPx);
  const band = await sharp({ create: { width: W, height: bandHeight, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 0.8 } } })
    .composite([{ input: small.data, gravity: 'center' }])
    .png()
    .toBuffer();

  const angle = (Math.atan2(H, W) * 180) / Math.PI;
  const bigPx = Math.max(12, Math.round(Math.hypot(W, H) / 36));
  const big = await textImage(`<span foreground="#c00018" alpha="30%" size="${bigPx * 1024}">${escapeMarkup(lines.big)}</span>`, 'bold', Math.hypot(W, H) * 0.8);
  let across = await sharp(big.data).rotate(-angle, { background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer({ resolveWithObject: true });
  if (across.info.width > W || across.info.height > H) {
    across = await sharp(across.data).resize({ width: W, height: H, fit: 'inside' }).png().toBuffer({ resolveWithObject: true });
  }

  const out = sharp(bytes, input)
    .rotate()
    .composite([
      { input: across.data, gravity: 'center' },
      { input: band, gravity: 'south' },
    ]);
  return type === 'image/jpeg' ? out.jpeg({ quality: 88, mozjpeg: true }).toBuffer() : out.png().toBuffer();
}

/** What an officer gets: the stamped copy of PDFs and images, the file as stored otherwise (Office files). */
export async function stampedCopy(bytes: Buffer, type: DocumentType, s: Stamp): Promise<Buffer> {
  switch (DOCUMENT_TYPES[type].watermark) {
    case 'pdf':
      return watermarkPdf(bytes, s);
    case 'image':
      return watermarkImage(bytes, type as 'image/jpeg' | 'image/png', s);
    default:
      return bytes;
  }
}
