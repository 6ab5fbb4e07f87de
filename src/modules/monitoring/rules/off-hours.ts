import { isWorkingDay } from '../../calendar/index.ts';
import { callerKey } from '../history.ts';
import { capitalize, clock, enTime, viTime } from './explain.ts';
import { alert, type Rule } from './rule.ts';
import { vietnamDate, vietnamParts, weekday } from '../../../../common/vietnam-time.ts';

const VI_WEEKDAYS = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];
const EN_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * An officer's lookup on a day off of the province calendar (weekend not made up, holiday) or outside the hours.
 * Integration keys are exempt: the public-service portal works at night.
 */
export const offHours: Rule = {
  defaults: {
    enabled: true,
    severity: 'medium',
    params: {
      startHour: 7, // hour of the day, Vietnam time (7.5 = 7:30): working hours begin
      endHour: 18, // hour of the day, Vietnam time: working hours end
    },
  },
  run: async (b, s, p) => {
    const officers = b.lookups.filter((e) => e.accountId);
    if (officers.length === 0) return [];
    const calendar = await b.calendar();
    const judged = officers.flatMap((e) => {
      const day = vietnamDate(e.at);
      const d = vietnamParts(e.at);
      const hour = d.hour + d.minute / 60;
      if (isWorkingDay(day, calendar) && hour >= p.startHour! && hour < p.endHour!) return [];
      const why = !isWorkingDay(day, calendar) ? (calendar.holidays.has(day) ? 'holiday' : 'weekend') : 'hours';
      return [{ e, day, why }];
    });
    if (judged.length === 0) return [];
    const name = await b.names(judged.map((j) => j.e));
    return judged.map(({ e, day, why }) => {
      const who = name(e);
      const wd = weekday(day);
      const viWhy = { hours: `ngoài giờ làm việc (${clock(p.startHour!)}–${clock(p.endHour!)})`, weekend: 'vào ngày nghỉ cuối tuần', holiday: 'vào ngày nghỉ lễ, tết theo lịch làm việc của tỉnh' }[why];
      const enWhy = { hours: `outside working hours (${clock(p.startHour!)}–${clock(p.endHour!)})`, weekend: 'on a weekend', holiday: 'on a public holiday of the province calendar' }[why];
      return alert('off_hours', s.severity, {
        caller: e,
        unitId: e.unitId,
        at: e.at,
        vi: `${capitalize(who.vi)} đã tra cứu CSDLQG về dân cư lúc ${viTime(e.at)} (${VI_WEEKDAYS[wd]}), ${viWhy}.`,
        en: `${capitalize(who.en)} looked up the population database at ${enTime(e.at)} (${EN_WEEKDAYS[wd]}), ${enWhy}.`,
        details: { day, reason: why, startHour: p.startHour, endHour: p.endHour },
        citizens: [e.citizen],
        seqs: [e.seq],
        key: `${callerKey(e)}:${day}`,
      });
    });
  },
};
