import { count, eq, sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receive } from '../../../test/dossier-fixtures.ts';
import { startTestSystem, type Client, type TestSystem } from '../../../test/harness.ts';
import type { UnitRow } from '../units/units.tables.ts';
import { importCatalogue, suggestedWorkingDays } from './catalogue.service.ts';
import { offerSuggestedProcedures } from './procedures.service.ts';
import { offeredProcedures, procedureCatalogue, procedureVersions } from './procedures.tables.ts';
import { SUGGESTED_VERSIONS } from './suggested-versions.ts';

const BIRTH = '1.001193';
const RECORD_CERTIFICATE = '3.000333';

let sys: TestSystem;
let commune: UnitRow;
let admin: Client;
let communeAdmin: Client;
let reception: Client;
let communeDesk: UnitRow;
let department: UnitRow;

beforeAll(async () => {
  sys = await startTestSystem();
  await sys.inTx(importCatalogue);
  commune = sys.communes[0]!;
  communeDesk = await sys.orgUnit(commune, `${commune.code}.MC`, 'desk');
  department = await sys.orgUnit(sys.province, '19.STP', 'department');
  admin = await sys.signedIn(await sys.officer({ username: 'tt.quantri', unit: sys.province, roles: ['system_admin'] }), '10.40.0.1');
  communeAdmin = await sys.signedIn(await sys.officer({ username: 'tt.qtxa', unit: commune, roles: ['unit_admin'] }), '10.40.0.2');
  reception = await sys.signedIn(await sys.officer({ username: 'tt.tiepnhan', unit: communeDesk, roles: ['reception_officer'] }), '10.40.0.3');
});
afterAll(() => sys.close());

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.code).toBe(code);
}

const birthVersion = (over: Record<string, unknown> = {}) => ({
  processingDays: 1,
  documents: [
    { name: 'Tờ khai đăng ký khai sinh', required: true, copies: 1 },
    { name: 'Giấy chứng sinh', required: true, copies: 1 },
  ],
  purpose: 'Đăng ký khai sinh: xác định nhân thân và nơi cư trú của cha, mẹ.',
  npdFields: ['noi_thuong_tru', 'ho_ten', 'so_dinh_danh', 'quoc_tich'],
  retentionYears: null,
  ...over,
});

async function offeredCount(): Promise<number> {
  const [row] = await sys.database.db.select({ n: count() }).from(offeredProcedures);
  return row!.n;
}
async function journalCount(type: string): Promise<number> {
  return (await sys.journalOf(type)).length;
}

describe('R22: the national catalogue', () => {
  it('holds the 2,642 procedures of the reference file, codes as strings, levels in English', async () => {
    const [row] = await sys.database.db.select({ n: count() }).from(procedureCatalogue);
    expect(row!.n).toBe(2642);
    const [birth] = await sys.database.db.select().from(procedureCatalogue).where(eq(procedureCatalogue.code, BIRTH));
    expect(birth).toMatchObject({ name: 'Thủ tục đăng ký khai sinh', field: 'Hộ tịch', levels: ['commune'], issuingBody: 'Bộ Tư pháp', suggestedWorkingDays: 1 });
    expect(birth!.dossierText).toContain('Giấy chứng sinh');
    const [copy] = await sys.database.db.select().from(procedureCatalogue).where(eq(procedureCatalogue.code, '2.000635'));
    expect(copy!.levels.sort()).toEqual(['commune', 'province']);
  });

  it('a second import of the same file changes nothing and records nothing', async () => {
    const before = await journalCount('procedure.catalogue_import');
    expect(await sys.inTx(importCatalogue)).toBe(0);
    expect(await journalCount('procedure.catalogue_import')).toBe(before);
  });

  it.each([
    ['7 working days on every channel', [{ channel: 'Trực tuyến', value: 7, unit: 'Ngày làm việc' }, { channel: 'Trực tiếp', value: 7, unit: 'Ngày làm việc' }], 7],
    ['a bare number is working days', [{ channel: 'Trực tiếp', value: 1, unit: null }], 1],
    ['two cases (5 and 30 days): the province decides', [{ channel: 'Trực tiếp', value: 5, unit: 'Ngày làm việc' }, { channel: 'Trực tiếp', value: 30, unit: 'Ngày làm việc' }], null],
    ['calendar days: the province decides', [{ channel: 'Trực tiếp', value: 10, unit: 'Ngày' }], null],
    ['hours: the province decides', [{ channel: 'Trực tiếp', value: 8, unit: 'Giờ' }], null],
    ['unparsed text', [{ channel: 'Trực tiếp', value: null, unit: null, unparsed: true }], null],
  ])('suggests working days only when the portal states them unambiguously: %s', (_case, times, expected) => {
    expect(suggestedWorkingDays(times)).toBe(expected);
  });
});

describe('R22: searching the catalogue', () => {
  it('finds birth registration by name without diacritics, the shortest name first', async () => {
    const res = await reception.get('/api/procedures/catalogue?q=dang%20ky%20khai%20sinh');
    expect(res.statusCode, res.body).toBe(200);
    const { total, items } = res.json();
    expect(total).toBeGreaterThan(5);
    expect(items[0]).toMatchObject({ code: BIRTH, name: 'Thủ tục đăng ký khai sinh', levels: ['commune'] });
  });

  it('words match in any order and case', async () => {
    const { items } = (await reception.get('/api/procedures/catalogue?q=KHAI%20SINH%20dang%20ky&limit=100')).json();
    expect(items.map((i: { code: string }) => i.code)).toContain(BIRTH);
  });

  it('finds by a code prefix, in code order', async () => {
    const { items } = (await reception.get('/api/procedures/catalogue?q=1.0011&limit=100')).json();
    const codes = items.map((i: { code: string }) => i.code);
    expect(codes).toContain(BIRTH);
    // Exactly the catalogue's codes with that prefix (an empty answer must not pass).
    const withPrefix = await sys.database.db.select({ code: procedureCatalogue.code }).from(procedureCatalogue).where(sql`${procedureCatalogue.code} like '1.0011%'`);
    expect(withPrefix).toHaveLength(11);
    expect([...codes].sort()).toEqual(withPrefix.map((r) => r.code).sort());
    expect([...codes].sort()).toEqual(codes);
  });

  it('filters by level and by field', async () => {
    const { items } = (await reception.get('/api/procedures/catalogue?q=ho%20tich&level=province&limit=100')).json();
    expect(items).toHaveLength(34);
    expect(items.every((i: { levels: string[] }) => i.levels.includes('province'))).toBe(true);
    const civil = (await reception.get(`/api/procedures/catalogue?field=${encodeURIComponent('Hộ tịch')}&level=commune&limit=100`)).json();
    const civilRows = await sys.database.db
      .select({ code: procedureCatalogue.code })
      .from(procedureCatalogue)
      .where(sql`${procedureCatalogue.field} = 'Hộ tịch' and 'commune' = any(${procedureCatalogue.levels})`);
    expect(civilRows).toHaveLength(41);
    expect(civil.total).toBe(41);
    expect(civil.items.map((i: { code: string }) => i.code).sort()).toEqual(civilRows.map((r) => r.code).sort());
    expect(civil.items.every((i: { field: string; levels: string[] }) => i.field === 'Hộ tịch' && i.levels.includes('commune'))).toBe(true);
  });

  it('should not treat % or _ in the query as wildcards', async () => {
    const percent = (await reception.get('/api/procedures/catalogue?q=%25&limit=100')).json();
    // Exactly the names with a literal %: a wildcard would match them all.
    const withPercent = await sys.database.db.select({ code: procedureCatalogue.code }).from(procedureCatalogue).where(sql`strpos(${procedureCatalogue.name}, '%') > 0`);
    expect(withPercent).toHaveLength(16);
    expect(percent.total).toBe(16);
    expect(percent.items.map((i: { code: string }) => i.code).sort()).toEqual(withPercent.map((r) => r.code).sort());
    expect((await reception.get('/api/procedures/catalogue?q=_')).json().total).toBe(0);
  });

  it('should not accept unknown query fields or a limit over 100', async () => {
    expectError(await reception.get('/api/procedures/catalogue?q=khai&sort=name'), 400, 'invalid_input');
    expectError(await reception.get('/api/procedures/catalogue?limit=1000'), 400, 'invalid_input');
  });

  it('should not answer without a session', async () => {
    expectError(await sys.client().get('/api/procedures/catalogue?q=khai'), 401, 'not_signed_in');
  });

  it('one procedure comes with its official text and, for common ones, a suggested version without religion', async () => {
    const res = await admin.get(`/api/procedures/catalogue/${BIRTH}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ code: BIRTH, abilities: { offer: true }, suggestedVersion: { processingDays: 1, retentionYears: null } });
    expect(body.dossierText).toContain('Giấy chứng sinh');
    expect(body.suggestedVersion.npdFields).toEqual(expect.arrayContaining(['ho_ten', 'noi_thuong_tru', 'vo_chong']));
    expect(body.suggestedVersion.npdFields).not.toContain('ton_giao');
    expect((await reception.get(`/api/procedures/catalogue/${BIRTH}`)).json().abilities.offer).toBe(false);
    expect((await reception.get('/api/procedures/catalogue/1.000005')).json().suggestedVersion).toBeNull();
  });

  it('an unknown code answers 404, a malformed one 400', async () => {
    expectError(await reception.get('/api/procedures/catalogue/9.999999'), 404, 'not_found');
    expectError(await reception.get('/api/procedures/catalogue/khai-sinh'), 400, 'invalid_input');
  });

  it('the vocabulary of population-database fields marks religion, ethnicity and blood type as sensitive', async () => {
    const { items } = (await reception.get('/api/procedures/npd-fields')).json();
    expect(items.filter((f: { sensitive: boolean }) => f.sensitive).map((f: { key: string }) => f.key).sort()).toEqual(['dan_toc', 'nhom_mau', 'ton_giao']);
    expect(items.find((f: { key: string }) => f.key === 'ho_ten')).toMatchObject({ lawItem: 1, vi: 'Họ, chữ đệm và tên khai sinh' });
  });
});

describe('offering procedures', () => {
  let birthId = '';

  it('R24: the province offers birth registration at commune level; its version declares the population fields it may read', async () => {
    const before = await journalCount('procedure.offer');
    const res = await admin.post('/api/procedures/offered', { code: BIRTH, level: 'commune', version: birthVersion() });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    birthId = body.id;
    expect(body).toMatchObject({ code: BIRTH, level: 'commune', status: 'offered', currentVersion: 1, abilities: { manage: true, withdraw: true, createVersion: true } });
    // Stored in the vocabulary's order, whatever the order sent.
    expect(body.current.npdFields).toEqual(['ho_ten', 'so_dinh_danh', 'quoc_tich', 'noi_thuong_tru']);
    expect(body.versions).toHaveLength(1);
    const [entry] = (await sys.journalOf('procedure.offer')).slice(-1);
    expect(await journalCount('procedure.offer')).toBe(before + 1);
    expect(entry).toMatchObject({ targetId: birthId, unitId: sys.province.id, details: { code: BIRTH, level: 'commune', version: 1 } });
  });

  it('should not offer a procedure at a level the catalogue does not list, and writes nothing', async () => {
    const before = await offeredCount();
    const res = await admin.post('/api/procedures/offered', { code: BIRTH, level: 'province', version: birthVersion() });
    expectError(res, 400, 'level_not_catalogued');
    expect(res.json().error.message).toContain('cấp xã');
    expect(await offeredCount()).toBe(before);
  });

  it('should not offer a code that is not in the catalogue', async () => {
    expectError(await admin.post('/api/procedures/offered', { code: '9.999999', level: 'commune', version: birthVersion() }), 400, 'unknown_procedure');
  });

  it('should not offer the same procedure twice at one level', async () => {
    expectError(await admin.post('/api/procedures/offered', { code: BIRTH, level: 'commune', version: birthVersion() }), 409, 'already_offered');
  });

  it.each([
    ['a field outside the vocabulary', { npdFields: ['ho_ten', 'so_tai_khoan'] }, 'invalid_input'],
    ['a field twice', { npdFields: ['ho_ten', 'ho_ten'] }, 'duplicate_npd_field'],
    ['a document twice (case and diacritics aside)', { documents: [{ name: 'Giấy chứng sinh', required: true, copies: 1 }, { name: 'GIAY CHUNG SINH', required: false, copies: 1 }] }, 'duplicate_document'],
    ['an unknown field in a document', { documents: [{ name: 'Giấy chứng sinh', required: true, copies: 1, original: true }] }, 'invalid_input'],
    ['a negative time limit', { processingDays: -1 }, 'invalid_input'],
    ['no purpose', { purpose: '  ' }, 'invalid_input'],
    ['no retention given', { retentionYears: undefined }, 'invalid_input'],
    ['zero copies', { documents: [{ name: 'Giấy chứng sinh', required: true, copies: 0 }] }, 'invalid_input'],
    ['a leader as a lookup seat (issue 13: never by the unit tree)', { lookupStages: { receiving: ['desk'], processing: ['leader'] } }, 'invalid_input'],
    ['the assignee looking up before anyone is assigned', { lookupStages: { receiving: ['assignee'], processing: ['assignee'] } }, 'invalid_input'],
    ['a stage the workflow does not have', { lookupStages: { receiving: ['desk'], processing: ['assignee'], settled: ['desk'] } }, 'invalid_input'],
    ['a lookup seat twice', { lookupStages: { receiving: ['desk'], processing: ['assignee', 'assignee'] } }, 'duplicate_lookup_seat'],
  ])('should not offer a version with %s', async (_what, over, code) => {
    const before = await offeredCount();
    expectError(await admin.post('/api/procedures/offered', { code: '1.000656', level: 'commune', version: birthVersion(over) }), 400, code);
    expect(await offeredCount()).toBe(before);
  });

  it('should not accept unknown fields in the body', async () => {
    expectError(await admin.post('/api/procedures/offered', { code: '1.000656', level: 'commune', version: birthVersion(), unitId: commune.id }), 400, 'invalid_input');
  });

  it('should not let a commune administrator choose the province’s procedures (403), nor a reception officer', async () => {
    const before = await offeredCount();
    expectError(await communeAdmin.post('/api/procedures/offered', { code: '1.000656', level: 'commune', version: birthVersion() }), 403, 'forbidden');
    expectError(await reception.post('/api/procedures/offered', { code: '1.000656', level: 'commune', version: birthVersion() }), 403, 'forbidden');
    expect(await offeredCount()).toBe(before);
  });

  it('a reception officer at a commune desk lists the commune-level procedures, without the right to change them', async () => {
    const certificate = await admin.post('/api/procedures/offered', {
      code: RECORD_CERTIFICATE,
      level: 'province',
      version: { ...SUGGESTED_VERSIONS[RECORD_CERTIFICATE]!, note: '' },
    });
    expect(certificate.statusCode, certificate.body).toBe(200);
    const res = await reception.get(`/api/procedures/offered?unitId=${communeDesk.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const { level, items } = res.json();
    expect(level).toBe('commune');
    expect(items.map((i: { code: string }) => i.code)).toEqual([BIRTH]);
    expect(items[0]).toMatchObject({ name: 'Thủ tục đăng ký khai sinh', current: { version: 1, processingDays: 1 }, abilities: { read: true, manage: false } });
  });

  it('a department under the province lists the province-level procedures; a name search ignores diacritics', async () => {
    const { level, items } = (await reception.get(`/api/procedures/offered?unitId=${department.id}`)).json();
    expect(level).toBe('province');
    expect(items.map((i: { code: string }) => i.code)).toEqual([RECORD_CERTIFICATE]);
    const found = (await reception.get('/api/procedures/offered?q=ly%20lich%20tu%20phap')).json().items;
    expect(found.map((i: { code: string }) => i.code)).toEqual([RECORD_CERTIFICATE]);
  });

  it('should not accept a unit and a level at once', async () => {
    expectError(await reception.get(`/api/procedures/offered?unitId=${communeDesk.id}&level=province`), 400, 'unit_or_level');
  });

  it('an unknown unit answers 404', async () => {
    expectError(await reception.get('/api/procedures/offered?unitId=00000000-0000-4000-8000-000000000000'), 404, 'not_found');
  });

  it('the catalogue search shows where the province already offers a procedure', async () => {
    const { items } = (await reception.get(`/api/procedures/catalogue?q=${BIRTH}`)).json();
    expect(items[0].offerings).toEqual([{ id: birthId, level: 'commune', status: 'offered' }]);
  });

  describe('versions', () => {
    it('R24: a change makes a new version; the earlier version stays exactly as it was', async () => {
      const before = (await admin.get(`/api/procedures/offered/${birthId}`)).json().versions[0];
      const res = await admin.post(`/api/procedures/offered/${birthId}/versions`, { basedOn: 1, ...birthVersion({ processingDays: 2 }), note: 'Thêm một ngày xác minh' });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ currentVersion: 2, current: { version: 2, processingDays: 2, note: 'Thêm một ngày xác minh' } });
      expect(body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
      expect(body.versions[1]).toEqual(before);
      const [entry] = (await sys.journalOf('procedure.version')).slice(-1);
      expect(entry).toMatchObject({ targetId: birthId, reason: 'Thêm một ngày xác minh', details: { version: 2, changed: ['processingDays'] } });
    });

    it('should not create a version from a stale one', async () => {
      const res = await admin.post(`/api/procedures/offered/${birthId}/versions`, { basedOn: 1, ...birthVersion({ processingDays: 3 }), note: 'Sửa từ bản cũ' });
      expectError(res, 409, 'version_conflict');
      expect((await admin.get(`/api/procedures/offered/${birthId}`)).json().currentVersion).toBe(2);
    });

    it('should not create a version that changes nothing, nor one without a note', async () => {
      expectError(await admin.post(`/api/procedures/offered/${birthId}/versions`, { basedOn: 2, ...birthVersion({ processingDays: 2 }), note: 'Không đổi gì' }), 400, 'version_unchanged');
      expectError(await admin.post(`/api/procedures/offered/${birthId}/versions`, { basedOn: 2, ...birthVersion({ processingDays: 4 }), note: '' }), 400, 'invalid_input');
    });

    it('two administrators editing the same version at once: exactly one new version', async () => {
      const other = await sys.signedIn(await sys.officer({ username: 'tt.quantri2', unit: sys.province, roles: ['unit_admin'] }), '10.40.0.9');
      const results = await Promise.all([
        admin.post(`/api/procedures/offered/${birthId}/versions`, { basedOn: 2, ...birthVersion({ processingDays: 5 }), note: 'Sửa A' }),
        other.post(`/api/procedures/offered/${birthId}/versions`, { basedOn: 2, ...birthVersion({ processingDays: 6 }), note: 'Sửa B' }),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      const versions = await sys.database.db.select().from(procedureVersions).where(eq(procedureVersions.offeredProcedureId, birthId));
      expect(versions.map((v) => v.version).sort()).toEqual([1, 2, 3]);
    });

    it('should not let anyone change or delete a version, even with SQL', async () => {
      await expect(sys.database.db.execute(sql`UPDATE procedure_versions SET processing_days = 0 WHERE offered_procedure_id = ${birthId}`)).rejects.toThrow();
      await expect(sys.database.db.execute(sql`DELETE FROM procedure_versions WHERE offered_procedure_id = ${birthId}`)).rejects.toThrow();
      const versions = await sys.database.db.select().from(procedureVersions).where(eq(procedureVersions.offeredProcedureId, birthId));
      expect(versions).toHaveLength(3);
    });

    it('a commune administrator cannot make a version (403)', async () => {
      expectError(await communeAdmin.post(`/api/procedures/offered/${birthId}/versions`, { basedOn: 3, ...birthVersion({ processingDays: 9 }), note: 'Từ xã' }), 403, 'forbidden');
    });
  });

  describe('withdrawing', () => {
    it('a withdrawn procedure is no longer listed as offered, and keeps its versions', async () => {
      expectError(await admin.post(`/api/procedures/offered/${birthId}/withdraw`, { reason: '' }), 400, 'invalid_input');
      const res = await admin.post(`/api/procedures/offered/${birthId}/withdraw`, { reason: 'Chuyển sang liên thông' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: 'withdrawn', statusReason: 'Chuyển sang liên thông', abilities: { manage: true, withdraw: false, createVersion: false } });
      expect((await reception.get(`/api/procedures/offered?unitId=${communeDesk.id}`)).json().items).toEqual([]);
      const all = (await reception.get(`/api/procedures/offered?unitId=${communeDesk.id}&status=all`)).json().items;
      expect(all.map((i: { id: string }) => i.id)).toEqual([birthId]);
      expect((await reception.get(`/api/procedures/offered/${birthId}`)).json().versions).toHaveLength(3);
      expect((await sys.journalOf('procedure.withdraw')).slice(-1)[0]).toMatchObject({ targetId: birthId, reason: 'Chuyển sang liên thông' });
    });

    it('should not withdraw twice, nor version a withdrawn procedure', async () => {
      expectError(await admin.post(`/api/procedures/offered/${birthId}/withdraw`, { reason: 'Lần nữa' }), 409, 'already_withdrawn');
      expectError(await admin.post(`/api/procedures/offered/${birthId}/versions`, { basedOn: 3, ...birthVersion({ processingDays: 9 }), note: 'Sau khi ngừng' }), 409, 'procedure_withdrawn');
    });

    it('offering it again makes a new version and keeps the earlier ones', async () => {
      const res = await admin.post('/api/procedures/offered', { code: BIRTH, level: 'commune', version: birthVersion({ note: 'Cung cấp lại' }) });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ id: birthId, status: 'offered', statusReason: null, currentVersion: 4, current: { note: 'Cung cấp lại' } });
      expect(res.json().versions).toHaveLength(4);
      expect((await sys.journalOf('procedure.offer')).slice(-1)[0]).toMatchObject({ details: { again: true, version: 4 } });
    });

    it('an unknown procedure answers 404', async () => {
      expectError(await admin.post('/api/procedures/offered/00000000-0000-4000-8000-000000000000/withdraw', { reason: 'Không có' }), 404, 'not_found');
      expectError(await reception.get('/api/procedures/offered/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    });
  });
});

describe('Issue 13: who may look up at which stage of a dossier is part of the version', () => {
  it('R13: a version states who may look up at each stage; left out, the desk while receiving and the assignee while processing', async () => {
    const offered = await admin.post('/api/procedures/offered', { code: '1.000656', level: 'commune', version: birthVersion() });
    expect(offered.statusCode, offered.body).toBe(200);
    const { id } = offered.json();
    expect(offered.json().current.lookupStages).toEqual({ receiving: ['desk'], processing: ['assignee'] });
    const res = await admin.post(`/api/procedures/offered/${id}/versions`, {
      basedOn: 1,
      ...birthVersion({ lookupStages: { receiving: ['desk'], processing: ['desk', 'assignee'] } }),
      note: 'Một cửa xác minh lại khi nhận bổ sung',
    });
    expect(res.statusCode, res.body).toBe(200);
    // stored in the seats' order, whatever the order sent; the earlier version keeps its rule
    expect(res.json().current.lookupStages).toEqual({ receiving: ['desk'], processing: ['assignee', 'desk'] });
    expect(res.json().versions[1].lookupStages).toEqual({ receiving: ['desk'], processing: ['assignee'] });
    expect((await sys.journalOf('procedure.version')).find((e) => e.targetId === id)).toMatchObject({ details: { version: 2, changed: ['lookupStages'] } });
  });

  it('R13: should not store a leader as a lookup seat even with SQL', async () => {
    const [version] = await sys.database.db.select().from(procedureVersions).limit(1);
    const insert = sys.database.db.execute(sql`INSERT INTO procedure_versions (id, offered_procedure_id, province_id, version, processing_days, documents, purpose, npd_fields, npd_lookup_stages, note, created_at)
      VALUES (gen_random_uuid(), ${version!.offeredProcedureId}, ${sys.province.id}, 99, 1, '[]', 'x', '{}', '{"receiving": ["desk"], "processing": ["leader"]}', '', now())`);
    await expect(insert).rejects.toSatisfy((err: Error & { cause?: Error }) => `${err.message} ${err.cause?.message}`.includes('procedure_versions_npd_lookup_stages'));
  });
});

describe('Issue 15: offering in bulk', () => {
  // commune-level procedures of the Ministry of Justice: two with one time limit in working days, one without
  const WITH_LIMIT = ['1.000080', '1.000094'];

  it('R24: offers each procedure with the catalogue’s time limit and nothing else: no papers, no population field, no purpose', async () => {
    const res = await admin.post('/api/procedures/offered/bulk', { level: 'commune', codes: [...WITH_LIMIT, WITH_LIMIT[0]] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ offered: WITH_LIMIT, skipped: [] });
    const listed = (await reception.get(`/api/procedures/offered?unitId=${communeDesk.id}&q=1.000080`)).json().items;
    expect(listed).toHaveLength(1);
    expect(listed[0].current).toMatchObject({ version: 1, processingDays: 7, documents: [], npdFields: [], purpose: '', retentionYears: null });
    expect(listed[0].current.note).toContain('chưa khai báo');
    const entries = (await sys.journalOf('procedure.offer')).filter((e) => (e.details as { via?: string }).via === 'bulk');
    expect(entries.map((e) => (e.details as { code: string }).code)).toEqual(WITH_LIMIT);
  });

  it('leaves out, with the reason, what it cannot offer so: offered already, not at that level, no time limit in working days, not catalogued', async () => {
    const [noLimit] = await sys.database.db
      .select({ code: procedureCatalogue.code })
      .from(procedureCatalogue)
      .where(sql`'commune' = ANY(${procedureCatalogue.levels}) AND ${procedureCatalogue.suggestedWorkingDays} IS NULL`)
      .limit(1);
    const before = await offeredCount();
    const res = await admin.post('/api/procedures/offered/bulk', { level: 'commune', codes: [WITH_LIMIT[0], RECORD_CERTIFICATE, noLimit!.code, '9.999999'] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      offered: [],
      skipped: [
        { code: WITH_LIMIT[0], reason: 'already_offered' },
        { code: RECORD_CERTIFICATE, reason: 'not_at_level' },
        { code: noLimit!.code, reason: 'no_time_limit' },
        { code: '9.999999', reason: 'not_catalogued' },
      ],
    });
    expect(await offeredCount()).toBe(before);
  });

  it('should not let a commune administrator or a reception officer offer in bulk, and changes nothing', async () => {
    const before = await offeredCount();
    expectError(await communeAdmin.post('/api/procedures/offered/bulk', { level: 'commune', codes: ['1.000086'] }), 403, 'forbidden');
    expectError(await reception.post('/api/procedures/offered/bulk', { level: 'commune', codes: ['1.000086'] }), 403, 'forbidden');
    expect(await offeredCount()).toBe(before);
  });

  it.each([
    ['no code', { level: 'commune', codes: [] }],
    ['a malformed code', { level: 'commune', codes: ['1.0001'] }],
    ['an unknown field', { level: 'commune', codes: ['1.000086'], npdFields: ['ho_ten'] }],
    ['a ministry level', { level: 'ministry', codes: ['1.000086'] }],
  ])('should not accept %s', async (_what, body) => {
    expectError(await admin.post('/api/procedures/offered/bulk', body), 400, 'invalid_input');
  });

  it('a version that declares a population field must state the purpose; one that declares none needs none', async () => {
    const [offered] = (await admin.get('/api/procedures/offered?level=commune&q=1.000094')).json().items;
    const body = { basedOn: 1, processingDays: 3, documents: [], purpose: '', npdFields: ['ho_ten'], retentionYears: 20, note: 'Khai báo trường dữ liệu' };
    const refused = await admin.post(`/api/procedures/offered/${offered.id}/versions`, body);
    expectError(refused, 400, 'invalid_input');
    expect(refused.json().error.details).toEqual([expect.objectContaining({ path: '/purpose' })]);
    const res = await admin.post(`/api/procedures/offered/${offered.id}/versions`, { ...body, npdFields: [], note: 'Thời hạn lưu trữ' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().current).toMatchObject({ version: 2, retentionYears: 20, purpose: '' });
  });

  it('the catalogue lists its issuing bodies and fields with their numbers, and every code a search matches', async () => {
    const facets = (await reception.get('/api/procedures/catalogue/facets?level=commune')).json();
    expect(facets.issuingBodies).toContainEqual({ name: 'Bộ Tư pháp', count: 66 });
    expect(facets.issuingBodies.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(588);
    const { codes } = (await reception.get(`/api/procedures/catalogue/codes?level=commune&issuingBody=${encodeURIComponent('Bộ Tư pháp')}`)).json();
    expect(codes).toHaveLength(66);
    expect(codes).toContain(BIRTH);
    expect(codes).toEqual([...codes].sort());
  });
});

describe('Issue 15: withdrawing a procedure dossiers use', () => {
  it('should not withdraw a procedure while a dossier received under it is open, and changes nothing', async () => {
    const desk = await sys.signedIn(await sys.officer({ username: 'tt.tiepnhan2', unit: communeDesk, roles: ['reception_officer'] }), '10.40.0.4');
    const [offered] = (await admin.get('/api/procedures/offered?level=commune&q=1.000080')).json().items;
    const dossier = await receive(desk, offered.id, communeDesk.id);
    const before = await journalCount('procedure.withdraw');
    const refused = await admin.post(`/api/procedures/offered/${offered.id}/withdraw`, { reason: 'Thử ngừng' });
    expectError(refused, 409, 'procedure_in_use');
    expect(refused.json().error.message).toContain('Còn 1 hồ sơ');
    expect((await admin.get(`/api/procedures/offered/${offered.id}`)).json().status).toBe('offered');
    expect(await journalCount('procedure.withdraw')).toBe(before);
    // once the dossier is closed (the citizen withdrew it), the procedure may go
    expect((await desk.post(`/api/dossiers/${dossier.id}/withdraw`, { reason: 'Công dân rút hồ sơ' })).statusCode).toBe(200);
    const res = await admin.post(`/api/procedures/offered/${offered.id}/withdraw`, { reason: 'Thử ngừng' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('withdrawn');
  });
});

describe('the development demo', () => {
  it('offers the suggested procedures at the levels the catalogue lists, none reading religion or blood type', async () => {
    await sys.inTx(offerSuggestedProcedures);
    const rows = await sys.database.db.select().from(offeredProcedures).innerJoin(procedureVersions, eq(procedureVersions.offeredProcedureId, offeredProcedures.id));
    const offered = new Set(rows.map((r) => `${r.offered_procedures.procedureCode}@${r.offered_procedures.level}`));
    for (const code of Object.keys(SUGGESTED_VERSIONS)) {
      const [c] = await sys.database.db.select().from(procedureCatalogue).where(eq(procedureCatalogue.code, code));
      for (const level of c!.levels.filter((l) => l === 'province' || l === 'commune')) expect(offered).toContain(`${code}@${level}`);
    }
    expect(rows.some((r) => r.procedure_versions.npdFields.some((f) => ['ton_giao', 'nhom_mau', 'lien_lac'].includes(f)))).toBe(false);
  });
});
