import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { eq, sql } from 'drizzle-orm';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerBirthRegistration, receive } from '../../../test/dossier-fixtures.ts';
import { startTestSystem, type Client, type TestSystem } from '../../../test/harness.ts';
import { sha256 } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db.ts';
import { documentContents, documents } from './documents.tables.ts';

let sys: TestSystem;
let procedureId: string;
let desk: Client;
let otherDesk: Client;
let processor: Client;
let dossierId: string;

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MARKER = 'CCCD-019090000777-NGUYEN-THI-LAN';

beforeAll(async () => {
  sys = await startTestSystem();
  procedureId = await offerBirthRegistration(sys);
  const [a, b] = sys.communes as [(typeof sys.communes)[0], (typeof sys.communes)[0]];
  desk = await sys.signedIn(await sys.officer({ username: 'doc.desk', unit: a, roles: ['reception_officer'], fullName: 'Nguyễn Thị Lụa' }), '10.7.0.1');
  otherDesk = await sys.signedIn(await sys.officer({ username: 'doc.other', unit: b, roles: ['reception_officer'] }), '10.7.0.2');
  processor = await sys.signedIn(await sys.officer({ username: 'doc.processor', unit: a, roles: ['processing_officer'], fullName: 'Đặng Văn Hưởng' }), '10.7.0.3');
  dossierId = (await receive(desk, procedureId, a.id)).id;
});
afterAll(() => sys.close());

// ——— Fixtures ———

async function pdfFixture(pages = 2): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setTitle(MARKER);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) doc.addPage([595, 842]).drawText(`GIAY CHUNG SINH ${MARKER} trang ${i + 1}`, { x: 50, y: 780, size: 12, font });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

const pngFixture = (width = 600, height = 400) =>
  sharp({ create: { width, height, channels: 3, background: { r: 230, g: 240, b: 250 } } })
    .png()
    .toBuffer();
const jpegFixture = () =>
  sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 200, g: 220, b: 200 } } })
    .jpeg()
    .toBuffer();

/** A zip written by hand, so that an entry can lie about its size. */
function makeZip(entries: { name: string; data: Buffer; declaredSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const compressed = zlib.deflateRawSync(e.data, { level: 9 });
    const crc = zlib.crc32(e.data);
    const size = e.declaredSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const CONTENT_TYPES = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
const docxFixture = (body = Buffer.from(`<w:document><w:body><w:p><w:r><w:t>${MARKER}</w:t></w:r></w:p></w:body></w:document>`)) =>
  makeZip([
    { name: '[Content_Types].xml', data: CONTENT_TYPES },
    { name: 'word/document.xml', data: body },
  ]);

/** A PDF whose object stream inflates to 80 MB (over pdf-lib's budget) from about 80 kB. */
function pdfStreamBomb(): Buffer {
  const payload = zlib.deflateSync(Buffer.concat([Buffer.from('5 0 '), Buffer.alloc(80 * 1024 * 1024, 0x20), Buffer.from('null')]), { level: 9 });
  const parts = [
    '%PDF-1.7\n',
    '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n',
    '2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n',
    '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\n',
    `4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${payload.length} >>\nstream\n`,
  ];
  return Buffer.concat([Buffer.from(parts.join('')), payload, Buffer.from('\nendstream\nendobj\ntrailer\n<< /Size 6 /Root 1 0 R >>\n%%EOF\n')]);
}

// ——— Helpers ———

function upload(c: Client, id: string, bytes: Buffer, o: { name: string; type: string; kind?: string; component?: string }) {
  const q = new URLSearchParams({ name: o.name, ...(o.kind ? { kind: o.kind } : {}), ...(o.component ? { component: o.component } : {}) });
  return c.post(`/api/dossiers/${id}/documents?${q}`, bytes, { 'content-type': o.type });
}

async function uploaded(c: Client, bytes: Buffer, o: { name: string; type: string; kind?: string; component?: string }, id = dossierId) {
  const res = await upload(c, id, bytes, o);
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json() as { id: string; sha256: string; size: number; name: string; kind: string };
}

const open = (c: Client, id: string, mode: 'view' | 'download', reason = 'Thẩm định hồ sơ khai sinh') => c.post(`/api/documents/${id}/${mode}`, { reason });

async function stored(): Promise<{ documents: number; contents: number }> {
  const res = (await sys.database.db.execute(sql`SELECT (SELECT count(*)::int FROM documents) AS d, (SELECT count(*)::int FROM document_contents) AS c`)) as unknown as { rows: { d: number; c: number }[] };
  return { documents: res.rows[0]!.d, contents: res.rows[0]!.c };
}

/** Changes stored rows the way only someone with the owner's rights could (the application may not UPDATE them). */
async function asOwner(fn: (tx: Executor) => Promise<unknown>) {
  await sys.database.db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL ROLE NONE`);
    await fn(tx);
  });
}

async function pdfText(bytes: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const items = (await (await doc.getPage(n)).getTextContent()).items;
    pages.push(items.map((i) => ('str' in i ? i.str : '')).join(' '));
  }
  await doc.destroy();
  return pages.join('\n---page---\n');
}

const hasPdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** What the officer's stamp says at the current time (Vietnam time). */
function stampTime(): string {
  const v = new Date(sys.clock.now().getTime() + 7 * 3_600_000).toISOString();
  return `${v.slice(11, 16)} ${v.slice(8, 10)}/${v.slice(5, 7)}/${v.slice(0, 4)}`;
}

// ——— Tests ———

describe('documents: stored encrypted, read back intact', () => {
  it('R05: a paper added at the desk comes back to the processing unit byte for byte (Office files are not stamped)', async () => {
    const docx = docxFixture();
    const doc = await uploaded(desk, docx, { name: 'Tờ khai đăng ký khai sinh.docx', type: DOCX, kind: 'digitized', component: 'Tờ khai' });
    expect(doc).toMatchObject({ name: 'Tờ khai đăng ký khai sinh.docx', size: docx.length, sha256: sha256(docx).toString('hex'), kind: 'digitized' });
    await desk.post(`/api/dossiers/${dossierId}/assign`, { unitId: sys.communes[0]!.id });

    const list = (await processor.get(`/api/dossiers/${dossierId}/documents`)).json();
    expect(list.items.find((d: { id: string }) => d.id === doc.id)).toMatchObject({ component: 'Tờ khai', mediaType: DOCX, uploadedBy: { username: 'doc.desk', fullName: 'Nguyễn Thị Lụa' } });
    expect(list.abilities.upload).toBe(true);
    const res = await open(processor, doc.id, 'download');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.rawPayload.equals(docx)).toBe(true);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('stores the component’s kind (Circular 01/2023: digitised, reused, from the population database)', async () => {
    const png = await pngFixture();
    for (const kind of ['reused', 'from_npd']) await uploaded(desk, png, { name: `ảnh ${kind}.png`, type: 'image/png', kind });
    const kinds = (await desk.get(`/api/dossiers/${dossierId}/documents`)).json().items.map((d: { kind: string }) => d.kind);
    expect(kinds).toEqual(expect.arrayContaining(['digitized', 'reused', 'from_npd']));
    expect((await upload(desk, dossierId, png, { name: 'x.png', type: 'image/png', kind: 'scanned' })).statusCode).toBe(400);
  });

  it('R15: the database holds only ciphertext under a per-document key; the plaintext decrypts only with its own id', async () => {
    const pdf = await pdfFixture();
    const doc = await uploaded(desk, pdf, { name: 'Giấy chứng sinh.pdf', type: 'application/pdf' });
    const [row] = await sys.database.db.select().from(documentContents).where(eq(documentContents.documentId, doc.id));
    expect(row!.ciphertext.includes(Buffer.from(MARKER))).toBe(false);
    expect(row!.ciphertext.includes(Buffer.from('%PDF'))).toBe(false);
    expect(row!.ciphertext.includes(pdf.subarray(0, 64))).toBe(false);
    expect(row!.ciphertext.length).toBe(pdf.length + 1 + 12 + 16);
    expect(sys.keys.openDocument(doc.id, row!).equals(pdf)).toBe(true);
    expect(() => sys.keys.openDocument('00000000-0000-4000-8000-000000000000', row!)).toThrow();
    // two uploads of the same bytes share nothing but the hash
    const again = await uploaded(desk, pdf, { name: 'Giấy chứng sinh (2).pdf', type: 'application/pdf' });
    const [other] = await sys.database.db.select().from(documentContents).where(eq(documentContents.documentId, again.id));
    expect(other!.wrappedKey.equals(row!.wrappedKey)).toBe(false);
    expect(other!.ciphertext.subarray(13, 45).equals(row!.ciphertext.subarray(13, 45))).toBe(false);
  });

  it.each([
    ['a changed ciphertext', 'decryption', (id: string) => sql`UPDATE document_contents SET ciphertext = overlay(ciphertext placing '\\xff'::bytea from 40 for 1) WHERE document_id = ${id}`],
    ['a changed hash', 'sha256', (id: string) => sql`UPDATE documents SET sha256 = sha256('tampered'::bytea) WHERE id = ${id}`],
    [
      'a ciphertext and key copied from another document',
      'decryption',
      (id: string) => sql`UPDATE document_contents SET (wrapped_key, ciphertext) = (SELECT wrapped_key, ciphertext FROM document_contents WHERE document_id <> ${id} LIMIT 1) WHERE document_id = ${id}`,
    ],
  ])('should detect %s: 500 without internals, journaled as an integrity failure', async (_, check, tamper) => {
    const doc = await uploaded(desk, await pdfFixture(1), { name: 'bị sửa.pdf', type: 'application/pdf' });
    await asOwner((tx) => tx.execute(tamper(doc.id)));
    const before = (await sys.journalOf('document.integrity_failure')).length;
    const res = await open(processor, doc.id, 'download', 'Kiểm tra hồ sơ');
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('document_integrity');
    expect(res.body).not.toMatch(/stack|Unsupported state|auth|decipher|sha256|bytea/i);
    const failures = await sys.journalOf('document.integrity_failure');
    expect(failures.length).toBe(before + 1);
    expect(failures.at(-1)).toMatchObject({ targetId: doc.id, outcome: 'failure', reason: 'Kiểm tra hồ sơ', details: { check, mode: 'download' } });
    expect((await sys.journalOf('document.download')).some((e) => e.targetId === doc.id)).toBe(false);
  });
});

describe('upload attacks (issue 4, "Bad input"): refused with a clear message, nothing stored, the refusal journaled', () => {
  const big = () => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(10 * 1024 * 1024)]);
  const cases: [string, () => Promise<Buffer> | Buffer, { name: string; type: string }, number, string][] = [
    ['an empty file', () => Buffer.alloc(0), { name: 'rỗng.pdf', type: 'application/pdf' }, 400, 'empty_file'],
    ['a file over the limit (10 MB)', big, { name: 'lớn.pdf', type: 'application/pdf' }, 413, 'file_too_large'],
    ['a PNG declared as a PDF', () => pngFixture(), { name: 'ảnh.pdf', type: 'application/pdf' }, 400, 'type_mismatch'],
    ['an HTML page declared as a PDF', () => Buffer.from('<html><script>alert(1)</script></html>'), { name: 'trang.pdf', type: 'application/pdf' }, 400, 'type_mismatch'],
    ['a PDF declared as a JPEG', () => pdfFixture(1), { name: 'ảnh.jpg', type: 'image/jpeg' }, 400, 'type_mismatch'],
    ['a JPEG declared as a PNG', () => jpegFixture(), { name: 'ảnh.png', type: 'image/png' }, 400, 'type_mismatch'],
    ['a Word file declared as Excel', () => docxFixture(), { name: 'bảng.xlsx', type: XLSX }, 400, 'type_mismatch'],
    ['a plain zip declared as Word', () => makeZip([{ name: 'a.txt', data: Buffer.from('x') }]), { name: 'văn bản.docx', type: DOCX }, 400, 'type_mismatch'],
    ['an executable', () => Buffer.from('MZ\x90\x00'), { name: 'setup.exe', type: 'application/x-msdownload' }, 415, 'unsupported_type'],
    ['an HTML page', () => Buffer.from('<html></html>'), { name: 'a.html', type: 'text/html' }, 415, 'unsupported_type'],
    ['a zip archive', () => makeZip([{ name: 'a.txt', data: Buffer.from('x') }]), { name: 'a.zip', type: 'application/zip' }, 415, 'unsupported_type'],
    ['a name with a path (../)', () => pdfFixture(1), { name: '../../etc/giấy.pdf', type: 'application/pdf' }, 400, 'invalid_file_name'],
    ['a name with a backslash', () => pdfFixture(1), { name: 'C:\\Users\\giấy.pdf', type: 'application/pdf' }, 400, 'invalid_file_name'],
    ['a name with a NUL', () => pdfFixture(1), { name: 'giấy\u0000.pdf', type: 'application/pdf' }, 400, 'invalid_input'],
    ['a name with a line break', () => pdfFixture(1), { name: 'giấy\r\nX-Header: 1.pdf', type: 'application/pdf' }, 400, 'invalid_file_name'],
    ['a name with a right-to-left override (exe.pdf shown as fdp.exe)', () => pdfFixture(1), { name: 'hóa đơn\u202Eexe.pdf', type: 'application/pdf' }, 400, 'invalid_file_name'],
    ['an over-long name', () => pdfFixture(1), { name: `${'giấy '.repeat(50)}.pdf`, type: 'application/pdf' }, 400, 'invalid_file_name'],
    ['a name whose extension is not the type’s', () => pdfFixture(1), { name: 'giấy.pdf.exe', type: 'application/pdf' }, 400, 'invalid_file_name'],
    ['a damaged PDF', () => Buffer.from('%PDF-1.7\nnothing here'), { name: 'hỏng.pdf', type: 'application/pdf' }, 400, 'damaged_file'],
    ['a PDF stream bomb', pdfStreamBomb, { name: 'bom.pdf', type: 'application/pdf' }, 400, 'compression_bomb'],
    ['an image of 100 megapixels', () => pngFixture(10_000, 10_000), { name: 'khổng lồ.png', type: 'image/png' }, 400, 'image_too_large'],
    ['a zip bomb (an entry inflating a thousandfold)', () => docxFixture(Buffer.alloc(30 * 1024 * 1024, 0x20)), { name: 'bom.docx', type: DOCX }, 400, 'compression_bomb'],
    [
      'a zip bomb whose directory lies about the sizes',
      () =>
        makeZip([
          { name: '[Content_Types].xml', data: CONTENT_TYPES },
          { name: 'word/document.xml', data: Buffer.alloc(5 * 1024 * 1024, 0x20), declaredSize: 1000 },
        ]),
      { name: 'bom.docx', type: DOCX },
      400,
      'compression_bomb',
    ],
    [
      'an archive over the total inflated limit',
      () => makeZip([{ name: '[Content_Types].xml', data: CONTENT_TYPES }, ...Array.from({ length: 11 }, (_, i) => ({ name: `word/media/image${i}.bin`, data: Buffer.alloc(10 * 1024 * 1024, i), declaredSize: 10 * 1024 * 1024 }))]),
      { name: 'nhiều.docx', type: DOCX },
      400,
      'compression_bomb',
    ],
    [
      'an Office file with macros',
      () => makeZip([{ name: '[Content_Types].xml', data: CONTENT_TYPES }, { name: 'word/document.xml', data: Buffer.from('<w:document/>') }, { name: 'word/vbaProject.bin', data: Buffer.from('x') }]),
      { name: 'macro.docx', type: DOCX },
      400,
      'macros',
    ],
  ];

  it.each(cases)('should refuse %s', async (_, bytes, o, status, code) => {
    const body = await bytes();
    const before = await stored();
    const refusals = (await sys.journalOf('document.upload')).filter((e) => e.outcome === 'refused').length;
    const res = await upload(desk, dossierId, body, o);
    expect(res.statusCode, res.body).toBe(status);
    const error = res.json().error;
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/[^\x00-\x7f]/); // Vietnamese, for the officer
    expect(error.messageEn.length).toBeGreaterThan(5);
    expect(await stored()).toEqual(before);
    if (code !== 'invalid_input') {
      const after = (await sys.journalOf('document.upload')).filter((e) => e.outcome === 'refused');
      expect(after.length).toBe(refusals + 1);
      expect(after.at(-1)!.details).toMatchObject({ refusal: code });
    }
  });

  it('should refuse a body over the limit without an announced length, reading no further than the limit', async () => {
    const before = await stored();
    const res = await sys.app.inject({
      method: 'POST',
      url: `/api/dossiers/${dossierId}/documents?name=a.pdf`,
      headers: { cookie: `motcua_session=${desk.cookie}`, 'x-csrf-token': desk.csrf!, 'content-type': 'application/pdf', 'transfer-encoding': 'chunked' },
      payload: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(11 * 1024 * 1024)]),
      remoteAddress: '10.7.0.1',
    });
    expect(res.statusCode).toBe(413);
    expect(await stored()).toEqual(before);
  });

  it('accepts what it should: a PDF, a JPEG, a PNG, a Word and an Excel file', async () => {
    const xlsx = makeZip([{ name: '[Content_Types].xml', data: CONTENT_TYPES }, { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>'.repeat(1000)) }]);
    for (const [bytes, name, type] of [
      [await pdfFixture(1), 'Giấy chứng sinh.PDF', 'application/pdf'],
      [await jpegFixture(), 'Ảnh CCCD mặt trước.jpeg', 'image/jpeg'],
      [await pngFixture(), 'ảnh.png', 'image/png; charset=binary'],
      [docxFixture(), 'tờ khai.docx', DOCX],
      [xlsx, 'bảng kê.xlsx', XLSX],
    ] as [Buffer, string, string][]) {
      const res = await upload(desk, dossierId, bytes, { name, type });
      expect(res.statusCode, `${name}: ${res.body}`).toBe(200);
    }
  });
});

describe('who may reach a document', () => {
  it('R18: another unit’s officer gets 404 for the list, an upload, a view and a download', async () => {
    const doc = await uploaded(desk, await pdfFixture(1), { name: 'giấy.pdf', type: 'application/pdf' });
    expect((await otherDesk.get(`/api/dossiers/${dossierId}/documents`)).statusCode).toBe(404);
    expect((await upload(otherDesk, dossierId, await pdfFixture(1), { name: 'x.pdf', type: 'application/pdf' })).statusCode).toBe(404);
    expect((await open(otherDesk, doc.id, 'view')).statusCode).toBe(404);
    expect((await open(otherDesk, doc.id, 'download')).statusCode).toBe(404);
    // exactly like a document that does not exist
    expect((await open(otherDesk, '00000000-0000-4000-8000-000000000000', 'download')).json()).toEqual((await open(otherDesk, doc.id, 'download')).json());
  });

  it('should not serve any document URL without a session, nor without a reason', async () => {
    const doc = await uploaded(desk, await pdfFixture(1), { name: 'giấy.pdf', type: 'application/pdf' });
    const anonymous = sys.client('10.7.9.9');
    expect((await open(anonymous, doc.id, 'download')).statusCode).toBe(401);
    expect((await open(anonymous, doc.id, 'view')).statusCode).toBe(401);
    expect((await anonymous.get(`/api/dossiers/${dossierId}/documents`)).statusCode).toBe(401);
    expect((await upload(anonymous, dossierId, await pdfFixture(1), { name: 'x.pdf', type: 'application/pdf' })).statusCode).toBe(401);
    expect((await desk.post(`/api/documents/${doc.id}/download`, {})).statusCode).toBe(400);
    expect((await open(desk, doc.id, 'download', '  ')).statusCode).toBe(400);
  });

  it('R01: should not take the reason in the address, where the browser history and access logs would keep it', async () => {
    const doc = await uploaded(desk, await pdfFixture(1), { name: 'giấy-lý-do.pdf', type: 'application/pdf' });
    const before = (await sys.journalOf('document.view')).length;
    expect((await desk.get(`/api/documents/${doc.id}/view?reason=${encodeURIComponent('Thẩm định hồ sơ')}`)).statusCode).toBe(404);
    expect((await desk.post(`/api/documents/${doc.id}/view?reason=${encodeURIComponent('Thẩm định hồ sơ')}`, {})).statusCode).toBe(400);
    expect(await sys.journalOf('document.view')).toHaveLength(before);
    expect((await open(desk, doc.id, 'view')).statusCode).toBe(200);
    expect((await sys.journalOf('document.view')).at(-1)).toMatchObject({ targetId: doc.id, reason: 'Thẩm định hồ sơ khai sinh' });
  });

  it('should not let an officer who only sees the dossier add papers (403), nor anyone add to a closed dossier (409)', async () => {
    const commune = sys.communes[0]!;
    const d = await receive(desk, procedureId, commune.id);
    // the commune's processing officer sees a dossier received at the commune, but it is not theirs to work yet
    const pdf = await pdfFixture(1);
    expect((await upload(processor, d.id, pdf, { name: 'x.pdf', type: 'application/pdf' })).statusCode).toBe(403);
    expect((await processor.get(`/api/dossiers/${d.id}/documents`)).json().abilities.upload).toBe(false);
    await desk.post(`/api/dossiers/${d.id}/withdraw`, { reason: 'Công dân rút hồ sơ' });
    const before = await stored();
    const res = await upload(desk, d.id, pdf, { name: 'x.pdf', type: 'application/pdf' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('dossier_closed');
    expect(await stored()).toEqual(before);
  });
});

describe('views and downloads: journaled with the reason, stamped with the officer and time', () => {
  it('R25: every view and download is journaled with its reason and the citizens as keyed hashes; uploads too', async () => {
    const doc = await uploaded(desk, await pngFixture(), { name: 'ảnh.png', type: 'image/png' });
    const [up] = (await sys.journalOf('document.upload')).filter((e) => e.targetId === doc.id);
    expect(up).toMatchObject({ outcome: 'success', details: { dossierId, mediaType: 'image/png', sha256: doc.sha256 } });
    expect(JSON.stringify(up!.details)).not.toContain('ảnh.png');
    const dossier = (await desk.get(`/api/dossiers/${dossierId}`)).json();
    expect(up!.citizens).toEqual([sys.keys.citizenDigest(dossier.applicant.personalId)]);

    expect((await open(processor, doc.id, 'view', 'Đối chiếu bản chính')).statusCode).toBe(200);
    expect((await open(processor, doc.id, 'download', 'In để trình lãnh đạo ký')).statusCode).toBe(200);
    const view = (await sys.journalOf('document.view')).filter((e) => e.targetId === doc.id);
    const download = (await sys.journalOf('document.download')).filter((e) => e.targetId === doc.id);
    expect(view.map((e) => e.reason)).toEqual(['Đối chiếu bản chính']);
    expect(download.map((e) => e.reason)).toEqual(['In để trình lãnh đạo ký']);
    expect(download[0]!.citizens).toEqual(up!.citizens);
    expect(download[0]!.details).toMatchObject({ dossierId, sha256: doc.sha256 });
  });

  it('R05: a downloaded PDF carries the officer’s name, username and time on every page and in its file name', async () => {
    const pdf = await pdfFixture(3);
    const doc = await uploaded(desk, pdf, { name: 'Giấy chứng sinh.pdf', type: 'application/pdf' });
    const res = await open(processor, doc.id, 'download');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const disposition = String(res.headers['content-disposition']);
    const time = stampTime();
    const [hhmm, ddmmyyyy] = time.split(' ') as [string, string];
    const expectedName = `Giấy chứng sinh - Đặng Văn Hưởng (doc.processor) ${ddmmyyyy.replaceAll('/', '-')} ${hhmm.replace(':', 'h')}.pdf`;
    expect(disposition).toBe(`attachment; filename="${expectedName.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace('Đ', 'D')}"; filename*=UTF-8''${encodeURIComponent(expectedName).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`);
    const name = decodeURIComponent(disposition.split("filename*=UTF-8''")[1]!);
    expect(name).toBe(expectedName);

    const text = await pdfText(res.rawPayload);
    const pages = text.split('\n---page---\n');
    expect(pages).toHaveLength(3);
    for (const page of pages) {
      expect(page).toContain(MARKER); // the paper itself is untouched
      expect(page).toContain(`Đặng Văn Hưởng (doc.processor) · ${time}`);
      expect(page.replace(/\s+/g, ' ')).toContain('hồ sơ');
    }
    if (hasPdftotext) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-doc-'));
      fs.writeFileSync(path.join(dir, 'a.pdf'), res.rawPayload);
      const rendered = execFileSync('pdftotext', [path.join(dir, 'a.pdf'), '-'], { encoding: 'utf8' });
      fs.rmSync(dir, { recursive: true, force: true });
      expect(rendered).toContain('Đặng Văn Hưởng');
      expect(rendered).toContain('doc.processor');
    }
    // viewing gets the same stamp, inline
    const view = await open(processor, doc.id, 'view');
    expect(String(view.headers['content-disposition'])).toMatch(/^inline; /);
    expect(await pdfText(view.rawPayload)).toContain('Đặng Văn Hưởng (doc.processor)');
  });

  it('R05: a downloaded image is stamped visibly, upright, in its own format, without its camera metadata', async () => {
    const original = await sharp({ create: { width: 900, height: 600, channels: 3, background: { r: 240, g: 240, b: 240 } } })
      .jpeg()
      .withExif({ IFD0: { Make: 'Camera', Model: MARKER } })
      .toBuffer();
    const doc = await uploaded(desk, original, { name: 'CCCD mặt trước.jpg', type: 'image/jpeg' });
    const res = await open(processor, doc.id, 'download');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(decodeURIComponent(String(res.headers['content-disposition']).split("filename*=UTF-8''")[1]!)).toMatch(/^CCCD mặt trước - Đặng Văn Hưởng \(doc\.processor\) \d{2}-\d{2}-\d{4} \d{2}h\d{2}\.jpg$/);
    const meta = await sharp(res.rawPayload).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 900, 600]);
    expect(res.rawPayload.includes(Buffer.from(MARKER))).toBe(false);

    // the stamp is there to see: the band along the bottom and the text across the middle differ from the plain grey
    const pixels = async (buf: Buffer, top: number, height: number) => (await sharp(buf).extract({ left: 0, top, width: 900, height }).raw().toBuffer());
    const differs = async (top: number, height: number) => {
      const [a, b] = [await pixels(original, top, height), await pixels(res.rawPayload, top, height)];
      let changed = 0;
      for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > 40) changed++;
      return changed / a.length;
    };
    expect(await differs(560, 40)).toBeGreaterThan(0.02);
    expect(await differs(250, 100)).toBeGreaterThan(0.003);
    expect(await differs(0, 40)).toBeLessThan(0.01);
  });

  it('stamps a PNG and keeps it a PNG', async () => {
    const doc = await uploaded(desk, await pngFixture(400, 700), { name: 'giấy tờ.png', type: 'image/png' });
    const res = await open(processor, doc.id, 'download');
    const meta = await sharp(res.rawPayload).metadata();
    expect([res.headers['content-type'], meta.format, meta.width, meta.height]).toEqual(['image/png', 'png', 400, 700]);
  });
});

describe('tables', () => {
  it('the application may not rewrite a stored document (no UPDATE right)', async () => {
    const [doc] = await sys.database.db.select({ id: documents.id }).from(documents).limit(1);
    const err = await sys.database.db.execute(sql`UPDATE document_contents SET ciphertext = '\\x00' WHERE document_id = ${doc!.id}`).then(
      () => null,
      (e: Error & { cause?: Error }) => e.cause ?? e,
    );
    expect(String(err)).toMatch(/permission denied/);
  });
});
