/**
 * The fields of the National Population Database a procedure version may declare (R01, R24): the citizen data of
 * the Law on Identification 2023 (Luật Căn cước), Art. 9, item by item. The gateway returns only the declared fields,
 * for each person the dossier names (the applicant and its related persons, e.g. both parents of a newborn).
 * Keys are the database's own Vietnamese names, as the national API spells its fields in Vietnamese.
 */
export interface NpdFieldInfo {
  vi: string;
  en: string;
  /** The item of Art. 9(1) of the Law on Identification 2023. */
  lawItem: number;
  /** Sensitive personal data (religious views, ethnic origin, health: Decree 13/2023/NĐ-CP, then the 2025 Law on Personal Data Protection): declare only with cause. */
  sensitive?: boolean;
}

export const NPD_FIELDS = {
  ho_ten: { vi: 'Họ, chữ đệm và tên khai sinh', en: 'Full name at birth', lawItem: 1 },
  ten_goi_khac: { vi: 'Tên gọi khác', en: 'Other names', lawItem: 2 },
  so_dinh_danh: { vi: 'Số định danh cá nhân', en: 'Personal identification number', lawItem: 3 },
  ngay_sinh: { vi: 'Ngày, tháng, năm sinh', en: 'Date of birth', lawItem: 4 },
  gioi_tinh: { vi: 'Giới tính', en: 'Sex', lawItem: 5 },
  noi_sinh: { vi: 'Nơi sinh', en: 'Place of birth', lawItem: 6 },
  noi_dang_ky_khai_sinh: { vi: 'Nơi đăng ký khai sinh', en: 'Place of birth registration', lawItem: 7 },
  que_quan: { vi: 'Quê quán', en: 'Place of origin', lawItem: 8 },
  dan_toc: { vi: 'Dân tộc', en: 'Ethnicity', lawItem: 9, sensitive: true },
  ton_giao: { vi: 'Tôn giáo', en: 'Religion', lawItem: 10, sensitive: true },
  quoc_tich: { vi: 'Quốc tịch', en: 'Nationality', lawItem: 11 },
  nhom_mau: { vi: 'Nhóm máu', en: 'Blood type', lawItem: 12, sensitive: true },
  so_cmnd: { vi: 'Số chứng minh nhân dân 9 số', en: 'Old 9-digit ID card number', lawItem: 13 },
  the_can_cuoc: { vi: 'Ngày cấp, nơi cấp, thời hạn của thẻ căn cước, căn cước công dân, CMND 12 số', en: 'Issue date, place and expiry of the identity cards', lawItem: 14 },
  cha: { vi: 'Cha: họ tên, số định danh cá nhân, quốc tịch', en: 'Father: name, personal ID, nationality', lawItem: 15 },
  me: { vi: 'Mẹ: họ tên, số định danh cá nhân, quốc tịch', en: 'Mother: name, personal ID, nationality', lawItem: 15 },
  vo_chong: { vi: 'Vợ, chồng: họ tên, số định danh cá nhân, quốc tịch', en: 'Spouse: name, personal ID, nationality', lawItem: 15 },
  con: { vi: 'Con: họ tên, số định danh cá nhân, quốc tịch', en: 'Children: name, personal ID, nationality', lawItem: 15 },
  nguoi_dai_dien: { vi: 'Người đại diện hợp pháp, người được đại diện', en: 'Legal representative or represented person', lawItem: 15 },
  noi_thuong_tru: { vi: 'Nơi thường trú', en: 'Permanent residence', lawItem: 16 },
  noi_tam_tru: { vi: 'Nơi tạm trú', en: 'Temporary residence', lawItem: 17 },
  noi_o_hien_tai: { vi: 'Nơi ở hiện tại', en: 'Current address', lawItem: 18 },
  tam_vang: { vi: 'Tình trạng khai báo tạm vắng', en: 'Declared temporary absence', lawItem: 19 },
  so_ho_so_cu_tru: { vi: 'Số hồ sơ cư trú', en: 'Residence file number', lawItem: 20 },
  tinh_trang_hon_nhan: { vi: 'Tình trạng hôn nhân', en: 'Marital status', lawItem: 21 },
  quan_he_chu_ho: { vi: 'Mối quan hệ với chủ hộ', en: 'Relationship to the head of household', lawItem: 22 },
  chu_ho: { vi: 'Chủ hộ: họ tên, số định danh cá nhân', en: 'Head of household: name, personal ID', lawItem: 23 },
  thanh_vien_ho: { vi: 'Thành viên hộ gia đình: họ tên, số định danh cá nhân', en: 'Household members: names, personal IDs', lawItem: 23 },
  ngay_mat: { vi: 'Ngày, tháng, năm chết hoặc mất tích', en: 'Date of death or disappearance', lawItem: 24 },
  lien_lac: { vi: 'Số thuê bao di động, địa chỉ thư điện tử', en: 'Mobile number, e-mail address', lawItem: 25 },
} as const satisfies Record<string, NpdFieldInfo>;

export type NpdField = keyof typeof NPD_FIELDS;
export const NPD_FIELD_NAMES = Object.keys(NPD_FIELDS) as [NpdField, ...NpdField[]];
