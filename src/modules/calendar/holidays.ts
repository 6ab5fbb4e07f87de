import type { IsoDate } from '../../../common/vietnam-time.ts';

export type CalendarDayKind = 'holiday' | 'working';

export interface CalendarDayInput {
  date: IsoDate;
  kind: CalendarDayKind;
  name: string;
}

/**
 * The days off and make-up working days of state agencies, loaded into a province's table the first time it starts;
 * the province edits its own copy afterwards. Holidays are those of the Labour Code 2019 Art. 112 (New Year 1/1,
 * Tết 5 days, Hùng Kings 10/3 lunar, 30/4, 1/5, National Day 2/9 and an adjacent day), with the compensatory day
 * of Art. 111(3) when one falls on a weekend, and the swaps the Government decides each year. Lunar dates are
 * computed for UTC+7 (Tết: 29/01/2025, 17/02/2026, 06/02/2027; Hùng Kings: 07/04/2025, 26/04/2026, 16/04/2027).
 */
export const BUILT_IN_CALENDAR: Record<number, { sources: string[]; days: CalendarDayInput[] }> = {
  2025: {
    sources: [
      'Công văn 8726/VPCP-KGVX (26/11/2024) and Thông báo 6150/TB-BLĐTBXH: Tết 25/01–02/02/2025; 30/4–04/05/2025 with Friday 02/05 worked on Saturday 26/04',
      'Ministry of Home Affairs, National Day 2025: Saturday 30/08 – Tuesday 02/09 (vietnamnews.vn, 04/08/2025)',
    ],
    days: [
      { date: '2025-01-01', kind: 'holiday', name: 'Tết Dương lịch' },
      ...['2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31'].map((date) => ({ date, kind: 'holiday' as const, name: 'Nghỉ Tết Nguyên đán Ất Tỵ' })),
      { date: '2025-04-07', kind: 'holiday', name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)' },
      { date: '2025-04-26', kind: 'working', name: 'Làm bù cho thứ Sáu 02/05/2025' },
      { date: '2025-04-30', kind: 'holiday', name: 'Ngày Chiến thắng (30/4)' },
      { date: '2025-05-01', kind: 'holiday', name: 'Ngày Quốc tế Lao động (1/5)' },
      { date: '2025-05-02', kind: 'holiday', name: 'Nghỉ hoán đổi (làm bù thứ Bảy 26/04/2025)' },
      { date: '2025-09-01', kind: 'holiday', name: 'Quốc khánh (ngày liền kề)' },
      { date: '2025-09-02', kind: 'holiday', name: 'Quốc khánh (2/9)' },
    ],
  },
  2026: {
    sources: [
      'Ministry of Home Affairs, New Year 2026: Friday 02/01 off, worked on Saturday 10/01 (Government approval of 25/12/2025, 24h.com.vn 26/12/2025)',
      'Thông báo 9441/TB-BNV (16/10/2025): Tết 14/02–22/02/2026 (days off 16–20/02); National Day 01–02/09 plus Monday 31/08, worked on Saturday 22/08',
      'Hùng Kings day falls on Sunday 26/04/2026: compensatory day Monday 27/04 (Labour Code Art. 111(3); thanhnien.vn 23/02/2026)',
    ],
    days: [
      { date: '2026-01-01', kind: 'holiday', name: 'Tết Dương lịch' },
      { date: '2026-01-02', kind: 'holiday', name: 'Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)' },
      { date: '2026-01-10', kind: 'working', name: 'Làm bù cho thứ Sáu 02/01/2026' },
      ...['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20'].map((date) => ({ date, kind: 'holiday' as const, name: 'Nghỉ Tết Nguyên đán Bính Ngọ' })),
      { date: '2026-04-26', kind: 'holiday', name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)' },
      { date: '2026-04-27', kind: 'holiday', name: 'Nghỉ bù Giỗ Tổ Hùng Vương' },
      { date: '2026-04-30', kind: 'holiday', name: 'Ngày Chiến thắng (30/4)' },
      { date: '2026-05-01', kind: 'holiday', name: 'Ngày Quốc tế Lao động (1/5)' },
      { date: '2026-08-22', kind: 'working', name: 'Làm bù cho thứ Hai 31/08/2026' },
      { date: '2026-08-31', kind: 'holiday', name: 'Nghỉ hoán đổi (làm bù thứ Bảy 22/08/2026)' },
      { date: '2026-09-01', kind: 'holiday', name: 'Quốc khánh (ngày liền kề)' },
      { date: '2026-09-02', kind: 'holiday', name: 'Quốc khánh (2/9)' },
    ],
  },
  2027: {
    sources: [
      'Provisional: no Government notice for 2027 was found; statutory days only (Labour Code 2019 Art. 111(3), 112). Tết: the eve and the first four days (05–09/02/2027), the two falling on the weekend compensated on 10–11/02; 1/5 falls on a Saturday, compensated on Monday 03/05; National Day with Friday 03/09. The province confirms them once the notice is out.',
    ],
    days: [
      { date: '2027-01-01', kind: 'holiday', name: 'Tết Dương lịch' },
      ...['2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11'].map((date) => ({ date, kind: 'holiday' as const, name: 'Nghỉ Tết Nguyên đán Đinh Mùi (dự kiến)' })),
      { date: '2027-04-16', kind: 'holiday', name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)' },
      { date: '2027-04-30', kind: 'holiday', name: 'Ngày Chiến thắng (30/4)' },
      { date: '2027-05-01', kind: 'holiday', name: 'Ngày Quốc tế Lao động (1/5)' },
      { date: '2027-05-03', kind: 'holiday', name: 'Nghỉ bù Ngày Quốc tế Lao động (dự kiến)' },
      { date: '2027-09-02', kind: 'holiday', name: 'Quốc khánh (2/9)' },
      { date: '2027-09-03', kind: 'holiday', name: 'Quốc khánh (ngày liền kề, dự kiến)' },
    ],
  },
};
