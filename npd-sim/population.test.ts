import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { citizenRecord, type CongDan } from './citizen-record.ts';
import { addYears, ageOn, parseDmy } from './dates.ts';
import { timSoDinhDanh, traCuu } from './lookup-services.ts';
import { buildPopulation, REFERENCE_DAY } from './population.ts';
import { defaultSharedDir, loadReferenceData } from './reference-data.ts';

const reference = loadReferenceData(defaultSharedDir());
const population = buildPopulation(reference, 'motcua', 5_000);
const records = new Map(population.people.map((p) => [p.id, citizenRecord(p)]));
const recordOf = (id: string): CongDan => {
  const record = records.get(id);
  if (!record) throw new Error(`${id} is not in the population`);
  return record;
};
const birthOf = (record: CongDan) => parseDmy(record.NgayThangNamSinh)!;
const caller = { MaYeuCau: 'r', MaDVC: '1.001193', MaTichHop: 't', MaDonVi: 'u', MaCanBo: 'c' };

describe('synthetic population', () => {
  // How fast is a benchmark's question, not a test's (a timed assertion fails on a loaded machine).
  it('should build 20,000 people, each with a personal ID of their own', () => {
    const people = buildPopulation(reference, 'speed', 20_000).people;
    expect(people).toHaveLength(20_000);
    expect(new Set(people.map((p) => p.id)).size).toBe(20_000);
  });

  it('should give the same records, byte for byte, for the same seed and size, and others for another seed', () => {
    const again = buildPopulation(reference, 'motcua', 5_000);
    expect(JSON.stringify(again.people.map(citizenRecord))).toBe(JSON.stringify(population.people.map(citizenRecord)));
    const other = buildPopulation(reference, 'another seed', 5_000);
    expect(other.people[0]!.id).not.toBe(population.people[0]!.id);
  });

  it('should give personal IDs that are unique and well formed: a pre-2025 province, century and gender, year', () => {
    expect(population.byId.size).toBe(population.people.length);
    for (const record of records.values()) {
      const id = record.SoDinhDanh;
      expect(id).toMatch(/^\d{12}$/);
      expect(id[0]).toBe('0');
      expect(reference.oldProvinceCodes.has(id.slice(1, 3))).toBe(true);
      const year = Number(record.NgayThangNamSinh.slice(6));
      const centuryGender = (year >= 2000 ? 2 : 0) + (record.GioiTinh === 'Nữ' ? 1 : 0);
      expect(id[3]).toBe(String(centuryGender));
      expect(id.slice(4, 6)).toBe(String(year % 100).padStart(2, '0'));
    }
  });

  it('should keep family links consistent both ways: parents, spouses, children, household', () => {
    for (const record of records.values()) {
      const birth = birthOf(record);
      for (const [link, gender] of [['Cha', 'Nam'], ['Me', 'Nữ']] as const) {
        const parentLink = record[link];
        if (!parentLink) continue;
        const parent = recordOf(parentLink.SoDinhDanh);
        expect(parent.HoVaTen).toBe(parentLink.HoVaTen);
        expect(parent.GioiTinh).toBe(gender);
        expect(parent.Con.map((c) => c.SoDinhDanh)).toContain(record.SoDinhDanh);
        const parentAge = ageOn(birthOf(parent), birth);
        expect(parentAge).toBeGreaterThanOrEqual(18);
        expect(parentAge).toBeLessThanOrEqual(45);
      }
      if (record.Cha) expect(record.HoVaTen.split(' ')[0]).toBe(record.Cha.HoVaTen.split(' ')[0]);
      for (const child of record.Con) {
        const childRecord = recordOf(child.SoDinhDanh);
        expect([childRecord.Cha?.SoDinhDanh, childRecord.Me?.SoDinhDanh]).toContain(record.SoDinhDanh);
      }
      if (record.VoChong) {
        const spouse = recordOf(record.VoChong.SoDinhDanh);
        expect(spouse.VoChong?.SoDinhDanh).toBe(record.SoDinhDanh);
        expect(spouse.GioiTinh).not.toBe(record.GioiTinh);
      }
      const members = record.ThanhVienHo;
      expect(members.length).toBeGreaterThanOrEqual(1);
      expect(members.length).toBeLessThanOrEqual(6);
      expect(members[0]).toEqual({ ...record.ChuHo, QuanHeChuHo: 'Chủ hộ' });
      for (const member of members) expect(recordOf(member.SoDinhDanh).SoHoSoCuTru).toBe(record.SoHoSoCuTru);
      const listed = members.some((m) => m.SoDinhDanh === record.SoDinhDanh);
      expect(listed).toBe(record.NgayMat === null);
      const minor = birth > addYears(REFERENCE_DAY, -18);
      if (!minor) expect(record.NguoiDaiDien).toBeNull();
      const livingParent = [record.Cha, record.Me].find((p) => p !== null && recordOf(p.SoDinhDanh).NgayMat === null);
      if (minor) expect(record.NguoiDaiDien).toEqual(livingParent ?? null);
    }
  });

  it('should have every one of the 30 keys in every record, with realistic ages and few deceased', () => {
    const keys = Object.keys(recordOf(population.people[0]!.id));
    expect(keys).toHaveLength(30);
    let deceased = 0;
    for (const record of records.values()) {
      expect(Object.keys(record)).toEqual(keys);
      const age = ageOn(birthOf(record), REFERENCE_DAY);
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThanOrEqual(95);
      if (record.NgayMat) deceased += 1;
      if (record.SoCMND !== null) expect(Number(record.NgayThangNamSinh.slice(6))).toBeLessThan(2000);
      expect(record.TheCanCuoc === null).toBe(age < 14);
      for (const address of [record.NoiSinh, record.NoiDangKyKhaiSinh, record.QueQuan, record.NoiThuongTru]) {
        expect(address.MaTinh).toMatch(/^\d{2}$/);
        expect(address.MaXa).toMatch(/^\d{5}$/);
      }
    }
    expect(deceased).toBeGreaterThan(0);
    expect(deceased / records.size).toBeLessThan(0.04);
  });

  it('should match a name whatever its spacing and Unicode form, but not another case', () => {
    const person = population.people.find((p) => p.death === null)!;
    const spaced = fc.array(fc.constantFrom(' ', '  ', '\t'), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(spaced, spaced, fc.boolean(), (before, after, decomposed) => {
        const name = `${before.join('')}${person.fullName.split(' ').join(after.join(''))}${after.join('')}`;
        const request = { ...caller, SoDinhDanh: person.id, HoVaTen: decomposed ? name.normalize('NFD') : name, NgayThangNamSinh: person.dob };
        expect(traCuu(population, request).KetQua).toBe('KHOP');
      }),
    );
    expect(traCuu(population, { ...caller, SoDinhDanh: person.id, HoVaTen: person.fullName.toUpperCase(), NgayThangNamSinh: person.dob }).KetQua).toBe('KHONG_KHOP');
  });

  it('should answer NHIEU_KET_QUA for namesakes, and find the one whose parents are named', () => {
    const namesakes = [...population.byNameAndBirth.values()].find((people) => people.length > 1 && people.some((p) => p.father && p.mother))!;
    const withParents = namesakes.find((p) => p.father && p.mother)!;
    const request = { ...caller, HoVaTen: withParents.fullName, NgayThangNamSinh: withParents.dob };
    expect(timSoDinhDanh(population, request)).toEqual({ MaYeuCau: 'r', KetQua: 'NHIEU_KET_QUA' });
    expect(timSoDinhDanh(population, { ...request, HoVaTenCha: withParents.father!.fullName, HoVaTenMe: withParents.mother!.fullName })).toEqual({
      MaYeuCau: 'r',
      KetQua: 'TIM_THAY',
      SoDinhDanh: withParents.id,
    });
    expect(timSoDinhDanh(population, { ...request, HoVaTenCha: 'Không Có Ai' }).KetQua).toBe('KHONG_TIM_THAY');
  });
});
