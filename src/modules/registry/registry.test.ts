import { eq, sql } from 'drizzle-orm';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake, offerBirthRegistration } from '../../../test/dossier-fixtures.ts';
import { startTestSystem, type Client, type Officer, type TestSystem } from '../../../test/harness.ts';
import { isoBirthDate, startNpdSim, type NpdSimProcess, type SampleCitizen } from '../../../test/npd-sim.ts';
import crypto from 'node:crypto';
import { insertGrant } from '../accounts/accounts.service.ts';
import { journal } from '../journal/journal.tables.ts';
import { integrate, journalSigner } from '../journal/sequencer.ts';
import { ManualClock } from '../../platform/clock.ts';
import { HttpNpdClient } from './npd-client.ts';
import { npdConnections, npdLookups } from './registry.tables.ts';

let sys: TestSystem;
let sim: NpdSimProcess;
let procedureId: string;
let officers: Officer[];
let desk: Client;
let otherDesk: Client;
let admin: Client;
let security: Client;
let contractor: Client;
let citizens: SampleCitizen[];
/** Every response body of this file, searched for the NPD credential at the end (R34). */
const seen: string[] = [];

const commune = () => sys.communes[0]!;
const other = () => sys.communes[1]!;

function watch(c: Client): Client {
  const original = c.request.bind(c);
  c.request = async (...args) => {
    const res = await original(...args);
    seen.push(res.body, JSON.stringify(res.headers));
    return res;
  };
  return c;
}

async function signInAll() {
  const clients: Client[] = [];
  // one after the other: each one-time code moves the shared clock on
  for (const [i, o] of officers.entries()) clients.push(watch(await sys.signedIn(o, `10.50.0.${i + 1}`)));
  [desk, otherDesk, admin, security, contractor] = clients as [Client, Client, Client, Client, Client];
}

const applicantOf = (c: SampleCitizen) => ({ personalId: c.SoDinhDanh, fullName: c.HoVaTen, birthDate: isoBirthDate(c.NgayThangNamSinh), phone: '0912345678', email: '', address: 'Thái Nguyên' });

async function dossierOf(c: SampleCitizen, at = commune(), by = desk, over: Record<string, unknown> = {}) {
  const res = await by.post('/api/dossiers', intake(procedureId, at.id, { applicant: applicantOf(c), ...over }));
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json() as { id: string; code: string };
}

let versionSeq = 1;
/** A new version of the procedure declaring these NPD fields (versions are immutable: dossiers received next use it). */
async function declare(npdFields: string[], lookupStages?: { receiving: string[]; processing: string[] }) {
  const manager = await sys.signedIn(await sys.officer({ username: `n.procedures.${versionSeq}`, unit: sys.province, roles: ['unit_admin'] }), '10.50.9.1');
  const res = await manager.post(`/api/procedures/offered/${procedureId}/versions`, {
    basedOn: versionSeq,
    processingDays: 5,
    documents: [{ name: 'Giấy chứng sinh', required: true, copies: 1 }],
    purpose: 'Đăng ký khai sinh: nhân thân và nơi cư trú của cha, mẹ.',
    npdFields,
    retentionYears: null,
    ...(lookupStages ? { lookupStages } : {}),
    note: 'Điều chỉnh trường dữ liệu khai thác',
  });
  if (res.statusCode !== 200) throw new Error(res.body);
  versionSeq += 1;
}

const lookUp = (c: Client, dossierId: string, personalId: string, service = 'verify') => c.post(`/api/dossiers/${dossierId}/lookups`, { personalId, service });

async function lookupRows(dossierId: string) {
  return sys.database.db.select().from(npdLookups).where(eq(npdLookups.dossierId, dossierId));
}

beforeAll(async () => {
  [sys, sim] = await Promise.all([
    startTestSystem({ MOTCUA_NPD_TIMEOUT_MS: '1500', MOTCUA_NPD_BREAKER_SECONDS: '2', MOTCUA_NPD_ACCOUNT_PER_MINUTE: '1000', MOTCUA_NPD_UNIT_PER_MINUTE: '1000' }),
    startNpdSim(),
  ]);
  procedureId = await offerBirthRegistration(sys);
  officers = [
    await sys.officer({ username: 'n.desk', unit: commune(), roles: ['reception_officer'] }),
    await sys.officer({ username: 'n.other', unit: other(), roles: ['reception_officer'] }),
    await sys.officer({ username: 'n.admin', unit: sys.province, roles: ['system_admin'] }),
    await sys.officer({ username: 'n.security', unit: sys.province, roles: ['security_officer'] }),
    await sys.officer({ username: 'n.contractor', unit: sys.province, roles: ['contractor'] }),
  ];
  await signInAll();
  citizens = await sim.sample(40, '&minAge=20&maxAge=70&withParents=true');
});
afterAll(async () => {
  await sys?.close();
  await sim?.stop();
});

describe('R34: the NPD connection is entered once and never read back', () => {
  it('should refuse a lookup before the connection is set, clearly', async () => {
    const d = await dossierOf(citizens[0]!);
    const res = await lookUp(desk, d.id, citizens[0]!.SoDinhDanh);
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('npd_not_configured');
  });

  it('should refuse settings whose key does not belong to the certificate, and store nothing', async () => {
    const otherSim = await startNpdSim({ population: 100 });
    try {
      const res = await admin.put('/api/npd/connection', { ...sim.connection, privateKey: otherSim.connection.privateKey });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('npd_key_mismatch');
      expect(await sys.database.db.select().from(npdConnections)).toHaveLength(0);
    } finally {
      await otherSim.stop();
    }
  });

  it('should show only who set it, when, and the certificate fingerprint; contractors cannot even see that', async () => {
    const res = await admin.put('/api/npd/connection', sim.connection);
    expect(res.statusCode).toBe(200);
    const status = (await admin.get('/api/npd/connection')).json();
    expect(status.current).toMatchObject({ setBy: { username: 'n.admin' }, fingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) });
    expect(Object.keys(status.current).sort()).toEqual(['certificateExpiresAt', 'fingerprint', 'id', 'replacedAt', 'setAt', 'setBy']);
    expect((await contractor.get('/api/npd/connection')).statusCode).toBe(403);
    expect((await contractor.put('/api/npd/connection', sim.connection)).statusCode).toBe(403);
    const [row] = await sys.database.db.select().from(npdConnections);
    expect(row!.sealed).not.toContain(sim.connection.password);
    expect((await sys.journalOf('npd.connection.set'))[0]!.details).toEqual({ fingerprint: status.current.fingerprint, certificateExpiresAt: status.current.certificateExpiresAt });
  });
});

describe('R34: rotation', () => {
  it('should replace the connection, wipe the old sealed settings, and use the new one at the next lookup', async () => {
    const before = (await admin.get('/api/npd/connection')).json().current;
    expect((await admin.put('/api/npd/connection', sim.connection)).statusCode).toBe(200);
    const after = (await admin.get('/api/npd/connection')).json();
    expect(after.current.id).not.toBe(before.id);
    expect(after.history[0]).toMatchObject({ id: before.id, replacedAt: expect.any(String) });
    const rows = await sys.database.db.select().from(npdConnections);
    expect(rows.find((r) => r.id === before.id)!.sealed).toBeNull();
    expect((await sys.journalOf('npd.connection.rotate'))[0]!.details).toMatchObject({ replaces: before.id });
    const d = await dossierOf(citizens[21]!);
    expect((await lookUp(desk, d.id, citizens[21]!.SoDinhDanh)).json()).toMatchObject({ outcome: 'matched' });
  });
});

describe('R01, R24, R36: a lookup is bound to an open dossier, recorded first, and returns only the declared fields', () => {
  it('should verify the applicant and return only the fields the procedure declares (ho_ten, noi_thuong_tru)', async () => {
    const c = citizens[1]!;
    const d = await dossierOf(c);
    const res = await lookUp(desk, d.id, c.SoDinhDanh);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ service: 'verify', subject: 'applicant', outcome: 'matched', purpose: expect.stringContaining('khai sinh') });
    expect(Object.keys(body.fields).sort()).toEqual(['ho_ten', 'noi_thuong_tru']);
    expect(body.fields.ho_ten).toBe(c.HoVaTen);
    expect(body.fields.noi_thuong_tru).toMatchObject({ MaTinh: expect.any(String), DiaChi: expect.any(String) });
    // nothing beyond the declared fields, in any form: no religion, no ethnicity, no parents
    expect(res.body).not.toMatch(/TonGiao|DanToc|ton_giao|dan_toc|NhomMau/);
    const [row] = await lookupRows(d.id);
    // R13: the purpose is recorded with every lookup, with who, for which dossier and which procedure version
    expect(row).toMatchObject({
      id: body.lookupId,
      service: 'verify',
      subject: 'applicant',
      outcome: 'matched',
      fieldsReturned: ['ho_ten', 'noi_thuong_tru'],
      citizen: sys.keys.citizenDigest(c.SoDinhDanh),
      purpose: body.purpose,
      procedureCode: '1.001193',
      accountId: officers[0]!.id,
      dossierId: d.id,
    });
    expect(row!.completedAt).not.toBeNull();
    // R36: the journal has the start (before the call) and the completion, with the citizen's keyed hash
    const entries = (await sys.database.db.select().from(journal).where(sql`${journal.details}->>'lookup' = ${body.lookupId}`)).sort((a, b) => a.seq - b.seq);
    expect(entries.map((e) => e.type)).toEqual(['npd.lookup.start', 'npd.lookup.complete']);
    expect(entries[0]!.citizens).toEqual([sys.keys.citizenDigest(c.SoDinhDanh)]);
    expect(JSON.stringify(entries)).not.toContain(c.SoDinhDanh);
    expect(JSON.stringify(entries)).not.toContain(c.HoVaTen);
  });

  it('should find the personal ID from name and date of birth and say whether it is the one in the dossier', async () => {
    await declare(['ho_ten', 'so_dinh_danh', 'noi_thuong_tru']);
    const c = citizens[2]!;
    const d = await dossierOf(c);
    const res = await lookUp(desk, d.id, c.SoDinhDanh, 'find');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ service: 'find', outcome: 'found', fields: { so_dinh_danh: c.SoDinhDanh }, matchesDossier: true });
  });

  it('should tell a name that does not match the ID (KHONG_KHOP) and return no field', async () => {
    const c = citizens[3]!;
    const d = await dossierOf(c, commune(), desk, { applicant: { ...applicantOf(c), fullName: `${c.HoVaTen} Sai` } });
    const res = await lookUp(desk, d.id, c.SoDinhDanh);
    expect(res.json()).toMatchObject({ outcome: 'mismatch', fields: {} });
  });

  it('R36: the record is committed before the NPD answers (a slow NPD shows it unfinished meanwhile)', async () => {
    const c = citizens[4]!;
    const d = await dossierOf(c);
    await sim.setMode({ mode: 'slow', delayMs: 800 });
    try {
      const pending = lookUp(desk, d.id, c.SoDinhDanh);
      let during: Awaited<ReturnType<typeof lookupRows>> = [];
      for (let i = 0; i < 40 && during.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 25));
        during = await lookupRows(d.id);
      }
      expect(during).toHaveLength(1);
      expect(during[0]).toMatchObject({ completedAt: null, outcome: null });
      expect((await pending).statusCode).toBe(200);
      expect((await lookupRows(d.id))[0]).toMatchObject({ outcome: 'matched' });
    } finally {
      await sim.setMode({ mode: 'normal' });
    }
  });

  it('R36: should not let a completed lookup record be rewritten or deleted', async () => {
    // its own record: not whichever matched row an earlier test left
    const c = citizens[32]!;
    const d = await dossierOf(c);
    expect((await lookUp(desk, d.id, c.SoDinhDanh)).statusCode).toBe(200);
    const [row] = await lookupRows(d.id);
    expect(row).toMatchObject({ outcome: 'matched', completedAt: expect.any(Date) });
    await expect(sys.database.db.execute(sql`UPDATE npd_lookups SET outcome = 'not_found' WHERE id = ${row!.id}`)).rejects.toMatchObject({ cause: { message: 'a lookup record is completed once and never rewritten (R36)' } });
    // the application's role may not delete at all (the trigger also stops the owner)
    await expect(sys.database.db.execute(sql`DELETE FROM npd_lookups WHERE id = ${row!.id}`)).rejects.toMatchObject({ cause: { message: 'permission denied for table npd_lookups' } });
    expect(await lookupRows(d.id)).toEqual([row]);
  });
});

describe('refusals, each journaled', () => {
  /** Refused with this code, and journaled once for this dossier (the other tests' refusals are in the same journal). */
  async function refused(dossierId: string, res: { statusCode: number; json: () => { error: { code: string } } }, status: number, code: string) {
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
    const entries = (await sys.journalOf('npd.lookup.refused')).filter((e) => e.targetId === dossierId);
    expect(entries.map((e) => e.reason)).toEqual([code]);
  }

  it('R01: should not look up a citizen who is not named in the dossier', async () => {
    const d = await dossierOf(citizens[5]!);
    await refused(d.id, await lookUp(desk, d.id, citizens[6]!.SoDinhDanh), 403, 'citizen_not_in_dossier');
  });

  it('R01: should look up a related person named in the dossier, as a person of that dossier', async () => {
    const related = citizens[19]!;
    const d = await dossierOf(citizens[20]!, commune(), desk, {
      persons: [{ personalId: related.SoDinhDanh, fullName: related.HoVaTen, birthDate: isoBirthDate(related.NgayThangNamSinh), relation: 'Cha' }],
    });
    const res = await lookUp(desk, d.id, related.SoDinhDanh);
    expect(res.json()).toMatchObject({ subject: 'Cha', outcome: 'matched', fields: { ho_ten: related.HoVaTen } });
  });

  it('R01: should refuse a closed dossier', async () => {
    const d = await dossierOf(citizens[7]!);
    expect((await desk.post(`/api/dossiers/${d.id}/withdraw`, { reason: 'Công dân rút hồ sơ' })).statusCode).toBe(200);
    await refused(d.id, await lookUp(desk, d.id, citizens[7]!.SoDinhDanh), 409, 'dossier_not_open');
  });

  it("R01/R18: should answer another unit's dossier with 404, as if it did not exist", async () => {
    const d = await dossierOf(citizens[8]!);
    await refused(d.id, await lookUp(otherDesk, d.id, citizens[8]!.SoDinhDanh), 404, 'not_found');
  });

  it('R13: should refuse roles without the lookup permission at the route', async () => {
    const d = await dossierOf(citizens[9]!);
    for (const c of [contractor, security, admin]) expect((await lookUp(c, d.id, citizens[9]!.SoDinhDanh)).statusCode).toBe(403);
  });

  it('R24: should refuse a service the procedure does not declare', async () => {
    await declare(['ho_ten', 'noi_thuong_tru']);
    const d = await dossierOf(citizens[10]!);
    await refused(d.id, await lookUp(desk, d.id, citizens[10]!.SoDinhDanh, 'find'), 403, 'service_not_declared');
  });
});

describe('R43: the kill switch', () => {
  it('should stop the very next lookup when the security officer suspends the system, say why, and resume on lift', async () => {
    const d = await dossierOf(citizens[11]!);
    const cut = await security.post('/api/npd/suspensions', { scope: 'system', reason: 'Nghi ngờ lộ lọt dữ liệu, kiểm tra' });
    expect(cut.statusCode).toBe(200);
    const res = await lookUp(desk, d.id, citizens[11]!.SoDinhDanh);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'npd_suspended', message: expect.stringContaining('Nghi ngờ lộ lọt') });
    expect((await desk.get('/api/npd/status')).json().suspension).toMatchObject({ scope: 'system' });
    // everything else keeps working
    expect((await desk.get(`/api/dossiers/${d.id}`)).statusCode).toBe(200);
    expect((await security.post(`/api/npd/suspensions/${cut.json().id}/lift`, { reason: 'Đã kiểm tra xong' })).statusCode).toBe(204);
    expect((await lookUp(desk, d.id, citizens[11]!.SoDinhDanh)).statusCode).toBe(200);
    // Other tests suspend too: count only this suspension's entries.
    const ofThisCut = async (type: string) =>
      (await sys.journalOf(type)).filter((e) => e.targetId === cut.json().id).map((e) => ({ reason: e.reason, details: e.details }));
    expect(await ofThisCut('npd.suspend')).toEqual([{ reason: 'Nghi ngờ lộ lọt dữ liệu, kiểm tra', details: { scope: 'system', accountId: null } }]);
    expect(await ofThisCut('npd.resume')).toEqual([{ reason: 'Đã kiểm tra xong', details: { scope: 'system', accountId: null } }]);
  });

  it('should suspend one unit or one account without touching the others', async () => {
    const mine = await dossierOf(citizens[12]!);
    const theirs = await dossierOf(citizens[13]!, other(), otherDesk);
    const unitCut = (await security.post('/api/npd/suspensions', { scope: 'unit', unitId: commune().id, reason: 'Tạm dừng xã A' })).json();
    expect((await lookUp(desk, mine.id, citizens[12]!.SoDinhDanh)).json().error.code).toBe('npd_suspended');
    expect((await lookUp(otherDesk, theirs.id, citizens[13]!.SoDinhDanh)).statusCode).toBe(200);
    await security.post(`/api/npd/suspensions/${unitCut.id}/lift`, { reason: 'Xong' });
    const accountCut = (await security.post('/api/npd/suspensions', { scope: 'account', accountId: officers[1]!.id, reason: 'Tài khoản bị nghi dùng chung' })).json();
    expect((await lookUp(otherDesk, theirs.id, citizens[13]!.SoDinhDanh)).json().error.code).toBe('npd_suspended');
    expect((await lookUp(desk, mine.id, citizens[12]!.SoDinhDanh)).statusCode).toBe(200);
    await security.post(`/api/npd/suspensions/${accountCut.id}/lift`, { reason: 'Xong' });
  });

  it('should not let a reception officer or a contractor touch the switch', async () => {
    for (const c of [desk, contractor]) expect((await c.post('/api/npd/suspensions', { scope: 'system', reason: 'thử' })).statusCode).toBe(403);
  });

  it('should show the ministry’s cut to everyone, refuse lookups clearly, and recover when the NPD answers again', async () => {
    const d = await dossierOf(citizens[14]!);
    await sim.setMode({ mode: 'disconnected' });
    const first = await lookUp(desk, d.id, citizens[14]!.SoDinhDanh);
    expect(first.statusCode).toBe(503);
    expect(first.json().error.message).toContain('ngắt kết nối');
    expect((await desk.get('/api/npd/status')).json().disconnectedSince).not.toBeNull();
    // refused locally now, without calling the NPD again, until the probe interval passes
    const again = await lookUp(desk, d.id, citizens[14]!.SoDinhDanh);
    expect(again.json().error.code).toBe('npd_disconnected');
    expect((await desk.get('/api/dossiers')).statusCode).toBe(200);
    await sim.setMode({ mode: 'normal' });
    sys.clock.advance(61_000);
    await signInAll();
    expect((await lookUp(desk, d.id, citizens[14]!.SoDinhDanh)).statusCode).toBe(200);
    expect((await desk.get('/api/npd/status')).json().disconnectedSince).toBeNull();
    expect((await sys.journalOf('npd.upstream.disconnected')).length).toBe(1);
    expect((await sys.journalOf('npd.upstream.reconnected')).length).toBe(1);
  });
});

const assign = (by: Client, dossierId: string, unitId: string, assigneeId?: string) => by.post(`/api/dossiers/${dossierId}/assign`, { unitId, ...(assigneeId ? { assigneeId } : {}) });
const mayLookUp = async (c: Client, dossierId: string) => (await c.get(`/api/dossiers/${dossierId}/lookups`)).json().mayLookUp as boolean;

/** An officer whose home unit is `home`, holding `role` at `at` (a grant outside their own unit). */
async function officerAt(username: string, home: typeof sys.province, role: 'reception_officer' | 'processing_officer', at: typeof sys.province, ip: string) {
  const o = await sys.officer({ username, unit: home, otp: true });
  await sys.inTx((ctx) => insertGrant(ctx, o.id, role, at.id));
  return { officer: o, client: watch(await sys.signedIn(o, ip)) };
}

async function expectSuspended(res: { statusCode: number; json: () => { error: { code: string; details?: unknown } } }, scope: string) {
  expect(res.statusCode).toBe(403);
  expect(res.json().error).toMatchObject({ code: 'npd_suspended', details: { scope } });
}

describe('Issue 13: the unit kill switch covers the dossiers of the unit, whoever calls', () => {
  it('R43: a unit suspension should stop a province officer who holds a role at the suspended commune’s desk', async () => {
    const { client: outsider } = await officerAt('n.province.desk', sys.province, 'reception_officer', commune(), '10.50.1.1');
    const c = citizens[22]!;
    const d = await dossierOf(c, commune(), outsider);
    expect((await lookUp(outsider, d.id, c.SoDinhDanh)).statusCode).toBe(200);
    const cut = (await security.post('/api/npd/suspensions', { scope: 'unit', unitId: commune().id, reason: 'Tạm dừng xã A: nghi lộ lọt' })).json();
    try {
      await expectSuspended(await lookUp(outsider, d.id, c.SoDinhDanh), 'unit');
      expect((await sys.journalOf('npd.lookup.refused')).filter((e) => e.targetId === d.id).map((e) => e.reason)).toEqual(['npd_suspended']);
    } finally {
      await security.post(`/api/npd/suspensions/${cut.id}/lift`, { reason: 'Xong' });
    }
    expect((await lookUp(outsider, d.id, c.SoDinhDanh)).statusCode).toBe(200);
  });

  it('R43: a unit suspension should stop lookups on a dossier processed inside the unit, by an assignee from outside it and by another system’s key', async () => {
    const { officer: processor, client: outsideProcessor } = await officerAt('n.province.processor', sys.province, 'processing_officer', commune(), '10.50.1.2');
    const c = citizens[23]!;
    // received at the other commune's desk, processed in the commune that is cut
    const d = await dossierOf(c, other(), otherDesk);
    expect((await assign(otherDesk, d.id, commune().id, processor.id)).statusCode).toBe(200);
    expect((await lookUp(outsideProcessor, d.id, c.SoDinhDanh)).statusCode).toBe(200);
    const integration = (await admin.post('/api/integrations', { name: 'Hệ thống hộ tịch (kiểm thử cắt đơn vị)', unitId: sys.province.id, procedures: ['1.001193'], fields: ['ho_ten'] })).json();
    const viaKey = () =>
      sys.app.inject({ method: 'POST', url: '/api/integration/v1/lookups', headers: { authorization: `Bearer ${integration.key}` }, payload: { dossierCode: d.code, personalId: c.SoDinhDanh, service: 'verify' } });
    const cut = (await security.post('/api/npd/suspensions', { scope: 'unit', unitId: commune().id, reason: 'Tạm dừng xã A' })).json();
    try {
      await expectSuspended(await lookUp(outsideProcessor, d.id, c.SoDinhDanh), 'unit');
      await expectSuspended(await viaKey(), 'unit');
    } finally {
      await security.post(`/api/npd/suspensions/${cut.id}/lift`, { reason: 'Xong' });
      await admin.post(`/api/integrations/${integration.id}/revoke`, { reason: 'Hết kiểm thử' });
    }
  });

  it('R43: a commune security officer should see the suspensions of their subtree and the system-wide ones, not another commune’s', async () => {
    const communeSecurity = watch(await sys.signedIn(await sys.officer({ username: 'n.security.commune', unit: commune(), roles: ['security_officer'] }), '10.50.1.3'));
    const cut = async (body: Record<string, unknown>) => {
      const id = (await security.post('/api/npd/suspensions', body)).json().id as string;
      expect((await security.post(`/api/npd/suspensions/${id}/lift`, { reason: 'Xong' })).statusCode).toBe(204);
      return id;
    };
    const system = await cut({ scope: 'system', reason: 'Kiểm tra toàn hệ thống' });
    const mine = await cut({ scope: 'unit', unitId: commune().id, reason: 'Kiểm tra xã A' });
    const myOfficer = await cut({ scope: 'account', accountId: officers[0]!.id, reason: 'Kiểm tra cán bộ xã A' });
    const theirs = await cut({ scope: 'unit', unitId: other().id, reason: 'Kiểm tra xã B' });
    const theirOfficer = await cut({ scope: 'account', accountId: officers[1]!.id, reason: 'Kiểm tra cán bộ xã B' });
    const res = await communeSecurity.get('/api/npd/suspensions');
    expect(res.statusCode).toBe(200);
    const seenByCommune = res.json().items.map((s: { id: string }) => s.id);
    expect(seenByCommune).toEqual(expect.arrayContaining([system, mine, myOfficer]));
    expect(seenByCommune).not.toContain(theirs);
    expect(seenByCommune).not.toContain(theirOfficer);
    expect(res.body).not.toContain('Kiểm tra xã B');
    // the province sees them all
    const seenByProvince = (await security.get('/api/npd/suspensions')).json().items.map((s: { id: string }) => s.id);
    expect(seenByProvince).toEqual(expect.arrayContaining([system, mine, myOfficer, theirs, theirOfficer]));
  });
});

describe('Issue 13: lookups follow the dossier’s stage, not the unit tree', () => {
  let processor: Officer;
  let processorClient: Client;
  let otherProcessor: Client;
  let leader: Officer;
  let leaderClient: Client;

  beforeAll(async () => {
    processor = await sys.officer({ username: 'n.processor', unit: commune(), roles: ['processing_officer'] });
    leader = await sys.officer({ username: 'n.leader', unit: commune(), roles: ['leader'] });
    processorClient = watch(await sys.signedIn(processor, '10.50.2.1'));
    otherProcessor = watch(await sys.signedIn(await sys.officer({ username: 'n.processor.2', unit: commune(), roles: ['processing_officer'] }), '10.50.2.2'));
    leaderClient = watch(await sys.signedIn(leader, '10.50.2.3'));
  });

  /** Refused with the stage in the answer, and journaled. */
  async function notPermitted(dossierId: string, res: { statusCode: number; json: () => { error: { code: string; details?: unknown } } }, stage: string) {
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'lookup_not_permitted', details: { stage } });
    expect((await sys.journalOf('npd.lookup.refused')).some((e) => e.targetId === dossierId && e.reason === 'lookup_not_permitted')).toBe(true);
  }

  it('R01/R13: a processing officer and a leader should not look up the applicant of a dossier still at the desk', async () => {
    const c = citizens[24]!;
    const d = await dossierOf(c);
    for (const who of [processorClient, leaderClient]) {
      await notPermitted(d.id, await lookUp(who, d.id, c.SoDinhDanh), 'receiving');
      expect(await mayLookUp(who, d.id)).toBe(false);
    }
    expect(await mayLookUp(desk, d.id)).toBe(true);
    expect((await lookUp(desk, d.id, c.SoDinhDanh)).statusCode).toBe(200);
    expect(await lookupRows(d.id)).toHaveLength(1);
  });

  it('R01/R13: once assigned, only the assigned officer should look up: not the desk, another processing officer or the leader', async () => {
    const c = citizens[25]!;
    const d = await dossierOf(c);
    expect((await assign(desk, d.id, commune().id, processor.id)).statusCode).toBe(200);
    for (const who of [desk, otherProcessor, leaderClient]) {
      await notPermitted(d.id, await lookUp(who, d.id, c.SoDinhDanh), 'processing');
      expect(await mayLookUp(who, d.id)).toBe(false);
    }
    expect(await mayLookUp(processorClient, d.id)).toBe(true);
    expect((await lookUp(processorClient, d.id, c.SoDinhDanh)).statusCode).toBe(200);
  });

  it('R01/R13: a dossier assigned to a unit without a named officer should be looked up by nobody until one is named', async () => {
    const c = citizens[26]!;
    const d = await dossierOf(c);
    expect((await assign(desk, d.id, commune().id)).statusCode).toBe(200);
    for (const who of [desk, processorClient, leaderClient]) await notPermitted(d.id, await lookUp(who, d.id, c.SoDinhDanh), 'processing');
  });

  it('R13: a leader should look up only as the officer the dossier is assigned to, never by the unit tree alone', async () => {
    const c = citizens[27]!;
    const d = await dossierOf(c);
    expect((await assign(desk, d.id, commune().id, leader.id)).statusCode).toBe(200);
    expect((await lookUp(leaderClient, d.id, c.SoDinhDanh)).statusCode).toBe(200);
    await notPermitted(d.id, await lookUp(processorClient, d.id, c.SoDinhDanh), 'processing');
  });

  it('R13: a procedure version may let the desk look up while processing; dossiers received under the earlier version keep its rule', async () => {
    const before = await dossierOf(citizens[28]!);
    await declare(['ho_ten', 'noi_thuong_tru'], { receiving: ['desk'], processing: ['assignee', 'desk'] });
    try {
      const after = await dossierOf(citizens[29]!);
      for (const d of [before, after]) expect((await assign(desk, d.id, commune().id, processor.id)).statusCode).toBe(200);
      expect((await lookUp(desk, after.id, citizens[29]!.SoDinhDanh)).statusCode).toBe(200);
      expect((await lookUp(processorClient, after.id, citizens[29]!.SoDinhDanh)).statusCode).toBe(200);
      await notPermitted(after.id, await lookUp(leaderClient, after.id, citizens[29]!.SoDinhDanh), 'processing');
      await notPermitted(before.id, await lookUp(desk, before.id, citizens[28]!.SoDinhDanh), 'processing');
    } finally {
      await declare(['ho_ten', 'noi_thuong_tru']);
    }
  });

  it('R13: a procedure version may let nobody look up while receiving', async () => {
    await declare(['ho_ten', 'noi_thuong_tru'], { receiving: [], processing: ['assignee'] });
    try {
      const d = await dossierOf(citizens[30]!);
      await notPermitted(d.id, await lookUp(desk, d.id, citizens[30]!.SoDinhDanh), 'receiving');
    } finally {
      await declare(['ho_ten', 'noi_thuong_tru']);
    }
  });
});

describe('R43: a slow or failing NPD gives a clear error within the timeout and loses nothing', () => {
  it.each([
    [{ mode: 'slow', delayMs: 4000 }, 504, 'npd_timeout'],
    [{ mode: 'failing' }, 503, 'npd_unavailable'],
    [{ mode: 'rate_limited' }, 503, 'npd_busy'],
    [{ mode: 'down' }, 503, 'npd_unavailable'],
  ] as const)('R43: %o should answer %i %s within the timeout, the lookup recorded as an error', async (mode, status, code) => {
    const c = citizens[15]!;
    const d = await dossierOf(c);
    await sim.setMode(mode);
    try {
      const started = Date.now();
      const res = await lookUp(desk, d.id, c.SoDinhDanh);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(res.statusCode).toBe(status);
      expect(res.json().error.code).toBe(code);
      expect(res.json().error.message).toMatch(/CSDLQG/);
      const [row] = await lookupRows(d.id);
      expect(row!.outcome).toMatch(/^error:/);
    } finally {
      await sim.setMode({ mode: 'normal' });
    }
    // the breaker may have opened; it lets a call through again once MOTCUA_NPD_BREAKER_SECONDS have passed on the clock
    sys.clock.advance(2100);
  });
});

describe('R43: the circuit breaker keeps time on the injected clock', () => {
  it('should not call a failing NPD again until the breaker’s time has passed on the clock, then lets one call through', async () => {
    const c = citizens[16]!;
    const d = await dossierOf(c);
    await sim.setMode({ mode: 'failing' });
    try {
      // enough failures to outweigh the successes of the tests before, within opossum's 10-second rolling count
      for (let i = 0; i < 30; i++) expect((await lookUp(desk, d.id, c.SoDinhDanh)).statusCode).toBe(503);
    } finally {
      await sim.setMode({ mode: 'normal' });
    }
    // the NPD is back, but the circuit is open: refused at once, without calling it
    expect((await lookUp(desk, d.id, c.SoDinhDanh)).json().error.code).toBe('npd_unavailable');
    sys.clock.advance(1000);
    expect((await lookUp(desk, d.id, c.SoDinhDanh)).json().error.code).toBe('npd_unavailable');
    sys.clock.advance(1100);
    expect((await lookUp(desk, d.id, c.SoDinhDanh)).statusCode).toBe(200);
    expect((await lookUp(desk, d.id, c.SoDinhDanh)).statusCode).toBe(200);
  });

  it('R43: a failed trial call should open the circuit again, and only one trial call at a time should reach the NPD', async () => {
    // far longer than this test takes: only moving the clock can let a call through, never waiting
    const RESET_MS = 60_000;
    const clock = new ManualClock();
    const client = new HttpNpdClient(sim.connection, { timeoutMs: 1500, breakerResetMs: RESET_MS, clock });
    const c = citizens[33]!;
    const person = { personalId: c.SoDinhDanh, fullName: c.HoVaTen, birthDate: isoBirthDate(c.NgayThangNamSinh) };
    const tag = `breaker-${crypto.randomUUID()}`;
    let calls = 0;
    const verify = () => client.verify({ MaYeuCau: `${tag}-${++calls}`, MaDVC: '1.001193', MaTichHop: 'motcua-test', MaDonVi: 'U01', MaCanBo: 'can.bo.breaker' }, person);
    /** The numbers of this test's calls that reached the NPD, from the NPD's own log. */
    const reached = async () =>
      (await client.requestLog(new Date(Date.now() - 3600_000), new Date(Date.now() + 60_000)))
        .map((e) => e.requestId)
        .filter((id) => id.startsWith(`${tag}-`))
        .map((id) => Number(id.slice(tag.length + 1)))
        .sort((a, b) => a - b);
    const refusedAtOnce = () => expect(verify()).rejects.toMatchObject({ kind: 'unavailable' });
    try {
      // five failures in a row on a new client (the volume threshold, all of them errors): the circuit opens
      await sim.setMode({ mode: 'failing' });
      for (let i = 0; i < 5; i++) await expect(verify()).rejects.toMatchObject({ kind: 'unavailable' });
      // the NPD answers again; the circuit stays open until the clock has moved RESET_MS
      await sim.setMode({ mode: 'normal' });
      await refusedAtOnce(); // 6
      clock.advance(RESET_MS - 1);
      await refusedAtOnce(); // 7
      expect(await reached()).toEqual([1, 2, 3, 4, 5]);
      // half-open: one trial call goes to the NPD and fails; the circuit opens again, for RESET_MS from then
      clock.advance(1);
      await sim.setMode({ mode: 'failing' });
      await expect(verify()).rejects.toMatchObject({ kind: 'unavailable' }); // 8
      await sim.setMode({ mode: 'normal' });
      await refusedAtOnce(); // 9
      clock.advance(RESET_MS - 1);
      await refusedAtOnce(); // 10
      // half-open again: the one trial call is answered; a call made meanwhile is refused, not sent
      clock.advance(1);
      await sim.setMode({ mode: 'slow', delayMs: 300 });
      const [trial, meanwhile] = await Promise.allSettled([verify(), verify()]); // 11, 12
      expect(trial).toMatchObject({ status: 'fulfilled', value: { outcome: 'matched' } });
      expect(meanwhile).toMatchObject({ status: 'rejected', reason: { kind: 'unavailable' } });
      // the trial was answered: the circuit is closed
      await sim.setMode({ mode: 'normal' });
      expect(await verify()).toMatchObject({ outcome: 'matched' }); // 13
      expect(await reached()).toEqual([1, 2, 3, 4, 5, 8, 11, 13]);
    } finally {
      await sim.setMode({ mode: 'normal' });
      await client.close();
    }
  });
});

describe('item 5: limits', () => {
  it('should refuse an account past its lookups per minute with a clear message, and count per account', async () => {
    // another deployment, with its own NPD account (its calls are not this system's to reconcile)
    const [limited, itsSim] = await Promise.all([startTestSystem({ MOTCUA_NPD_ACCOUNT_PER_MINUTE: '2' }), startNpdSim({ population: 2000 })]);
    try {
      const offered = await offerBirthRegistration(limited);
      const a = await limited.signedIn(await limited.officer({ username: 'l.desk', unit: limited.communes[0]!, roles: ['reception_officer', 'system_admin'] }), '10.51.0.1');
      expect((await a.put('/api/npd/connection', itsSim.connection)).statusCode).toBe(200);
      const [c] = await itsSim.sample(1, '&minAge=20');
      if (!c) throw new Error('no citizen');
      const d = (await a.post('/api/dossiers', intake(offered, limited.communes[0]!.id, { applicant: applicantOf(c) }))).json();
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await lookUp(a, d.id, c.SoDinhDanh)).statusCode);
      expect(codes).toEqual([200, 200, 429]);
      expect((await limited.journalOf('npd.lookup.refused')).map((e) => e.reason)).toEqual(['lookup_rate_limited']);
    } finally {
      await limited.close();
      await itsSim.stop();
    }
  });
});

describe('R35: integration clients and reconciliation', () => {
  let key: string;
  let clientId: string;

  it('should not issue a key for a procedure the national catalogue does not have, and should record nothing', async () => {
    const before = (await sys.journalOf('integration.create')).length;
    const res = await admin.post('/api/integrations', { name: 'Hệ thống gõ nhầm mã', unitId: sys.province.id, procedures: ['1.001193', '9.999999'], fields: ['ho_ten'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_input', details: [{ path: 'procedures', message: expect.stringContaining('9.999999') }] });
    expect(res.json().error.details[0].message).not.toContain('1.001193');
    expect(await sys.journalOf('integration.create')).toHaveLength(before);
    expect((await admin.get('/api/integrations')).json().items.map((i: { name: string }) => i.name)).not.toContain('Hệ thống gõ nhầm mã');
  });

  it('should give another system its own key, limited to named procedures and fields', async () => {
    const res = await admin.post('/api/integrations', { name: 'Hệ thống hộ tịch tỉnh', unitId: sys.province.id, procedures: ['1.001193'], fields: ['ho_ten'] });
    expect(res.statusCode).toBe(200);
    ({ key, id: clientId } = res.json());
    expect(key).toMatch(/^mck_/);
    expect(JSON.stringify((await admin.get('/api/integrations')).json())).not.toContain(key.split('.')[1]);
    const c = citizens[17]!;
    const d = await dossierOf(c);
    const call = (k: string) =>
      sys.app.inject({ method: 'POST', url: '/api/integration/v1/lookups', headers: { authorization: `Bearer ${k}` }, payload: { dossierCode: d.code, personalId: c.SoDinhDanh, service: 'verify' } });
    const ok = await call(key);
    expect(ok.statusCode).toBe(200);
    // the procedure declares ho_ten and noi_thuong_tru; the key allows ho_ten only
    expect(Object.keys(ok.json().fields)).toEqual(['ho_ten']);
    const [row] = await lookupRows(d.id);
    expect(row).toMatchObject({ clientId, accountId: null, outcome: 'matched' });
    expect((await call(`${key.slice(0, -2)}xx`)).statusCode).toBe(401);
    expect((await admin.post(`/api/integrations/${clientId}/revoke`, { reason: 'Hết hợp đồng kết nối' })).statusCode).toBe(204);
    expect((await call(key)).statusCode).toBe(401);
  });

  it('should report a request the NPD received that the gateway never recorded (a bypass), and match the rest', async () => {
    // the NPD's log runs on real time: bring the system's clock to now, with officers whose passwords are fresh then
    // (the journal is checkpointed first, or lookups would rightly fail closed after months unpublished)
    await integrate(sys.database, journalSigner('motcua/19/journal', crypto.generateKeyPairSync('ed25519').privateKey), sys.clock);
    await sys.at(new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 19), [], '10.52.0');
    const [lateDesk, lateSecurity] = [
      await sys.signedIn(await sys.officer({ username: 'n.desk.late', unit: commune(), roles: ['reception_officer'] }), '10.52.0.1'),
      await sys.signedIn(await sys.officer({ username: 'n.security.late', unit: sys.province, roles: ['security_officer'] }), '10.52.0.2'),
    ].map(watch) as [Client, Client];
    // the system's clock runs a little ahead (each sign-in step moves it 30 s): the period covers both clocks
    const from = new Date(Math.min(Date.now(), sys.clock.now().getTime()) - 1000);
    const c = citizens[18]!;
    const d = await dossierOf(c, commune(), lateDesk);
    expect((await lookUp(lateDesk, d.id, c.SoDinhDanh)).statusCode).toBe(200);
    // someone calls the NPD with the system's certificate and credential, outside the gateway
    const agent = new Agent({ connect: { cert: sim.connection.certificate, key: sim.connection.privateKey, ca: sim.connection.caCertificate } });
    const bypass = await request(`${sim.connection.endpoint}/api/v1/cong-dan/tra-cuu`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${sim.connection.account}:${sim.connection.password}`).toString('base64')}` },
      body: JSON.stringify({ MaYeuCau: 'tu-y-tra-cuu-1', MaDVC: '1.001193', MaTichHop: 'script', MaDonVi: 'X', MaCanBo: 'ai-do', SoDinhDanh: c.SoDinhDanh, HoVaTen: c.HoVaTen, NgayThangNamSinh: c.NgayThangNamSinh }),
    });
    expect(bypass.statusCode).toBe(200);
    await bypass.body.text();
    await agent.close();
    const to = new Date(Math.max(Date.now(), sys.clock.now().getTime()) + 1000);
    const report = await lateSecurity.get(`/api/npd/reconciliation?from=${from.toISOString()}&to=${to.toISOString()}`);
    expect(report.statusCode).toBe(200);
    const body = report.json();
    expect(body.unrecorded.map((u: { requestId: string }) => u.requestId)).toEqual(['tu-y-tra-cuu-1']);
    // the period holds this test's one lookup (the clock jumped months past the file's others), found at the NPD
    expect(body).toMatchObject({ records: 1, matched: 1, unanswered: [] });
    expect((await sys.journalOf('npd.reconcile'))[0]).toMatchObject({ outcome: 'failure' });
  });

  it('should not show a commune’s security officer the whole province’s NPD request log', async () => {
    const communeSecurity = await sys.signedIn(await sys.officer({ username: 'n.security.reconcile', unit: commune(), roles: ['security_officer'] }), '10.52.0.3');
    const res = await communeSecurity.get(`/api/npd/reconciliation?from=${new Date(Date.now() - 3600_000).toISOString()}&to=${new Date().toISOString()}`);
    expect(res.statusCode).toBe(403);
    expect((await sys.journalOf('npd.reconcile')).at(-1)).toMatchObject({ outcome: 'refused', reason: 'not_province_auditor' });
  });
});

describe('R34: the credential never comes back', () => {
  it('should not appear in any response, journal entry or lookup record this file produced', async () => {
    const everything = [
      ...seen,
      JSON.stringify(await sys.database.db.select().from(journal)),
      JSON.stringify(await sys.database.db.select().from(npdLookups)),
      JSON.stringify((await security.get('/api/journal/export')).json()),
    ].join('\n');
    expect(everything.length).toBeGreaterThan(10_000);
    for (const secret of [sim.connection.password, sim.connection.privateKey.split('\n')[1]!]) expect(everything).not.toContain(secret);
  });
});
