/**
 * What an upload must be before a byte of it is stored (issue 4, "Bad input"): a name that cannot travel as a path
 * or hide characters, a type from the allowed list whose content really is that type, and content that cannot
 * explode when opened (zip and PDF stream bombs, images of billions of pixels).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import yauzl from 'yauzl';
import { AppError, invalid } from '../../platform/errors.ts';
import { tooLarge } from '../../platform/upload.ts';
import { ALLOWED_LABELS, DOCUMENT_TYPES, isDocumentType, type DocumentType, type Sniffed } from './types.ts';

export const MAX_NAME_LENGTH = 200;
/** An image is decoded for its watermark: 60 megapixels is an A3 page scanned at 600 dpi. */
export const MAX_IMAGE_PIXELS = 60_000_000;
/** Zip (Office files): the whole content once inflated, the entries, and how much one entry may expand. */
export const ZIP_LIMITS = { maxTotalUncompressed: 100 * 1024 * 1024, maxEntries: 5000, maxRatio: 100, ratioGrace: 100 * 1024 };
/** What pdf-lib may inflate while opening a PDF (object and cross-reference streams): they are small in real files. */
export const PDF_DECODE_BUDGET = 64 * 1024 * 1024;

const refuse = (code: string, vi: string, en: string) => invalid(code, vi, en);

export const unsupportedType = () =>
  new AppError(415, 'unsupported_type', `Chỉ nhận tệp ${ALLOWED_LABELS}.`, `Only these file types are accepted: ${ALLOWED_LABELS}.`);

/** The media type the client declared (Content-Type), without parameters; refused unless it is an allowed one. */
export function declaredType(contentType: string | undefined): DocumentType {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!isDocumentType(type)) throw unsupportedType();
  return type;
}

/**
 * A file name as stored and later offered on download: no path separators, no control or bidirectional-override
 * characters (which make "gpj.exe" look like "exe.jpg"), not too long, and ending with the declared type's extension.
 */
export function checkFileName(raw: string, type: DocumentType): string {
  const name = raw.normalize('NFC').trim();
  if (name.length === 0) throw refuse('invalid_file_name', 'Thiếu tên tệp.', 'The file name is missing.');
  if (/[/\\]/.test(name)) throw refuse('invalid_file_name', 'Tên tệp không được chứa dấu / hoặc \\.', 'The file name may not contain / or \\.');
  // C0, DEL, C1, and the Unicode format characters that reorder or hide text
  if (/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/.test(name)) {
    throw refuse('invalid_file_name', 'Tên tệp chứa ký tự điều khiển hoặc ký tự ẩn.', 'The file name contains control or invisible characters.');
  }
  if ([...name].length > MAX_NAME_LENGTH || Buffer.byteLength(name) > 255) {
    throw refuse('invalid_file_name', `Tên tệp dài quá ${MAX_NAME_LENGTH} ký tự.`, `The file name is longer than ${MAX_NAME_LENGTH} characters.`);
  }
  if (name === '.' || name === '..' || name.startsWith('.')) throw refuse('invalid_file_name', 'Tên tệp không hợp lệ.', 'Invalid file name.');
  const { extensions } = DOCUMENT_TYPES[type];
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  if (!(extensions as readonly string[]).includes(ext)) {
    const list = extensions.map((e) => `.${e}`).join(' hoặc ');
    throw refuse('invalid_file_name', `Tệp ${DOCUMENT_TYPES[type].label} phải có tên đuôi ${list}.`, `A ${DOCUMENT_TYPES[type].label} file name must end with ${extensions.map((e) => `.${e}`).join(' or ')}.`);
  }
  return name;
}

/** The type the first bytes announce; a zip is told apart as docx or xlsx by its entries. */
export function sniffMagic(bytes: Buffer): 'pdf' | 'jpeg' | 'png' | 'zip' | null {
  const starts = (...sig: number[]) => bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'pdf'; // %PDF-
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'zip'; // PK\3\4
  return null;
}

const SNIFFED_LABELS: Record<Sniffed | 'zip', string> = { pdf: 'PDF', jpeg: 'JPEG', png: 'PNG', docx: 'Word (.docx)', xlsx: 'Excel (.xlsx)', zip: 'ZIP' };

function mismatch(type: DocumentType, actual: Sniffed | 'zip' | null): AppError {
  const declared = DOCUMENT_TYPES[type].label;
  const vi = actual ? `là ${SNIFFED_LABELS[actual]}` : 'không thuộc loại nào được nhận';
  const en = actual ? `it is ${SNIFFED_LABELS[actual]}` : 'it is none of the accepted types';
  return refuse('type_mismatch', `Nội dung tệp không phải ${declared} như đã khai (${vi}).`, `The content is not ${declared} as declared (${en}).`);
}

/** Everything an upload's content must pass; throws a clear refusal, or returns what it learnt. */
export async function inspectContent(bytes: Buffer, type: DocumentType, maxBytes: number): Promise<{ pages?: number; width?: number; height?: number }> {
  if (bytes.length === 0) throw refuse('empty_file', 'Tệp rỗng (0 byte), không có gì để lưu.', 'The file is empty.');
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  const expected = DOCUMENT_TYPES[type].sniffed;
  const magic = sniffMagic(bytes);
  switch (expected) {
    case 'pdf':
      if (magic !== 'pdf') throw mismatch(type, magic);
      return { pages: (await loadPdf(bytes)).getPageCount() };
    case 'jpeg':
    case 'png': {
      if (magic !== expected) throw mismatch(type, magic);
      return inspectImage(bytes, expected);
    }
    case 'docx':
    case 'xlsx': {
      if (magic !== 'zip') throw mismatch(type, magic);
      const office = await inspectZip(bytes);
      if (office !== expected) throw mismatch(type, office ?? 'zip');
      return {};
    }
  }
}

// ——— PDF ———

/**
 * pdf-lib inflates object and cross-reference streams while it opens a file, all in memory: a 10 MB PDF can hold a
 * stream that inflates to gigabytes. Its decoders all grow their buffer through DecodeStream.ensureBuffer, so that
 * one method is wrapped to count against the budget of the current opening (an async context, so concurrent
 * openings do not share it).
 */
const decodeBudget = new AsyncLocalStorage<{ left: number; exceeded: boolean }>();
const requireCjs = createRequire(import.meta.url);
interface DecodeStreamLike {
  buffer: Uint8Array;
  minBufferLength: number;
}
let guardInstalled = false;
function installPdfGuard() {
  if (guardInstalled) return;
  guardInstalled = true;
  const DecodeStream = (requireCjs('pdf-lib/cjs/core/streams/DecodeStream.js') as { default: { prototype: { ensureBuffer(this: DecodeStreamLike, requested: number): Uint8Array } } }).default;
  const originalEnsureBuffer = DecodeStream.prototype.ensureBuffer;
  DecodeStream.prototype.ensureBuffer = function ensureBuffer(this: DecodeStreamLike, requested: number) {
    const budget = decodeBudget.getStore();
    if (!budget || requested <= this.buffer.byteLength) return originalEnsureBuffer.call(this, requested);
    // the buffer grows to the next power of two: charged what it really takes, refused before it is allocated
    let size = this.minBufferLength;
    while (size < requested) size *= 2;
    budget.left -= size - this.buffer.byteLength;
    if (budget.left < 0) {
      // pdf-lib may swallow the error of one object and go on: the opening checks the flag afterwards
      budget.exceeded = true;
      throw new PdfBombError();
    }
    return originalEnsureBuffer.call(this, requested);
  };
}

class PdfBombError extends Error {}

/** Opens a PDF under the inflation budget; refuses one that is damaged, encrypted, empty or a stream bomb. */
export async function loadPdf(bytes: Buffer | Uint8Array): Promise<PDFDocument> {
  // pdf-lib is loaded with the first PDF: a quarter of a second on every start otherwise
  const { PDFDocument } = await import('pdf-lib');
  installPdfGuard();
  let doc: PDFDocument;
  let pages: number;
  try {
    const budget = { left: PDF_DECODE_BUDGET, exceeded: false };
    doc = await decodeBudget.run(budget, () => PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: false }));
    if (budget.exceeded) throw new PdfBombError();
    pages = doc.getPageCount();
  } catch (err) {
    if (err instanceof PdfBombError) {
      throw refuse('compression_bomb', 'Tệp PDF chứa dữ liệu nén giải nén ra quá lớn (nghi "bom nén"), không nhận.', 'The PDF holds compressed data that expands far too much (a compression bomb).');
    }
    if (err instanceof Error && err.name === 'EncryptedPDFError') {
      throw refuse('encrypted_file', 'Tệp PDF có mật khẩu hoặc bị mã hóa: hãy nộp bản không mật khẩu.', 'The PDF is password-protected or encrypted: upload an unprotected copy.');
    }
    throw refuse('damaged_file', 'Tệp PDF bị hỏng, không mở được.', 'The PDF is damaged and cannot be opened.');
  }
  if (pages === 0) throw refuse('damaged_file', 'Tệp PDF không có trang nào.', 'The PDF has no pages.');
  return doc;
}

// ——— Images ———

async function inspectImage(bytes: Buffer, format: 'jpeg' | 'png') {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw refuse('damaged_file', 'Tệp ảnh bị hỏng, không mở được.', 'The image is damaged and cannot be opened.');
  }
  if (meta.format !== format) throw mismatch(format === 'jpeg' ? 'image/jpeg' : 'image/png', meta.format === 'jpeg' || meta.format === 'png' ? meta.format : null);
  const { width = 0, height = 0 } = meta;
  if (width * height > MAX_IMAGE_PIXELS || (meta.pages ?? 1) > 1) {
    throw refuse('image_too_large', `Ảnh quá lớn (${Math.round((width * height) / 1e6)} triệu điểm ảnh; tối đa ${MAX_IMAGE_PIXELS / 1e6} triệu).`, `The image is too large (${width}×${height}; at most ${MAX_IMAGE_PIXELS / 1e6} megapixels).`);
  }
  try {
    // decoded once, completely: what cannot be watermarked on download is refused now
    await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' }).stats();
  } catch {
    throw refuse('damaged_file', 'Tệp ảnh bị hỏng, không mở được.', 'The image is damaged and cannot be opened.');
  }
  return { width, height };
}

// ——— Zip (docx, xlsx) ———

const zipBomb = () =>
  refuse('compression_bomb', 'Tệp nén có dung lượng giải nén bất thường (nghi "bom nén"), không nhận.', 'The archive expands abnormally when unpacked (a zip bomb).');
const damagedZip = () => refuse('damaged_file', 'Tệp Office bị hỏng, không mở được.', 'The Office file is damaged and cannot be opened.');

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, decodeStrings: true, strictFileNames: false }, (err, zip) => (err || !zip ? reject(err ?? new Error('no zip')) : resolve(zip))),
  );
}

function entriesOf(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      if (entries.length > ZIP_LIMITS.maxEntries) {
        zip.close();
        reject(zipBomb());
        return;
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/** Inflates an entry and discards it: yauzl fails if it yields more (or fewer) bytes than the entry declares. */
function drain(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<number> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      let n = 0;
      stream.on('data', (chunk: Buffer) => (n += chunk.length));
      stream.on('end', () => resolve(n));
      stream.on('error', reject);
    });
  });
}

/**
 * An Office file is a zip. Its central directory is read first: too many entries, a total over the limit once
 * inflated, or an entry that expands more than a hundredfold refuse it before anything is inflated. Then every
 * entry is inflated and counted, so sizes that lie in the directory are caught too. Encrypted entries and macros
 * are refused. Returns which Office file it is (null: neither).
 */
export async function inspectZip(bytes: Buffer): Promise<'docx' | 'xlsx' | null> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(bytes);
  } catch {
    throw damagedZip();
  }
  try {
    let entries: yauzl.Entry[];
    try {
      entries = await entriesOf(zip);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw damagedZip();
    }
    let total = 0;
    for (const e of entries) {
      total += e.uncompressedSize;
      const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
      if (total > ZIP_LIMITS.maxTotalUncompressed || (e.uncompressedSize > ZIP_LIMITS.ratioGrace && ratio > ZIP_LIMITS.maxRatio)) throw zipBomb();
      if (e.isEncrypted()) throw refuse('encrypted_file', 'Tệp Office có mật khẩu: hãy nộp bản không mật khẩu.', 'The Office file is password-protected: upload an unprotected copy.');
      if (/(^|\/)vbaProject\.bin$/i.test(e.fileName)) throw refuse('macros', 'Tệp có macro, không nhận vì lý do an toàn.', 'Files with macros are not accepted.');
    }
    for (const e of entries) {
      if (e.fileName.endsWith('/')) continue;
      try {
        await drain(zip, e);
      } catch (err) {
        // the data inflates to more than the directory said: a bomb in disguise
        if (err instanceof Error && /too many bytes|expected.*bytes|uncompressed size/i.test(err.message)) throw zipBomb();
        throw damagedZip();
      }
    }
    const names = new Set(entries.map((e) => e.fileName));
    if (!names.has('[Content_Types].xml')) return null;
    if (names.has('word/document.xml')) return 'docx';
    if (names.has('xl/workbook.xml')) return 'xlsx';
    return null;
  } finally {
    zip.close();
  }
}
