/**
 * Dates as whole days since 1970-01-01: cheap to compare and add, free of time zones. The conversions are
 * Howard Hinnant's civil-calendar algorithms: pure arithmetic, since building a population converts millions.
 */
export type Day = number;

export function dayOf(year: number, month: number, date: number): Day {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + date - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function parts(day: Day): { year: number; month: number; date: number } {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const date = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, date };
}

export function yearOf(day: Day): number {
  return parts(day).year;
}

/** The same calendar date `years` later (29 February becomes 1 March in a common year). */
export function addYears(day: Day, years: number): Day {
  const { year, month, date } = parts(day);
  return dayOf(year + years, month, date);
}

/** Completed years of age on `on`. */
export function ageOn(birth: Day, on: Day): number {
  const b = parts(birth);
  const o = parts(on);
  const age = o.year - b.year;
  return o.month < b.month || (o.month === b.month && o.date < b.date) ? age - 1 : age;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** dd/mm/yyyy, the format of the NPD protocol. */
export function formatDmy(day: Day): string {
  const { year, month, date } = parts(day);
  return `${pad2(date)}/${pad2(month)}/${year}`;
}

/** Parses dd/mm/yyyy; null when the text is not a real calendar date in that exact shape. */
export function parseDmy(text: string): Day | null {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!match) return null;
  const [date, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || date < 1) return null;
  const day = dayOf(year, month, date);
  return parts(day).month === month ? day : null;
}
