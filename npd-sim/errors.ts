/** Every error body of the simulator: a stable code (MaLoi) and a Vietnamese message (MoTa). */
export interface NpdError {
  status: number;
  MaLoi: string;
  MoTa: string;
}

const error = (status: number, MaLoi: string, MoTa: string): NpdError => ({ status, MaLoi, MoTa });

export const errors = {
  badCredential: error(401, 'SAI_THONG_TIN_XAC_THUC', 'Tài khoản hoặc mật khẩu kết nối không đúng'),
  badRequest: (detail: string) => error(400, 'DU_LIEU_KHONG_HOP_LE', `Dữ liệu yêu cầu không hợp lệ: ${detail}`),
  tooLarge: error(413, 'YEU_CAU_QUA_LON', 'Nội dung yêu cầu vượt quá 64 KB'),
  notFound: error(404, 'KHONG_TIM_THAY_DICH_VU', 'Không có dịch vụ này'),
  methodNotAllowed: error(405, 'PHUONG_THUC_KHONG_HO_TRO', 'Dịch vụ không hỗ trợ phương thức này'),
  failing: error(500, 'LOI_HE_THONG', 'Lỗi hệ thống CSDLQG về dân cư'),
  rateLimited: error(429, 'VUOT_HAN_MUC', 'Vượt quá hạn mức yêu cầu tới CSDLQG về dân cư, vui lòng thử lại sau'),
  disconnected: error(403, 'NGAT_KET_NOI', 'Hệ thống đã bị Bộ Công an ngắt kết nối với CSDLQG về dân cư'),
  badControlToken: error(401, 'SAI_MA_DIEU_KHIEN', 'Thiếu hoặc sai mã điều khiển của npd-sim'),
} as const;
