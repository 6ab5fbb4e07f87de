import crypto from 'node:crypto';
import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type Officer, type TestSystem } from '../../../test/harness.ts';
import { units, type UnitRow } from './units.tables.ts';

interface ReferenceUnit {
  code: string;
  fullName: string;
  provinceCode?: string;
}
const reference = JSON.parse(fs.readFileSync(new URL('../../../reference/admin-units-2025.json', import.meta.url), 'utf8')) as {
  provinces: ReferenceUnit[];
  communes: ReferenceUnit[];
};
const communesOf = (provinceCode: string) => reference.communes.filter((c) => c.provinceCode === provinceCode);

let sys: TestSystem;
let communeA: UnitRow;
let communeB: UnitRow;
let adminA: Officer;

beforeAll(async () => {
  sys = await startTestSystem();
  [communeA, communeB] = [sys.communes[0]!, sys.communes[1]!];
  adminA = await sys.officer({ username: 'qt.xa.a', unit: communeA, roles: ['unit_admin'] });
});
afterAll(() => sys.close());

let address = 0;
const signIn = (o: Officer) => sys.signedIn(o, `10.30.0.${++address}`);

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.code).toBe(code);
}

describe('the official units', () => {
  it('the import holds exactly the communes of province 19 in the reference file, with their official codes as strings', async () => {
    const expected = communesOf('19');
    expect(expected.length).toBeGreaterThan(50);
    expect(sys.province).toMatchObject({ code: '19', fullName: 'Tỉnh Thái Nguyên', kind: 'province', parentId: null });
    expect(sys.communes.map((c) => c.code).sort()).toEqual(expected.map((c) => c.code).sort());
    expect(sys.communes.every((c) => c.kind === 'commune' && c.parentId === sys.province.id)).toBe(true);
    // Leading zeros are part of the code.
    expect(sys.communes.find((c) => c.code === '01840')).toMatchObject({ fullName: 'Phường Đức Xuân' });
    // No other province's communes came along.
    expect(await sys.database.db.select().from(units).where(eq(units.kind, 'province'))).toHaveLength(1);
  });

  it('the unit tree served to an officer lists the province first and every commune, codes as strings', async () => {
    const client = await signIn(await sys.officer({ username: 'cb.xem.cay', unit: communeB }));
    const res = await client.get('/api/units');
    expect(res.statusCode, res.body).toBe(200);
    const { items } = res.json() as { items: { code: unknown; kind: string }[] };
    expect(items[0]).toMatchObject({ code: '19', kind: 'province' });
    const communes = items.filter((u) => u.kind === 'commune');
    expect(communes).toHaveLength(communesOf('19').length);
    expect(communes.every((u) => typeof u.code === 'string' && /^\d{5}$/.test(u.code))).toBe(true);
  });

  describe('a deployment for Đồng Nai (75)', () => {
    let dongNai: TestSystem;
    beforeAll(async () => {
      dongNai = await startTestSystem({ MOTCUA_PROVINCE_CODE: '75' });
    });
    afterAll(() => dongNai.close());

    it('the amendments after 1 July 2025 are applied: Đồng Nai is a city and Lộc Ninh a ward; the codes stay', () => {
      expect(dongNai.province).toMatchObject({ code: '75', fullName: 'Thành phố Đồng Nai' });
      expect(dongNai.communes).toHaveLength(communesOf('75').length);
      expect(communesOf('75').find((c) => c.code === '25270')!.fullName).toBe('Xã Lộc Ninh');
      expect(dongNai.communes.find((c) => c.code === '25270')).toMatchObject({ fullName: 'Phường Lộc Ninh', unitType: 'Phường' });
    });
  });
});

describe('organisational units', () => {
  it('a unit admin adds a department under their commune and a desk under it; each is journaled (unit.create)', async () => {
    const admin = await signIn(adminA);
    const dept = await admin.post('/api/units', { parentId: communeA.id, code: 'A-VHXH', name: 'Văn phòng HĐND và UBND', kind: 'department' });
    expect(dept.statusCode, dept.body).toBe(200);
    expect(dept.json()).toMatchObject({ code: 'A-VHXH', name: 'Văn phòng HĐND và UBND', kind: 'department', parentId: communeA.id });
    const desk = await admin.post('/api/units', { parentId: dept.json().id, code: 'A-VHXH-MC', name: 'Bộ phận một cửa', kind: 'desk' });
    expect(desk.statusCode, desk.body).toBe(200);

    const [row] = await sys.database.db.select().from(units).where(eq(units.id, desk.json().id));
    expect(row!.path).toBe(`${communeA.path}${dept.json().id}/${desk.json().id}/`);
    expect((await sys.journalOf('unit.create')).filter((e) => e.actorAccountId === adminA.id)).toEqual([
      expect.objectContaining({ targetType: 'unit', targetId: dept.json().id, details: expect.objectContaining({ code: 'A-VHXH', parentId: communeA.id }) }),
      expect.objectContaining({ targetType: 'unit', targetId: desk.json().id, details: expect.objectContaining({ code: 'A-VHXH-MC', parentId: dept.json().id }) }),
    ]);
  });

  it("R12: a unit admin of commune A cannot add a unit under commune B, B's units or the province (403: the tree is public, nothing to hide)", async () => {
    const deptB = await sys.orgUnit(communeB, 'B-TUPHAP');
    const admin = await signIn(adminA);
    for (const parent of [communeB, deptB, sys.province]) {
      expectError(await admin.post('/api/units', { parentId: parent.id, code: `X-${parent.code}`, name: 'Đơn vị lạ', kind: 'office' }), 403, 'forbidden');
    }
    expectError(await admin.post('/api/units', { parentId: crypto.randomUUID(), code: 'X-MISSING', name: 'Đơn vị lạ', kind: 'office' }), 404, 'not_found');
    expect(await sys.database.db.select().from(units).where(eq(units.parentId, communeB.id))).toEqual([deptB]);
  });

  it('an officer without units.manage cannot add units (403)', async () => {
    const leader = await signIn(await sys.officer({ username: 'ld.xa.a', unit: communeA, roles: ['leader'] }));
    expectError(await leader.post('/api/units', { parentId: communeA.id, code: 'A-LD', name: 'Phòng lãnh đạo', kind: 'office' }), 403, 'forbidden');
  });

  it('official units (province, communes) cannot be renamed (403); organisational units can, and it is journaled', async () => {
    const systemAdmin = await signIn(await sys.officer({ username: 'qt.tinh', unit: sys.province, roles: ['system_admin'] }));
    for (const official of [sys.province, communeA]) {
      expectError(await systemAdmin.patch(`/api/units/${official.id}`, { name: 'Tên mới' }), 403, 'forbidden');
      const [row] = await sys.database.db.select().from(units).where(eq(units.id, official.id));
      expect(row!.fullName).toBe(official.fullName);
    }
    const office = await sys.orgUnit(communeA, 'A-TIEPDAN');
    const renamed = await (await signIn(adminA)).patch(`/api/units/${office.id}`, { name: 'Phòng tiếp công dân' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Phòng tiếp công dân', fullName: 'Phòng tiếp công dân', code: 'A-TIEPDAN' });
    expect((await sys.journalOf('unit.rename')).find((e) => e.targetId === office.id)).toMatchObject({
      actorAccountId: adminA.id,
      details: { from: office.name, to: 'Phòng tiếp công dân' },
    });
  });

  it('a unit code already in use, an official commune code included, is refused (409)', async () => {
    const admin = await signIn(adminA);
    await sys.orgUnit(communeA, 'A-TRUNG');
    expectError(await admin.post('/api/units', { parentId: communeA.id, code: 'A-TRUNG', name: 'Trùng mã', kind: 'office' }), 409, 'unit_code_taken');
    expectError(await admin.post('/api/units', { parentId: communeA.id, code: communeB.code, name: 'Mượn mã xã', kind: 'office' }), 409, 'unit_code_taken');
  });

  it('should not let a unit take a code already in use in another case (a-trung is A-TRUNG), even racing for it', async () => {
    const admin = await signIn(adminA);
    await sys.orgUnit(communeA, 'A-HOA');
    expectError(await admin.post('/api/units', { parentId: communeA.id, code: 'a-hoa', name: 'Trùng mã chữ thường', kind: 'office' }), 409, 'unit_code_taken');
    // past the check at once: the index decides, and the loser gets the same 409, not a 500
    const racing = await Promise.all(['B-DUA', 'b-dua'].map((code) => admin.post('/api/units', { parentId: communeA.id, code, name: `Đua ${code}`, kind: 'office' })));
    expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 409]);
  });

  it('bad input is refused (400): an official kind, an unknown field, a bad code', async () => {
    const admin = await signIn(adminA);
    const body = { parentId: communeA.id, code: 'A-HOPLE', name: 'Hợp lệ', kind: 'office' };
    for (const bad of [
      { ...body, kind: 'commune' },
      { ...body, path: '/' },
      { ...body, code: 'có dấu' },
      { ...body, name: 'x' },
    ]) {
      expectError(await admin.post('/api/units', bad), 400, 'invalid_input');
    }
    expect(await sys.database.db.select().from(units).where(eq(units.code, 'A-HOPLE'))).toEqual([]);
  });
});
