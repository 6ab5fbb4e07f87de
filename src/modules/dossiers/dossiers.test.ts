import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake, offerBirthRegistration, personalId1990, receive } from '../../../test/dossier-fixtures.ts';
import { startTestSystem, type Client, type Officer, type TestSystem } from '../../../test/harness.ts';

let sys: TestSystem;
let procedureId: string;
let desk: Client;
let otherDesk: Client;
let processor: Client;
let leader: Client;
let officers: Officer[];

/** Moves the clock forward (Vietnam time) and signs everyone in again: a jump of days outlives any session. */
async function at(vietnamTime: string) {
  [desk, otherDesk, processor, leader] = (await sys.at(vietnamTime, officers, '10.9.0')) as [Client, Client, Client, Client];
}

beforeAll(async () => {
  sys = await startTestSystem();
  procedureId = await offerBirthRegistration(sys);
  const [a, b] = sys.communes as [(typeof sys.communes)[0], (typeof sys.communes)[0]];
  officers = [
    await sys.officer({ username: 'd.desk', unit: a, roles: ['reception_officer'] }),
    await sys.officer({ username: 'd.other', unit: b, roles: ['reception_officer'] }),
    await sys.officer({ username: 'd.processor', unit: a, roles: ['processing_officer'] }),
    await sys.officer({ username: 'd.leader', unit: a, roles: ['leader'] }),
  ];
  await at('2026-03-02T09:00:00');
});
afterAll(() => sys.close());

const commune = () => sys.communes[0]!;
const act = (c: Client, id: string, action: string, body: Record<string, unknown> = {}) => c.post(`/api/dossiers/${id}/${action}`, body);
async function dossierCount(): Promise<number> {
  const res = (await sys.database.db.execute(sql`SELECT count(*)::int AS n FROM dossiers`)) as unknown as { rows: { n: number }[] };
  return res.rows[0]!.n;
}

describe('dossier intake at the one-stop desk', () => {
  it('Circular 01/2018: the code is <unit code>-YYMMDD-NNNN, in sequence per unit and day; the promised date skips the weekend', async () => {
    const first = await receive(desk, procedureId, commune().id);
    const second = await receive(desk, procedureId, commune().id);
    const prefix = `${commune().code.toUpperCase()}-260302-`;
    expect([first.code, second.code]).toEqual([`${prefix}0001`, `${prefix}0002`]);
    // received Monday 2 March at 09:00: 5 working days (3, 4, 5, 6, 9 March), due at the end of Monday 9 March
    expect(first.dueAt).toBe('2026-03-09T17:00:00.000Z');
    expect(first.status).toBe('received');
    const withPapers = (await desk.post('/api/dossiers', intake(procedureId, commune().id, { receivedPapers: ['Giấy chứng sinh'] }))).json();
    expect(withPapers).toMatchObject({ receivedPapers: ['Giấy chứng sinh'], dueDate: '2026-03-09', rules: { documents: [{ name: 'Giấy chứng sinh' }], npdFields: ['ho_ten', 'noi_thuong_tru'] } });
  });

  it('should never give two concurrent intakes the same code', async () => {
    const busy = await sys.signedIn(await sys.officer({ username: 'd.busy', unit: sys.communes[2]!, roles: ['reception_officer'] }), '10.9.0.9');
    const codes = await Promise.all(Array.from({ length: 16 }, () => receive(busy, procedureId, sys.communes[2]!.id).then((d) => d.code)));
    expect(new Set(codes).size).toBe(16);
    expect(codes.map((c) => Number(c.slice(-4))).sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });

  it.each([
    ['an invalid personal ID', { applicant: { ...intake('', '').applicant, personalId: '123' } }, 400],
    ['a personal ID of an impossible century', { applicant: { ...intake('', '').applicant, personalId: '019590123456' } }, 400],
    ['a birth year that does not match the personal ID', { applicant: { ...intake('', '').applicant, birthDate: '1991-04-12' } }, 400],
    ['a date of birth in the future', { applicant: { ...intake('', '').applicant, personalId: '019226000001', birthDate: '2026-12-01' } }, 400],
    ['the same person twice', { persons: [{ relation: 'Mẹ', personalId: '019090999999', fullName: 'Lê Thị Mẹ', birthDate: '1990-01-01' }, { relation: 'Bố', personalId: '019090999999', fullName: 'Lê Văn Bố', birthDate: '1990-01-01' }] }, 400],
    ['an unknown field', { note: 'x' }, 400],
    ['a paper that is not in the procedure’s list', { receivedPapers: ['Sổ hộ khẩu'] }, 400],
    ['an unknown procedure', { offeredProcedureId: '00000000-0000-4000-8000-000000000000' }, 404],
  ])('should refuse %s and change nothing', async (_, over, status) => {
    const before = await dossierCount();
    const res = await desk.post('/api/dossiers', { ...intake(procedureId, commune().id), ...over });
    expect(res.statusCode, res.body).toBe(status);
    expect(await dossierCount()).toBe(before);
  });

  it('should not let a desk receive for another commune (404)', async () => {
    expect((await otherDesk.post('/api/dossiers', intake(procedureId, commune().id))).statusCode).toBe(404);
  });

  it('R18: another unit’s dossier answers 404, to reading and to every action', async () => {
    const d = await receive(desk, procedureId, commune().id);
    expect((await otherDesk.get(`/api/dossiers/${d.id}`)).statusCode).toBe(404);
    expect((await act(otherDesk, d.id, 'withdraw', { reason: 'x' })).statusCode).toBe(404);
    expect((await otherDesk.get(`/api/dossiers?q=${d.code}`)).json().items).toEqual([]);
  });

  it('the desk finds a dossier by code, by the applicant’s name without diacritics, or by personal ID (journaled as a keyed hash)', async () => {
    const pid = personalId1990();
    const d = await receive(desk, procedureId, commune().id, { applicant: { ...intake('', '').applicant, personalId: pid, fullName: 'Đặng Thị Thu Hương' } });
    for (const q of [d.code, d.code.slice(-11), 'dang thi thu huong', 'THU huong', 'dang thi thu huo', pid]) {
      const found = (await desk.get(`/api/dossiers?q=${encodeURIComponent(q)}`)).json().items.map((x: { id: string }) => x.id);
      expect(found, q).toContain(d.id);
    }
    const [search] = await sys.journalOf('dossier.search');
    expect(search!.citizens).toEqual([sys.keys.citizenDigest(pid)]);
  });
  it('a dossier received after 15:00 counts from the next working day', async () => {
    await at('2026-03-02T15:30:00');
    const late = await receive(desk, procedureId, commune().id);
    expect(late.dueAt).toBe('2026-03-10T17:00:00.000Z');
  });
});

describe('processing and deadlines', () => {
  it('R05: the papers move in the system: assigned, supplemented (the clock pauses), settled, returned; every step on the timeline and in the journal', async () => {
    await at('2026-03-03T09:00:00');
    const d = await receive(desk, procedureId, commune().id);
    expect(d.dueAt).toBe('2026-03-10T17:00:00.000Z');
    const processorId = (await processor.get('/api/auth/me')).json().account.id;
    expect((await act(desk, d.id, 'assign', { unitId: commune().id, assigneeId: processorId })).json()).toMatchObject({ status: 'processing', assignee: { username: 'd.processor' } });
    expect((await processor.get('/api/dossiers?queue=mine')).json().items.map((x: { id: string }) => x.id)).toContain(d.id);

    // Thursday 5 March: a paper is missing; the citizen brings it on Monday 9 March at 10:00
    await at('2026-03-05T09:00:00');
    const paused = (await act(processor, d.id, 'request_supplement', { reason: 'Thiếu giấy chứng sinh bản chính' })).json();
    expect(paused).toMatchObject({ status: 'supplement_requested', dueAt: null, deadlineStatus: 'paused' });
    await at('2026-03-09T10:00:00');
    const resumed = (await act(desk, d.id, 'receive_supplement')).json();
    // 5 days: 4 and 5 March used; 3 left, counted from Monday 9 March: 10, 11, 12 March
    expect(resumed).toMatchObject({ status: 'processing', dueAt: '2026-03-12T17:00:00.000Z' });

    expect((await act(processor, d.id, 'approve')).statusCode).toBe(403);
    expect((await act(leader, d.id, 'approve')).json().status).toBe('settled');
    const returned = (await act(desk, d.id, 'return_result')).json();
    expect(returned.status).toBe('result_returned');
    expect(returned.timeline.map((e: { action: string }) => e.action)).toEqual(['receive', 'assign', 'request_supplement', 'receive_supplement', 'approve', 'return_result']);
    const types = (await sys.journalOf('dossier.approve')).map((e) => e.targetId);
    expect(types).toContain(d.id);
  });

  it('a late dossier gets one apology with a new date (form 04), not two', async () => {
    await at('2026-03-13T09:00:00');
    const d = await receive(desk, procedureId, commune().id);
    expect(d.dueAt).toBe('2026-03-20T17:00:00.000Z');
    await act(desk, d.id, 'assign', { unitId: commune().id });
    await at('2026-03-23T09:00:00');
    expect((await processor.get(`/api/dossiers/${d.id}`)).json().deadlineStatus).toBe('overdue');
    expect((await act(processor, d.id, 'apologize', { reason: 'Cần xác minh thêm', newDueDate: '2026-03-19' })).statusCode).toBe(400);
    const apologized = (await act(processor, d.id, 'apologize', { reason: 'Cần xác minh thêm', newDueDate: '2026-03-27' })).json();
    expect(apologized).toMatchObject({ apologyDueAt: '2026-03-27T17:00:00.000Z', deadlineStatus: 'on_track', abilities: { apologize: false } });
    expect((await act(processor, d.id, 'apologize', { reason: 'Lần nữa', newDueDate: '2026-03-30' })).statusCode).toBe(409);
  });

  it('should not move a dossier in a status that does not allow it (409), nor without the reason printed on the form (400)', async () => {
    const d = await receive(desk, procedureId, commune().id);
    expect((await act(desk, d.id, 'return_result')).statusCode).toBe(409);
    expect((await act(desk, d.id, 'not_accept')).statusCode).toBe(400);
    expect((await act(desk, d.id, 'not_accept', { reason: 'Không thuộc thẩm quyền' })).json()).toMatchObject({ status: 'not_accepted', statusReason: 'Không thuộc thẩm quyền' });
  });
});
