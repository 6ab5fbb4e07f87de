import { NPD_FIELD_NAMES, type NpdField } from '../procedures/index.ts';

/** How the national API names each field of a citizen's record (its Vietnamese PascalCase). */
export const NPD_WIRE_NAMES: Record<NpdField, string> = {
  ho_ten: 'HoVaTen',
  ten_goi_khac: 'TenGoiKhac',
  so_dinh_danh: 'SoDinhDanh',
  ngay_sinh: 'NgayThangNamSinh',
  gioi_tinh: 'GioiTinh',
  noi_sinh: 'NoiSinh',
  noi_dang_ky_khai_sinh: 'NoiDangKyKhaiSinh',
  que_quan: 'QueQuan',
  dan_toc: 'DanToc',
  ton_giao: 'TonGiao',
  quoc_tich: 'QuocTich',
  nhom_mau: 'NhomMau',
  so_cmnd: 'SoCMND',
  the_can_cuoc: 'TheCanCuoc',
  cha: 'Cha',
  me: 'Me',
  vo_chong: 'VoChong',
  con: 'Con',
  nguoi_dai_dien: 'NguoiDaiDien',
  noi_thuong_tru: 'NoiThuongTru',
  noi_tam_tru: 'NoiTamTru',
  noi_o_hien_tai: 'NoiOHienTai',
  tam_vang: 'TamVang',
  so_ho_so_cu_tru: 'SoHoSoCuTru',
  tinh_trang_hon_nhan: 'TinhTrangHonNhan',
  quan_he_chu_ho: 'QuanHeChuHo',
  chu_ho: 'ChuHo',
  thanh_vien_ho: 'ThanhVienHo',
  ngay_mat: 'NgayMat',
  lien_lac: 'LienLac',
};

export type CitizenFields = Partial<Record<NpdField, unknown>>;

/**
 * R24: the only way a record from the NPD leaves the gateway. Whatever the NPD sent (it may send more than we
 * asked for, or fields we have never heard of), the result holds the declared fields and nothing else, copied by
 * name from the answer: the answer object itself never reaches a response.
 */
export function keepDeclared(answer: Record<string, unknown>, declared: readonly string[]): CitizenFields {
  const kept: CitizenFields = {};
  for (const field of NPD_FIELD_NAMES) {
    if (!declared.includes(field)) continue;
    const wire = NPD_WIRE_NAMES[field];
    if (Object.hasOwn(answer, wire)) kept[field] = answer[wire];
  }
  return kept;
}
