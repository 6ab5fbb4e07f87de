import { DEFAULT_LOOKUP_STAGES, type LookupStages } from '../../../common/lookup-stages.ts';
import type { NpdField } from './npd-fields.ts';
import type { RequiredDocument } from './procedures.tables.ts';

/** What a procedure version holds, apart from its number and author. */
export interface VersionContent {
  processingDays: number;
  documents: RequiredDocument[];
  purpose: string;
  npdFields: NpdField[];
  /** Years the dossier is kept after it closes; null: permanently. */
  retentionYears: number | null;
  /** Who may look up the dossier's citizens at each of its stages. */
  lookupStages: LookupStages;
}

const identity: NpdField[] = ['ho_ten', 'so_dinh_danh', 'ngay_sinh', 'gioi_tinh', 'quoc_tich'];
const residence: NpdField[] = ['noi_thuong_tru', 'noi_tam_tru', 'noi_o_hien_tai'];

/**
 * Starting points for a few common procedures: the offer form is pre-filled with them and the development demo
 * offers them. Papers and time limits follow the catalogue's dossier and time columns; the population-database
 * fields are the least each procedure needs (no religion, blood type or contact details anywhere). Civil-status
 * dossiers are kept permanently, as the civil-status books are; the other retention periods are proposals the
 * province checks against its archive retention list.
 */
const SUGGESTED: Record<string, Omit<VersionContent, 'lookupStages'>> = {
  // Thủ tục đăng ký khai sinh (commune). The parents' identity, nationality, ethnicity and residence decide the
  // child's entries and the competent commune; their marriage is checked in the databases instead of on paper.
  '1.001193': {
    processingDays: 1,
    documents: [
      { name: 'Tờ khai đăng ký khai sinh (theo mẫu)', required: true, copies: 1 },
      { name: 'Giấy chứng sinh (hoặc văn bản của người làm chứng, giấy cam đoan về việc sinh)', required: true, copies: 1 },
      { name: 'Văn bản ủy quyền, khi ủy quyền đăng ký khai sinh', required: false, copies: 1 },
    ],
    purpose: 'Đăng ký khai sinh: xác định họ tên, quốc tịch, dân tộc, quê quán, nơi cư trú và quan hệ hôn nhân của cha, mẹ để ghi nội dung khai sinh và xác định thẩm quyền đăng ký.',
    npdFields: [...identity, 'dan_toc', 'que_quan', ...residence, 'tinh_trang_hon_nhan', 'vo_chong'],
    retentionYears: null,
  },
  // Thủ tục đăng ký khai tử (commune).
  '1.000656': {
    processingDays: 1,
    documents: [
      { name: 'Tờ khai đăng ký khai tử (theo mẫu)', required: true, copies: 1 },
      { name: 'Giấy báo tử hoặc giấy tờ thay Giấy báo tử', required: true, copies: 1 },
      { name: 'Văn bản ủy quyền, khi ủy quyền đăng ký khai tử', required: false, copies: 1 },
    ],
    purpose: 'Đăng ký khai tử: xác định nhân thân, nơi cư trú cuối cùng của người chết và việc khai tử chưa được đăng ký.',
    npdFields: [...identity, ...residence, 'ngay_mat'],
    retentionYears: null,
  },
  // Thủ tục đăng ký kết hôn (commune): age, marital status and residence of both parties.
  '1.000894': {
    processingDays: 1,
    documents: [
      { name: 'Tờ khai đăng ký kết hôn (theo mẫu)', required: true, copies: 1 },
      { name: 'Giấy xác nhận tình trạng hôn nhân, khi không khai thác được trong cơ sở dữ liệu', required: false, copies: 1 },
    ],
    purpose: 'Đăng ký kết hôn: xác định độ tuổi, tình trạng hôn nhân và nơi cư trú của hai bên nam, nữ.',
    npdFields: [...identity, ...residence, 'tinh_trang_hon_nhan', 'vo_chong'],
    retentionYears: null,
  },
  // Đăng ký thường trú (commune police): the household and the family ties that allow registering in it.
  '1.004222': {
    processingDays: 7,
    documents: [
      { name: 'Tờ khai thay đổi thông tin cư trú (Mẫu CT01)', required: true, copies: 1 },
      { name: 'Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp, khi không khai thác được trong cơ sở dữ liệu', required: false, copies: 1 },
      { name: 'Giấy tờ chứng minh quan hệ nhân thân với chủ hộ, khi không khai thác được trong cơ sở dữ liệu', required: false, copies: 1 },
    ],
    purpose: 'Đăng ký thường trú: xác định nhân thân, nơi cư trú hiện tại, hộ gia đình và quan hệ nhân thân với chủ hộ, thành viên hộ.',
    npdFields: [...identity, ...residence, 'so_ho_so_cu_tru', 'quan_he_chu_ho', 'chu_ho', 'thanh_vien_ho', 'cha', 'me', 'vo_chong', 'con'],
    retentionYears: 20,
  },
  // Đăng ký tạm trú (commune police).
  '1.004194': {
    processingDays: 3,
    documents: [
      { name: 'Tờ khai thay đổi thông tin cư trú (Mẫu CT01)', required: true, copies: 1 },
      { name: 'Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp, khi không khai thác được trong cơ sở dữ liệu', required: false, copies: 1 },
    ],
    purpose: 'Đăng ký tạm trú: xác định nhân thân và nơi cư trú hiện tại của người đăng ký.',
    npdFields: [...identity, ...residence],
    retentionYears: 5,
  },
  // Cấp Phiếu lý lịch tư pháp (province): the certificate names the parents and spouse. The portal gives 10 days
  // (not working days); 6 working days keep the promised date within them across a weekend.
  '3.000333': {
    processingDays: 6,
    documents: [
      { name: 'Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (theo mẫu)', required: true, copies: 1 },
      { name: 'Văn bản ủy quyền, khi ủy quyền yêu cầu cấp Phiếu', required: false, copies: 1 },
    ],
    purpose: 'Cấp Phiếu lý lịch tư pháp: xác định nhân thân, nơi sinh, nơi cư trú và họ tên cha, mẹ, vợ hoặc chồng của người được cấp Phiếu.',
    npdFields: [...identity, 'noi_sinh', ...residence, 'cha', 'me', 'vo_chong'],
    retentionYears: 10,
  },
};

/** None of these procedures needs more than the default: the desk looks up while receiving, the assigned officer while processing. */
export const SUGGESTED_VERSIONS: Record<string, VersionContent> = Object.fromEntries(
  Object.entries(SUGGESTED).map(([code, content]) => [code, { ...content, lookupStages: DEFAULT_LOOKUP_STAGES }]),
);
