/**
 * The 12-digit personal identification number (Circular 59/2021/TT-BCA Art. 7): 3 digits of the province of
 * birth registration (the 63 pre-2025 GSO codes, zero-padded), 1 digit of century and gender, 2 digits of the
 * year of birth, 6 random digits.
 */
const PROVINCE_CODES = new Set(
  '01,02,04,06,08,10,11,12,14,15,17,19,20,22,24,25,26,27,30,31,33,34,35,36,37,38,40,42,44,45,46,48,49,51,52,54,56,58,60,62,64,66,67,68,70,72,74,75,77,79,80,82,83,84,86,87,89,91,92,93,94,95,96'
    .split(',')
    .map((c) => `0${c}`),
);

export function isValidPersonalId(value: string, today: Date): boolean {
  if (!/^\d{12}$/.test(value)) return false;
  if (!PROVINCE_CODES.has(value.slice(0, 3))) return false;
  // 0/1: born 1900–1999, 2/3: 2000–2099 (male/female); later centuries cannot be alive yet.
  if (Number(value[3]) > 3) return false;
  return birthYearOf(value) <= today.getUTCFullYear();
}

/** The year of birth a valid personal ID encodes (century digit and two digits of the year). */
export function birthYearOf(value: string): number {
  return 1900 + Math.floor(Number(value[3]) / 2) * 100 + Number(value.slice(4, 6));
}
