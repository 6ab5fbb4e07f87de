import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type Client, type TestSystem } from '../../../test/harness.ts';
import { seedCalendar } from './calendar.service.ts';
import { BUILT_IN_CALENDAR } from './holidays.ts';

let sys: TestSystem;
let admin: Client;
let communeAdmin: Client;
let reception: Client;

beforeAll(async () => {
  sys = await startTestSystem();
  admin = await sys.signedIn(await sys.officer({ username: 'lich.quantri', unit: sys.province, roles: ['unit_admin'] }), '10.41.0.1');
  communeAdmin = await sys.signedIn(await sys.officer({ username: 'lich.qtxa', unit: sys.communes[0]!, roles: ['unit_admin'] }), '10.41.0.2');
  reception = await sys.signedIn(await sys.officer({ username: 'lich.tiepnhan', unit: sys.communes[0]!, roles: ['reception_officer'] }), '10.41.0.3');
});
afterAll(() => sys.close());

function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.code).toBe(code);
}

const dueDate = async (receivedAt: string, workingDays: number) => {
  const res = await reception.get(`/api/calendar/deadline?receivedAt=${encodeURIComponent(receivedAt)}&workingDays=${workingDays}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('the built-in calendar', () => {
  it('before the tables are loaded, only weekends are skipped and the missing years are named', async () => {
    expect(await dueDate('2026-02-13T10:00:00+07:00', 3)).toEqual({ startDate: '2026-02-13', dueDate: '2026-02-18', dueAt: '2026-02-18T17:00:00.000Z', yearsWithoutTable: [2026] });
  });

  it('the 2025–2027 tables are loaded once, with their sources in the journal', async () => {
    expect(await sys.inTx(seedCalendar)).toEqual([2025, 2026, 2027]);
    expect(await sys.inTx(seedCalendar)).toEqual([]);
    const [entry, ...more] = await sys.journalOf('calendar.seed');
    expect(more).toHaveLength(0);
    expect(entry!.details).toMatchObject({ years: [2025, 2026, 2027] });
    expect(JSON.stringify(entry!.details)).toContain('9441/TB-BNV');
  });

  it('the 2026 table has Tết, the swapped days and the make-up Saturdays', async () => {
    const res = await reception.get('/api/calendar/years/2026');
    expect(res.statusCode, res.body).toBe(200);
    const { defined, days, abilities } = res.json();
    expect(defined).toBe(true);
    expect(abilities).toEqual({ read: true, manage: false });
    expect(days).toHaveLength(BUILT_IN_CALENDAR[2026]!.days.length);
    expect(days).toContainEqual({ date: '2026-02-17', weekday: 2, kind: 'holiday', name: 'Nghỉ Tết Nguyên đán Bính Ngọ' });
    expect(days).toContainEqual({ date: '2026-01-10', weekday: 6, kind: 'working', name: 'Làm bù cho thứ Sáu 02/01/2026' });
    expect(days.map((d: { date: string }) => d.date)).toEqual(expect.arrayContaining(['2026-01-01', '2026-04-27', '2026-04-30', '2026-05-01', '2026-08-31', '2026-09-01', '2026-09-02']));
  });

  it('deadlines now skip Tết, and received after 15:00 they count from the next working day', async () => {
    expect(await dueDate('2026-02-13T10:00:00+07:00', 3)).toMatchObject({ dueDate: '2026-02-25', yearsWithoutTable: [] });
    expect(await dueDate('2026-02-13T15:30:00+07:00', 1)).toMatchObject({ startDate: '2026-02-23', dueDate: '2026-02-24' });
  });

  it('a year without a table says so', async () => {
    expect((await reception.get('/api/calendar/years/2031')).json()).toMatchObject({ defined: false, days: [] });
    expect((await dueDate('2028-03-01T09:00:00+07:00', 2)).yearsWithoutTable).toEqual([2028]);
  });
});

describe('the province edits its table', () => {
  it('a province administrator adds a holiday, and deadlines skip it from then on', async () => {
    expect((await dueDate('2026-11-23T09:00:00+07:00', 1)).dueDate).toBe('2026-11-24');
    const res = await admin.post('/api/calendar/days', { date: '2026-11-24', kind: 'holiday', name: 'Ngày Văn hóa Việt Nam' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ date: '2026-11-24', weekday: 2, kind: 'holiday', name: 'Ngày Văn hóa Việt Nam' });
    expect((await dueDate('2026-11-23T09:00:00+07:00', 1)).dueDate).toBe('2026-11-25');
    expect((await sys.journalOf('calendar.day_set')).slice(-1)[0]).toMatchObject({ unitId: sys.province.id, details: { date: '2026-11-24', kind: 'holiday', before: null } });
  });

  it('renaming a day records what it was', async () => {
    const res = await admin.post('/api/calendar/days', { date: '2026-11-24', kind: 'holiday', name: 'Ngày Văn hóa Việt Nam (24/11)' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await sys.journalOf('calendar.day_set')).slice(-1)[0]!.details).toMatchObject({ before: { kind: 'holiday', name: 'Ngày Văn hóa Việt Nam' } });
  });

  it('a make-up Saturday counts as a working day', async () => {
    expect((await dueDate('2026-12-04T09:00:00+07:00', 1)).dueDate).toBe('2026-12-07');
    expect((await admin.post('/api/calendar/days', { date: '2026-12-05', kind: 'working', name: 'Làm bù' })).statusCode).toBe(200);
    expect((await dueDate('2026-12-04T09:00:00+07:00', 1)).dueDate).toBe('2026-12-05');
  });

  it('removing a day restores the weekday, and the removal is journaled', async () => {
    const res = await admin.delete('/api/calendar/days/2026-11-24');
    expect(res.statusCode, res.body).toBe(204);
    expect((await dueDate('2026-11-23T09:00:00+07:00', 1)).dueDate).toBe('2026-11-24');
    expect((await sys.journalOf('calendar.day_remove')).slice(-1)[0]).toMatchObject({ details: { date: '2026-11-24', name: 'Ngày Văn hóa Việt Nam (24/11)' } });
    expectError(await admin.delete('/api/calendar/days/2026-11-24'), 404, 'not_found');
  });

  it('a removed built-in day is not loaded again at the next start', async () => {
    expect((await admin.delete('/api/calendar/days/2027-09-03')).statusCode).toBe(204);
    expect(await sys.inTx(seedCalendar)).toEqual([]);
    const { days } = (await reception.get('/api/calendar/years/2027')).json();
    expect(days.map((d: { date: string }) => d.date)).not.toContain('2027-09-03');
  });

  it('adding a day to a year without a table starts that year’s table', async () => {
    expect((await admin.post('/api/calendar/days', { date: '2031-01-01', kind: 'holiday', name: 'Tết Dương lịch' })).statusCode).toBe(200);
    expect((await reception.get('/api/calendar/years/2031')).json()).toMatchObject({ defined: true, days: [{ date: '2031-01-01' }] });
  });

  it.each([
    ['a weekday as a make-up working day', { date: '2026-12-07', kind: 'working', name: 'Làm bù' }, 'working_day_not_weekend'],
    ['an impossible date', { date: '2026-02-30', kind: 'holiday', name: 'Ngày không có' }, 'invalid_input'],
    ['a date in another format', { date: '24/11/2026', kind: 'holiday', name: 'Ngày Văn hóa' }, 'invalid_input'],
    ['an unknown kind', { date: '2026-11-24', kind: 'half_day', name: 'Nửa ngày' }, 'invalid_input'],
    ['no name', { date: '2026-11-24', kind: 'holiday', name: ' ' }, 'invalid_input'],
    ['an unknown field', { date: '2026-11-24', kind: 'holiday', name: 'Ngày Văn hóa', provinceId: '00000000-0000-4000-8000-000000000000' }, 'invalid_input'],
  ])('should not accept %s, and changes nothing', async (_what, body, code) => {
    const before = (await reception.get('/api/calendar/years/2026')).json().days;
    expectError(await admin.post('/api/calendar/days', body), 400, code);
    expect((await reception.get('/api/calendar/years/2026')).json().days).toEqual(before);
  });

  it('should not let a commune administrator or a reception officer edit the province’s calendar', async () => {
    expectError(await communeAdmin.post('/api/calendar/days', { date: '2026-11-24', kind: 'holiday', name: 'Lễ hội xã' }), 403, 'forbidden');
    expectError(await communeAdmin.delete('/api/calendar/days/2026-02-17'), 403, 'forbidden');
    expectError(await reception.post('/api/calendar/days', { date: '2026-11-24', kind: 'holiday', name: 'Lễ hội xã' }), 403, 'forbidden');
    expect((await communeAdmin.get('/api/calendar/years/2026')).json().abilities.manage).toBe(false);
    expect((await admin.get('/api/calendar/years/2026')).json().abilities.manage).toBe(true);
  });

  it('should not compute a deadline from bad input', async () => {
    expectError(await reception.get('/api/calendar/deadline?receivedAt=2026-02-13&workingDays=1'), 400, 'invalid_input');
    expectError(await reception.get('/api/calendar/deadline?receivedAt=2026-02-13T10:00:00%2B07:00&workingDays=-1'), 400, 'invalid_input');
    expectError(await reception.get('/api/calendar/deadline?receivedAt=2026-02-13T10:00:00%2B07:00&workingDays=366'), 400, 'invalid_input');
  });

  it('should not answer 500 to a receipt in a year the calendar cannot count (9999): 400 naming receivedAt and the years', async () => {
    for (const receivedAt of ['9999-12-31T23:00:00+07:00', '9999-12-31T20:00:00-07:00', '2101-01-01T00:00:00+07:00', '1999-12-31T23:59:59+07:00']) {
      const res = await reception.get(`/api/calendar/deadline?receivedAt=${encodeURIComponent(receivedAt)}&workingDays=365`);
      expectError(res, 400, 'invalid_input');
      expect(res.json().error.details).toEqual([{ path: '/receivedAt', message: expect.stringContaining('2000–2100') }]);
    }
    expect(await dueDate('2100-12-31T10:00:00+07:00', 365)).toMatchObject({ dueDate: expect.stringMatching(/^2102-/), yearsWithoutTable: [2100, 2101, 2102] });
    expectError(await admin.post('/api/calendar/days', { date: '9999-12-31', kind: 'holiday', name: 'Ngày xa' }), 400, 'invalid_input');
    expectError(await admin.get('/api/calendar/years/9999'), 400, 'invalid_input');
  });
});

describe('Issue 15: a year’s table entered once from the Government’s decision', () => {
  const decision = 'Thông báo 5120/TB-BNV ngày 20/11/2027 về lịch nghỉ Tết và nghỉ lễ năm 2028';
  const days2028 = [
    { date: '2028-01-01', kind: 'holiday', name: 'Tết Dương lịch' },
    { date: '2028-01-24', kind: 'holiday', name: 'Nghỉ Tết Nguyên đán' },
    { date: '2028-01-25', kind: 'holiday', name: 'Nghỉ Tết Nguyên đán' },
    { date: '2028-02-05', kind: 'working', name: 'Làm bù cho thứ Hai 31/01/2028' },
  ];

  it('replaces the year’s days with the decision’s, and the journal names what was added, removed and changed', async () => {
    expect((await admin.post('/api/calendar/days', { date: '2028-09-02', kind: 'holiday', name: 'Quốc khánh' })).statusCode).toBe(200);
    expect((await admin.post('/api/calendar/days', { date: '2028-01-01', kind: 'holiday', name: 'Năm mới' })).statusCode).toBe(200);
    const res = await admin.put('/api/calendar/years/2028', { decision, days: days2028 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ year: 2028, defined: true, decision, days: days2028.map((d) => ({ date: d.date, kind: d.kind, name: d.name })) });
    expect((await reception.get('/api/calendar/years/2028')).json().days.map((d: { date: string }) => d.date)).toEqual(days2028.map((d) => d.date));
    const [entry] = (await sys.journalOf('calendar.year_set')).slice(-1);
    expect(entry!.details).toEqual({ year: 2028, decision, added: ['2028-01-24', '2028-01-25', '2028-02-05'], removed: ['2028-09-02'], changed: ['2028-01-01'] });
    // the make-up Saturday is worked: 3 working days from Friday 04/02 end on Tuesday 08/02, not Wednesday
    expect((await dueDate('2028-02-04T09:00:00+07:00', 3)).dueDate).toBe('2028-02-08');
  });

  it.each([
    ['a day of another year', { decision, days: [{ date: '2029-01-01', kind: 'holiday', name: 'Tết Dương lịch' }] }, 'day_outside_year'],
    ['a make-up working day that is not a weekend', { decision, days: [{ date: '2028-02-07', kind: 'working', name: 'Làm bù' }] }, 'working_day_not_weekend'],
    ['a day listed twice', { decision, days: [days2028[0], days2028[0]] }, 'invalid_input'],
    ['an impossible date', { decision, days: [{ date: '2028-02-30', kind: 'holiday', name: 'Không có' }] }, 'invalid_input'],
    ['no decision', { decision: '', days: days2028 }, 'invalid_input'],
    ['an unknown field', { decision, days: days2028, source: 'x' }, 'invalid_input'],
  ])('should not accept %s, and changes nothing', async (_what, body, code) => {
    const before = (await reception.get('/api/calendar/years/2028')).json();
    expectError(await admin.put('/api/calendar/years/2028', body), 400, code);
    expect((await reception.get('/api/calendar/years/2028')).json()).toEqual(before);
  });

  it('should not let a commune administrator set the province’s year (403)', async () => {
    expectError(await communeAdmin.put('/api/calendar/years/2028', { decision, days: [] }), 403, 'forbidden');
  });
});
