import { formatDmy } from './dates.ts';
import type { Gender } from './names.ts';
import { isMinor, type MaritalStatus, type Person, type Place, type Relation } from './population.ts';

/** The citizen record (CongDan) as the NPD protocol spells it: 30 keys, every one present, null where empty. */

export interface DiaChi {
  MaTinh: string;
  MaXa: string;
  ChiTiet: string;
  DiaChi: string;
}

export interface NguoiLienQuan {
  HoVaTen: string;
  SoDinhDanh: string;
  QuocTich: string;
}

export interface CongDan {
  HoVaTen: string;
  TenGoiKhac: string | null;
  SoDinhDanh: string;
  NgayThangNamSinh: string;
  GioiTinh: Gender;
  NoiSinh: DiaChi;
  NoiDangKyKhaiSinh: DiaChi;
  QueQuan: DiaChi;
  DanToc: string;
  TonGiao: string;
  QuocTich: string;
  NhomMau: string | null;
  SoCMND: string | null;
  TheCanCuoc: { NgayCap: string; NoiCap: string; NgayHetHan: string | null } | null;
  Cha: NguoiLienQuan | null;
  Me: NguoiLienQuan | null;
  VoChong: NguoiLienQuan | null;
  Con: NguoiLienQuan[];
  NguoiDaiDien: NguoiLienQuan | null;
  NoiThuongTru: DiaChi;
  NoiTamTru: DiaChi | null;
  NoiOHienTai: DiaChi;
  TamVang: { TuNgay: string; DenNgay: string; LyDo: string; NoiDen: string } | null;
  SoHoSoCuTru: string;
  TinhTrangHonNhan: MaritalStatus;
  QuanHeChuHo: Relation;
  ChuHo: { HoVaTen: string; SoDinhDanh: string };
  ThanhVienHo: { HoVaTen: string; SoDinhDanh: string; QuanHeChuHo: Relation }[];
  NgayMat: string | null;
  LienLac: { SoDienThoai: string; Email: string | null } | null;
}

const NATIONALITY = 'Việt Nam';
const CARD_ISSUER = 'Cục Cảnh sát quản lý hành chính về trật tự xã hội';

function address(place: Place): DiaChi {
  const { commune, detail } = place;
  return { MaTinh: commune.province.code, MaXa: commune.code, ChiTiet: detail, DiaChi: `${detail}, ${commune.fullName}, ${commune.province.fullName}` };
}

const related = (person: Person | null): NguoiLienQuan | null =>
  person ? { HoVaTen: person.fullName, SoDinhDanh: person.id, QuocTich: NATIONALITY } : null;

/** The parent who represents a minor: the living father, else the living mother. */
function representative(person: Person): NguoiLienQuan | null {
  if (!isMinor(person)) return null;
  return related([person.father, person.mother].find((p) => p !== null && p.death === null) ?? null);
}

/** Renders the record of `person`: a pure function of the population, so the same seed gives the same bytes. */
export function citizenRecord(person: Person): CongDan {
  const household = person.household;
  const head = household.members[0]!;
  const home = address(household.home);
  const temporary = person.temporary ? address(person.temporary.place) : null;
  const absence = person.temporary?.absence;
  return {
    HoVaTen: person.fullName,
    TenGoiKhac: person.otherName,
    SoDinhDanh: person.id,
    NgayThangNamSinh: person.dob,
    GioiTinh: person.gender,
    NoiSinh: address(person.birthPlace),
    NoiDangKyKhaiSinh: address(person.registration),
    QueQuan: address(person.hometown),
    DanToc: person.ethnicity,
    TonGiao: person.religion,
    QuocTich: NATIONALITY,
    NhomMau: person.bloodType,
    SoCMND: person.oldIdNumber,
    TheCanCuoc: person.idCard
      ? { NgayCap: formatDmy(person.idCard.issued), NoiCap: CARD_ISSUER, NgayHetHan: person.idCard.expires === null ? null : formatDmy(person.idCard.expires) }
      : null,
    Cha: related(person.father),
    Me: related(person.mother),
    VoChong: related(person.spouse),
    Con: person.children.map((c) => related(c)!),
    NguoiDaiDien: representative(person),
    NoiThuongTru: home,
    NoiTamTru: temporary,
    NoiOHienTai: temporary ?? home,
    TamVang: absence && temporary
      ? { TuNgay: formatDmy(absence.from), DenNgay: formatDmy(absence.to), LyDo: absence.reason, NoiDen: temporary.DiaChi }
      : null,
    SoHoSoCuTru: household.number,
    TinhTrangHonNhan: person.marital,
    QuanHeChuHo: person.relation,
    ChuHo: { HoVaTen: head.fullName, SoDinhDanh: head.id },
    ThanhVienHo: household.members.map((m) => ({ HoVaTen: m.fullName, SoDinhDanh: m.id, QuanHeChuHo: m.relation })),
    NgayMat: person.death === null ? null : formatDmy(person.death),
    LienLac: person.contact ? { SoDienThoai: person.contact.phone, Email: person.contact.email } : null,
  };
}
