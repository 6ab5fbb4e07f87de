import { count } from 'drizzle-orm';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import type { LightMyRequestResponse } from 'fastify';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSetupToken } from '../src/modules/auth/auth.service.ts';
import { totpCode, totpStep } from '../src/modules/auth/totp.ts';
import { importCatalogue } from '../src/modules/procedures/catalogue.service.ts';
import { journal } from '../src/modules/journal/journal.tables.ts';
import { storeAlerts } from '../src/modules/monitoring/alerts.service.ts';
import { startTestSystem, type TestSystem } from './harness.ts';
import en from '../web/src/locales/en.json' with { type: 'json' };
import vi from '../web/src/locales/vi.json' with { type: 'json' };
import { isoBirthDate, startNpdSim, type NpdSimProcess } from './npd-sim.ts';

/**
 * Invariant 1, no change without a record: every route that can change data is driven once, successfully,
 * and must append at least one journal entry in that request. A new mutating route fails this test until it
 * has a driver here (or a reason to be exempt).
 */
const EXEMPT: Record<string, string> = {
  'POST /api/auth/keepalive': 'only restarts the idle clock of the caller’s own session, as every request does',
  'POST /api/setup/status': 'reads; POST only so that the setup token stays out of URLs and logs',
  'POST /api/notifications/read': 'marks the caller’s own notifications as seen: a screen state, not a change of record',
};

let sys: TestSystem;
let sim: NpdSimProcess;
beforeAll(async () => {
  [sys, sim] = await Promise.all([startTestSystem(), startNpdSim({ population: 1000 })]);
});
afterAll(async () => {
  await sys.close();
  await sim.stop();
});

async function entries(): Promise<number> {
  const [row] = await sys.database.db.select({ n: count() }).from(journal);
  return row!.n;
}

describe('Invariant 1: no change without a record', () => {
  it('every mutating API route writes at least one journal entry', async () => {
    const spec = (await sys.client().get('/api/docs/json')).json() as { paths: Record<string, Record<string, unknown>> };
    const mutating = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );

    const commune = sys.communes[0]!;
    const admin = await sys.officer({ username: 'cov.admin', unit: commune, roles: ['unit_admin'] });
    const adminClient = await sys.signedIn(admin);
    const fresh = await sys.officer({ username: 'cov.fresh', unit: commune, roles: ['reception_officer'], otp: false, mustChangePassword: true });
    const freshClient = sys.client('10.3.3.3');
    let enrollKey: Uint8Array | null = null;
    let accountId = '';
    let grantId = '';
    let passwordResetId = '';
    let otpResetId = '';
    let unitId = '';
    let procedureId = '';
    let dossierId = '';
    const desk = await sys.signedIn(await sys.officer({ username: 'cov.desk', unit: commune, roles: ['reception_officer'] }), '10.3.3.7');
    await sys.inTx(importCatalogue);
    const provinceAdmin = await sys.signedIn(await sys.officer({ username: 'cov.province', unit: sys.province, roles: ['unit_admin'] }), '10.3.3.6');
    const version = {
      processingDays: 1,
      documents: [{ name: 'Giấy chứng sinh', required: true, copies: 1 }],
      purpose: 'Đăng ký khai sinh: nhân thân và nơi cư trú của cha, mẹ.',
      npdFields: ['ho_ten', 'noi_thuong_tru'],
      retentionYears: null,
    };
    const drivers: Record<string, () => Promise<LightMyRequestResponse>> = {
      'POST /api/auth/sign-in': () => freshClient.post('/api/auth/sign-in', { username: fresh.username, password: fresh.password }),
      'POST /api/auth/password': async () => {
        await freshClient.refresh();
        return freshClient.post('/api/auth/password', { currentPassword: fresh.password, newPassword: 'Mới-hoàn-toàn-2026' });
      },
      'POST /api/auth/otp/enrollment': async () => {
        await freshClient.refresh();
        const res = await freshClient.post('/api/auth/otp/enrollment');
        enrollKey = decodeBase32IgnorePadding(res.json().secret);
        return res;
      },
      'POST /api/auth/otp/enrollment/confirm': () => freshClient.post('/api/auth/otp/enrollment/confirm', { code: totpCode(enrollKey!, totpStep(sys.clock.now())) }),
      'POST /api/auth/otp': async () => {
        const c = sys.client('10.3.3.4');
        await c.post('/api/auth/sign-in', { username: fresh.username, password: 'Mới-hoàn-toàn-2026' });
        await c.refresh();
        return c.post('/api/auth/otp', { code: sys.nextCode(enrollKey!) });
      },
      'POST /api/auth/sign-out': async () => {
        await freshClient.refresh();
        return freshClient.post('/api/auth/sign-out');
      },
      'POST /api/setup': async () => {
        const token = await sys.inTx((ctx) => createSetupToken(ctx));
        return sys.client().post('/api/setup', { token, username: 'cov.setup', fullName: 'Quản trị Đầu tiên', personalId: '019085654321', position: '', email: '', phone: '', password: 'Thái-Nguyên-2026!' });
      },
      'DELETE /api/sessions/:id': async () => {
        const other = await sys.signedIn(admin, '10.3.3.5');
        const id = (await other.get('/api/sessions')).json().items.find((s: { current: boolean }) => s.current).id;
        return adminClient.delete(`/api/sessions/${id}`);
      },
      'POST /api/units': async () => {
        const res = await adminClient.post('/api/units', { parentId: commune.id, code: 'COV-DESK', name: 'Quầy kiểm thử', kind: 'desk' });
        unitId = res.json().id;
        return res;
      },
      'PATCH /api/units/:id': () => adminClient.patch(`/api/units/${unitId}`, { name: 'Quầy kiểm thử mới' }),
      'POST /api/accounts': async () => {
        const res = await adminClient.post('/api/accounts', { username: 'cov.issued', fullName: 'Lý Thị Phủ', personalId: '019185777777', position: '', email: '', phone: '', unitId: commune.id });
        accountId = res.json().account.id;
        return res;
      },
      'PATCH /api/accounts/:id': () => adminClient.patch(`/api/accounts/${accountId}`, { position: 'Văn thư' }),
      'POST /api/accounts/:id/roles': async () => {
        const res = await adminClient.post(`/api/accounts/${accountId}/roles`, { role: 'leader', unitId: commune.id });
        grantId = res.json().roles[0].id;
        return res;
      },
      'DELETE /api/accounts/:id/roles/:grantId': () => adminClient.delete(`/api/accounts/${accountId}/roles/${grantId}`),
      'POST /api/accounts/:id/reset-password': async () => {
        const res = await adminClient.post(`/api/accounts/${accountId}/reset-password`, { reason: 'Quên mật khẩu' });
        passwordResetId = res.json().request.id;
        return res;
      },
      'POST /api/accounts/:id/reset-otp': async () => {
        const res = await adminClient.post(`/api/accounts/${accountId}/reset-otp`, { reason: 'Mất điện thoại' });
        otpResetId = res.json().request.id;
        return res;
      },
      // the second approver: another admin than the one who asked
      'POST /api/accounts/reset-requests/:id/approve': () => provinceAdmin.post(`/api/accounts/reset-requests/${passwordResetId}/approve`),
      'POST /api/accounts/reset-requests/:id/refuse': () => provinceAdmin.post(`/api/accounts/reset-requests/${otpResetId}/refuse`, { reason: 'Chưa xác minh' }),
      'POST /api/accounts/:id/lock': () => adminClient.post(`/api/accounts/${accountId}/lock`, { reason: 'Tạm khóa' }),
      'POST /api/accounts/:id/unlock': () => adminClient.post(`/api/accounts/${accountId}/unlock`, { reason: 'Mở lại' }),
      'POST /api/accounts/:id/transfer': () => adminClient.post(`/api/accounts/${accountId}/transfer`, { unitId: unitId, reason: 'Sang quầy' }),
      'POST /api/accounts/:id/leave': () => adminClient.post(`/api/accounts/${accountId}/leave`, { reason: 'Nghỉ hưu' }),
      'POST /api/accounts/require-password-change': () => adminClient.post('/api/accounts/require-password-change', { reason: 'Nâng cấp đăng nhập' }),
      'POST /api/procedures/offered': async () => {
        const res = await provinceAdmin.post('/api/procedures/offered', { code: '1.001193', level: 'commune', version });
        procedureId = res.json().id;
        return res;
      },
      'POST /api/procedures/offered/:id/versions': () =>
        provinceAdmin.post(`/api/procedures/offered/${procedureId}/versions`, { basedOn: 1, ...version, processingDays: 2, note: 'Thêm ngày xác minh' }),
      'POST /api/dossiers': async () => {
        const res = await desk.post('/api/dossiers', {
          offeredProcedureId: procedureId,
          unitId: commune.id,
          channel: 'in_person',
          applicant: { personalId: '019190001111', fullName: 'Trần Văn Nộp', birthDate: '1990-05-01', phone: '0912345678', email: '', address: 'Thái Nguyên' },
        });
        dossierId = res.json().id;
        return res;
      },
      'POST /api/dossiers/:id/documents': async () => {
        const pdf = await PDFDocument.create();
        pdf.addPage([200, 200]);
        const res = await desk.post(`/api/dossiers/${dossierId}/documents?name=${encodeURIComponent('Giấy chứng sinh.pdf')}&kind=digitized`, Buffer.from(await pdf.save()), { 'content-type': 'application/pdf' });
        documentId = res.json().id;
        return res;
      },
      'POST /api/documents/:id/view': () => desk.post(`/api/documents/${documentId}/view`, { reason: 'Đối chiếu giấy chứng sinh' }),
      'POST /api/documents/:id/download': () => desk.post(`/api/documents/${documentId}/download`, { reason: 'Đối chiếu giấy chứng sinh' }),
      'POST /api/dossiers/:id/:action': () => desk.post(`/api/dossiers/${dossierId}/assign`, { unitId: commune.id }),
      'POST /api/dossiers/:id/results': async () => {
        const pdf = await PDFDocument.create();
        pdf.addPage([200, 200]);
        const res = await leader.post(`/api/dossiers/${dossierId}/results?name=${encodeURIComponent('Giấy khai sinh.pdf')}`, Buffer.from(await pdf.save()), { 'content-type': 'application/pdf' });
        resultId = res.json().id;
        resultCode = res.json().code;
        return res;
      },
      'POST /api/results/:code/view': () => leader.post(`/api/results/${resultCode}/view`, { reason: 'Kiểm tra kết quả' }),
      'POST /api/results/:code/download': () => leader.post(`/api/results/${resultCode}/download`, { reason: 'Kiểm tra kết quả' }),
      'POST /api/results/:code/original': () => leader.post(`/api/results/${resultCode}/original`, { reason: 'Trả kết quả cho công dân' }),
      'POST /api/dossiers/:id/reused-results': () => desk.post(`/api/dossiers/${laterDossierId}/reused-results`, { resultId, component: 'Giấy khai sinh' }),
      'PUT /api/npd/connection': () => systemAdmin.put('/api/npd/connection', sim.connection),
      'POST /api/dossiers/:id/lookups': () => desk.post(`/api/dossiers/${lookupDossier.id}/lookups`, { personalId: citizen.SoDinhDanh, service: 'verify' }),
      'POST /api/integrations': async () => {
        const res = await systemAdmin.post('/api/integrations', { name: 'Hệ thống kiểm thử', unitId: sys.province.id, procedures: ['1.001193'], fields: ['ho_ten'] });
        integration = res.json();
        return res;
      },
      'POST /api/integration/v1/lookups': () =>
        sys.app.inject({
          method: 'POST',
          url: '/api/integration/v1/lookups',
          headers: { authorization: `Bearer ${integration.key}` },
          payload: { dossierCode: lookupDossier.code, personalId: citizen.SoDinhDanh, service: 'verify' },
        }),
      'POST /api/integrations/:id/revoke': () => systemAdmin.post(`/api/integrations/${integration.id}/revoke`, { reason: 'Hết hợp đồng' }),
      'POST /api/npd/suspensions': async () => {
        const res = await security.post('/api/npd/suspensions', { scope: 'system', reason: 'Kiểm thử công tắc' });
        suspensionId = res.json().id;
        return res;
      },
      'POST /api/npd/suspensions/:id/lift': () => security.post(`/api/npd/suspensions/${suspensionId}/lift`, { reason: 'Xong kiểm thử' }),
      'POST /api/monitoring/cases/:id/triage': () => security.post(`/api/monitoring/cases/${caseId}/triage`, { status: 'confirmed', note: 'Đã xác minh' }),
      'PUT /api/monitoring/rules/:rule': () => security.put('/api/monitoring/rules/concurrent_session', { enabled: true, severity: 'high', params: {} }),
      'POST /api/incidents': async () => {
        const res = await security.post('/api/incidents', { caseId, title: 'Tài khoản dùng chung', description: 'Hai phiên đồng thời từ hai máy khác nhau.' });
        incidentId = res.json().id;
        return res;
      },
      'POST /api/incidents/:id/notified': () => security.post(`/api/incidents/${incidentId}/notified`, { reason: 'Đã gửi thông báo' }),
      'POST /api/incidents/:id/close': () => security.post(`/api/incidents/${incidentId}/close`, { reason: 'Đã xử lý xong' }),
      'POST /api/procedures/offered/bulk': () => provinceAdmin.post('/api/procedures/offered/bulk', { level: 'commune', codes: ['1.000080', '1.000094'] }),
      // one without dossiers: a procedure open dossiers were received under is not withdrawn
      'POST /api/procedures/offered/:id/withdraw': async () => {
        const [bulkOffered] = (await provinceAdmin.get('/api/procedures/offered?level=commune&q=1.000080')).json().items;
        return provinceAdmin.post(`/api/procedures/offered/${bulkOffered.id}/withdraw`, { reason: 'Ngừng thử' });
      },
      'POST /api/calendar/days': () => provinceAdmin.post('/api/calendar/days', { date: '2026-11-24', kind: 'holiday', name: 'Ngày Văn hóa Việt Nam' }),
      'DELETE /api/calendar/days/:date': () => provinceAdmin.delete('/api/calendar/days/2026-11-24'),
      'PUT /api/calendar/years/:year': () =>
        provinceAdmin.put('/api/calendar/years/2029', { decision: 'Thông báo 1/TB-BNV', days: [{ date: '2029-01-01', kind: 'holiday', name: 'Tết Dương lịch' }] }),
      'POST /api/units/:id/result-keys/rotate': () => adminClient.post(`/api/units/${commune.id}/result-keys/rotate`),
      'POST /api/units/:id/result-keys/:keyId/revoke': async () => {
        const [current] = (await adminClient.get(`/api/units/${commune.id}/result-keys`)).json().keys;
        return adminClient.post(`/api/units/${commune.id}/result-keys/${current.id}/revoke`, { reason: 'Kiểm thử thu hồi khóa ký' });
      },
    };

    // what a driver needs beforehand, done before the entries are counted
    const leader = await sys.signedIn(await sys.officer({ username: 'cov.leader', unit: commune, roles: ['leader'] }), '10.3.3.8');
    let resultId = '';
    let resultCode = '';
    let documentId = '';
    let laterDossierId = '';
    // (signed in only after POST /api/setup, which works only while no system administrator exists)
    let systemAdmin = sys.client();
    const security = await sys.signedIn(await sys.officer({ username: 'cov.security', unit: sys.province, roles: ['security_officer'] }), '10.3.3.10');
    const citizen = (await sim.sample(1, '&minAge=20'))[0]!;
    let lookupDossier = { id: '', code: '' };
    let integration = { id: '', key: '' };
    let suspensionId = '';
    let caseId = '';
    let incidentId = '';
    const prepare: Record<string, () => Promise<void>> = {
      'POST /api/dossiers/:id/results': async () => {
        expect((await leader.post(`/api/dossiers/${dossierId}/approve`, {})).statusCode).toBe(200);
      },
      'POST /api/dossiers/:id/reused-results': async () => {
        const res = await desk.post('/api/dossiers', {
          offeredProcedureId: procedureId,
          unitId: commune.id,
          channel: 'in_person',
          applicant: { personalId: '019190001111', fullName: 'Trần Văn Nộp', birthDate: '1990-05-01', phone: '0912345678', email: '', address: 'Thái Nguyên' },
        });
        laterDossierId = res.json().id;
      },
      'POST /api/monitoring/cases/:id/triage': async () => {
        await sys.inTx((ctx) =>
          storeAlerts(ctx, [
            { rule: 'concurrent_session', severity: 'medium', accountId: fresh.id, clientId: null, unitId: commune.id, at: sys.clock.now(), explanationVi: 'Hai phiên', explanationEn: 'Two sessions', details: {}, citizens: [], seqs: [], dedupeKey: 'coverage' },
          ]),
        );
        caseId = (await security.get('/api/monitoring/cases')).json().items[0].id;
      },
      'PUT /api/npd/connection': async () => {
        systemAdmin = await sys.signedIn(await sys.officer({ username: 'cov.system', unit: sys.province, roles: ['system_admin'] }), '10.3.3.9');
      },
      'POST /api/dossiers/:id/lookups': async () => {
        const res = await desk.post('/api/dossiers', {
          offeredProcedureId: procedureId,
          unitId: commune.id,
          channel: 'in_person',
          applicant: { personalId: citizen.SoDinhDanh, fullName: citizen.HoVaTen, birthDate: isoBirthDate(citizen.NgayThangNamSinh), phone: '', email: '', address: 'Thái Nguyên' },
        });
        lookupDossier = res.json();
      },
    };

    const undriven = mutating.filter((route) => !(route in drivers) && !(route in EXEMPT));
    expect(undriven, 'mutating routes without a journal check').toEqual([]);
    for (const [route, drive] of Object.entries(drivers)) {
      expect(mutating, `${route} is not in the API`).toContain(route);
      await prepare[route]?.();
      const before = await entries();
      const res = await drive();
      expect([200, 204], `${route}: ${res.body}`).toContain(res.statusCode);
      expect(await entries(), `${route} wrote no journal entry`).toBeGreaterThan(before);
    }
  });

  it('every kind of entry these routes wrote has a Vietnamese and an English name on the journal page (and in its filter)', async () => {
    const written = (await sys.database.db.selectDistinct({ type: journal.type }).from(journal)).map((r) => r.type);
    expect(written.length).toBeGreaterThan(40);
    expect(written.filter((type) => !(`journal.type.${type}` in vi) || !(`journal.type.${type}` in en))).toEqual([]);
  });
});
