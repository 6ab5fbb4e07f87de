import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampledCitizen } from './sample.ts';
import { ensureMaterials } from './pki.ts';
import { startNpdSim, type FaultMode, type NpdSim } from './sim.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'npd-sim-test-'));
const dir = path.join(root, 'sim');
const POPULATION = 3_000;
const TRA_CUU = '/api/v1/cong-dan/tra-cuu';
const TIM = '/api/v1/cong-dan/tim-so-dinh-danh';

let sim: NpdSim;
let agent: Agent;
let authorization: string;
let token: string;
let citizen: SampledCitizen;

interface Bundle {
  cert: string;
  key: string;
  ca: string;
  credential: { account: string; password: string };
}

function readBundle(simDir: string): Bundle {
  const read = (file: string) => fs.readFileSync(path.join(simDir, 'client', file), 'utf8');
  return { cert: read('client.pem'), key: read('client-key.pem'), ca: read('ca.pem'), credential: JSON.parse(read('credential.json')) as Bundle['credential'] };
}

const basic = (account: string, password: string) => `Basic ${Buffer.from(`${account}:${password}`).toString('base64')}`;
const caller = (id: string) => ({ MaYeuCau: id, MaDVC: '1.001193', MaTichHop: 'motcua-test', MaDonVi: 'U01', MaCanBo: 'can.bo.a' });

async function call(pathname: string, body: unknown, options: { dispatcher?: Agent; auth?: string | null; raw?: string } = {}) {
  const auth = options.auth === undefined ? authorization : options.auth;
  const response = await request(`https://localhost:${sim.port}${pathname}`, {
    dispatcher: options.dispatcher ?? agent,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth === null ? {} : { authorization: auth }) },
    body: options.raw ?? JSON.stringify(body),
  });
  return { status: response.statusCode, headers: response.headers, body: (await response.body.json()) as Record<string, unknown> };
}

async function control(method: string, pathname: string, body?: unknown, auth: string | null = `Bearer ${token}`) {
  const response = await fetch(`http://127.0.0.1:${sim.controlPort}${pathname}`, {
    method,
    headers: auth === null ? {} : { authorization: auth },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

async function sample(query: string): Promise<SampledCitizen[]> {
  const response = await control('GET', `/sample?${query}`);
  expect(response.status).toBe(200);
  return (response.body as { Items: SampledCitizen[] }).Items;
}

async function logBetween(from: Date | string, to: Date) {
  const tu = typeof from === 'string' ? from : from.toISOString();
  const response = await request(`https://localhost:${sim.port}/api/v1/nhat-ky?tu=${tu}&den=${to.toISOString()}`, {
    dispatcher: agent,
    headers: { authorization },
  });
  expect(response.statusCode).toBe(200);
  return ((await response.body.json()) as { Items: Record<string, unknown>[] }).Items;
}

const setMode = (mode: FaultMode) => control('PUT', '/mode', mode);
const lookUp = (id: string) => call(TRA_CUU, { ...caller(id), SoDinhDanh: citizen.SoDinhDanh, HoVaTen: citizen.HoVaTen, NgayThangNamSinh: citizen.NgayThangNamSinh });

beforeAll(async () => {
  sim = await startNpdSim({ dir, port: 0, controlPort: 0, population: POPULATION });
  const bundle = readBundle(dir);
  agent = new Agent({ connect: { cert: bundle.cert, key: bundle.key, ca: bundle.ca } });
  authorization = basic(bundle.credential.account, bundle.credential.password);
  token = fs.readFileSync(path.join(dir, 'control-token'), 'utf8');
  [citizen] = (await sample('count=1&withParents=true&minAge=20')) as [SampledCitizen];
});

afterAll(async () => {
  await agent.close();
  await sim.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('key material', () => {
  it('should create the CA, server and client bundle with owner-only permissions', () => {
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    for (const file of ['ca-key.pem', 'server-key.pem', 'control-token', 'client/client-key.pem', 'client/credential.json']) {
      expect(fs.statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
    }
    const bundle = readBundle(dir);
    expect(bundle.ca).toBe(fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8'));
    expect(bundle.key).toContain('-----BEGIN PRIVATE KEY-----');
    expect(bundle.credential.account).toMatch(/^motcua-[0-9a-f]{6}$/);
    expect(bundle.credential.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

describe('NPD API: who may call', () => {
  it('should refuse a TLS client without a certificate, and not log the attempt', async () => {
    const before = (await logBetween(new Date(0), new Date(Date.now() + 60_000))).length;
    const anonymous = new Agent({ connect: { ca: readBundle(dir).ca } });
    await expect(lookUpWith(anonymous)).rejects.toThrow();
    await anonymous.close();
    expect(await logBetween(new Date(0), new Date(Date.now() + 60_000))).toHaveLength(before);
  });

  it('should refuse a client certificate from another CA', async () => {
    const otherDir = path.join(root, 'other-ca');
    await ensureMaterials(otherDir);
    const other = readBundle(otherDir);
    const stranger = new Agent({ connect: { cert: other.cert, key: other.key, ca: readBundle(dir).ca } });
    await expect(lookUpWith(stranger)).rejects.toThrow();
    await stranger.close();
  });

  it('should refuse a wrong or missing credential with 401', async () => {
    const { credential } = readBundle(dir);
    for (const auth of [null, basic(credential.account, 'wrong-password'), basic('motcua-000000', credential.password), 'Bearer x']) {
      const response = await call(TRA_CUU, { ...caller('cred'), SoDinhDanh: citizen.SoDinhDanh, HoVaTen: citizen.HoVaTen, NgayThangNamSinh: citizen.NgayThangNamSinh }, { auth });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ MaLoi: 'SAI_THONG_TIN_XAC_THUC', MoTa: expect.any(String) });
    }
  });
});

function lookUpWith(dispatcher: Agent) {
  return call(TRA_CUU, { ...caller('tls'), SoDinhDanh: citizen.SoDinhDanh, HoVaTen: citizen.HoVaTen, NgayThangNamSinh: citizen.NgayThangNamSinh }, { dispatcher });
}

describe('NPD API: tra-cuu', () => {
  it('should answer KHOP with the full record, all 30 keys', async () => {
    const response = await lookUp('khop');
    expect(response.status).toBe(200);
    expect(response.body.MaYeuCau).toBe('khop');
    expect(response.body.KetQua).toBe('KHOP');
    const record = response.body.CongDan as Record<string, unknown>;
    expect(Object.keys(record)).toHaveLength(30);
    expect(record).toMatchObject({ SoDinhDanh: citizen.SoDinhDanh, HoVaTen: citizen.HoVaTen, Cha: { SoDinhDanh: citizen.SoDinhDanhCha }, Me: { SoDinhDanh: citizen.SoDinhDanhMe } });
  });

  it('should answer KHONG_KHOP on a wrong name or date of birth, without the record', async () => {
    const base = { ...caller('kk'), SoDinhDanh: citizen.SoDinhDanh, HoVaTen: citizen.HoVaTen, NgayThangNamSinh: citizen.NgayThangNamSinh };
    for (const wrong of [{ HoVaTen: `${citizen.HoVaTen}h` }, { HoVaTen: citizen.HoVaTen.toLowerCase() }, { NgayThangNamSinh: '01/01/1901' }]) {
      const response = await call(TRA_CUU, { ...base, ...wrong });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ MaYeuCau: 'kk', KetQua: 'KHONG_KHOP' });
    }
  });

  it('should answer KHONG_TIM_THAY on an unknown personal ID', async () => {
    const response = await call(TRA_CUU, { ...caller('ktt'), SoDinhDanh: '099999999999', HoVaTen: citizen.HoVaTen, NgayThangNamSinh: citizen.NgayThangNamSinh });
    expect(response.body).toEqual({ MaYeuCau: 'ktt', KetQua: 'KHONG_TIM_THAY' });
  });

  it('should answer 400 with a MaLoi on bad JSON, missing fields or malformed values', async () => {
    const valid = { ...caller('bad'), SoDinhDanh: citizen.SoDinhDanh, HoVaTen: citizen.HoVaTen, NgayThangNamSinh: citizen.NgayThangNamSinh };
    const { MaYeuCau: _missing, ...withoutRequestId } = valid;
    const bad = [{ raw: '{"MaYeuCau": ' }, { body: withoutRequestId }, { body: { ...valid, SoDinhDanh: '12345' } }, { body: { ...valid, NgayThangNamSinh: '1990-01-01' } }, { body: { ...valid, NgayThangNamSinh: '31/02/1990' } }, { body: [valid] }];
    for (const { raw, body } of bad) {
      const response = await call(TRA_CUU, body, raw === undefined ? {} : { raw });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ MaLoi: 'DU_LIEU_KHONG_HOP_LE', MoTa: expect.stringContaining('Dữ liệu yêu cầu không hợp lệ') });
    }
  });

  it('should answer 413 to a body over 64 KB', async () => {
    const response = await call(TRA_CUU, { ...caller('big'), padding: 'x'.repeat(70_000) });
    expect(response.status).toBe(413);
    expect(response.body.MaLoi).toBe('YEU_CAU_QUA_LON');
  });
});

describe('NPD API: tim-so-dinh-danh', () => {
  it('should find the personal ID of a sampled person from name and date of birth', async () => {
    const response = await call(TIM, { ...caller('tim'), HoVaTen: citizen.HoVaTen, NgayThangNamSinh: citizen.NgayThangNamSinh });
    expect(response.body).toEqual({ MaYeuCau: 'tim', KetQua: 'TIM_THAY', SoDinhDanh: citizen.SoDinhDanh });
  });

  it('should answer KHONG_TIM_THAY when nobody matches, or the parents named are not theirs', async () => {
    const unknown = await call(TIM, { ...caller('tim2'), HoVaTen: 'Không Có Ai', NgayThangNamSinh: citizen.NgayThangNamSinh });
    expect(unknown.body).toEqual({ MaYeuCau: 'tim2', KetQua: 'KHONG_TIM_THAY' });
    const otherParents = await call(TIM, { ...caller('tim3'), HoVaTen: citizen.HoVaTen, NgayThangNamSinh: citizen.NgayThangNamSinh, HoVaTenMe: 'Không Có Ai' });
    expect(otherParents.body.KetQua).toBe('KHONG_TIM_THAY');
  });

  it('should answer NHIEU_KET_QUA for namesakes unless the parents narrow it to one', async () => {
    const [namesake] = await sample('count=1&namesakes=true&withParents=true');
    expect(namesake).toBeDefined();
    const query = { ...caller('nhieu'), HoVaTen: namesake!.HoVaTen, NgayThangNamSinh: namesake!.NgayThangNamSinh };
    expect((await call(TIM, query)).body).toEqual({ MaYeuCau: 'nhieu', KetQua: 'NHIEU_KET_QUA' });
    const narrowed = await call(TIM, { ...query, HoVaTenCha: namesake!.HoVaTenCha, HoVaTenMe: namesake!.HoVaTenMe });
    expect(narrowed.body).toEqual({ MaYeuCau: 'nhieu', KetQua: 'TIM_THAY', SoDinhDanh: namesake!.SoDinhDanh });
  });
});

describe('fault modes', () => {
  afterAll(async () => {
    await setMode({ mode: 'normal' });
  });

  it('should answer normally after the delay when slow', async () => {
    expect((await setMode({ mode: 'slow', delayMs: 300 })).status).toBe(204);
    const started = performance.now();
    const response = await lookUp('slow');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(response.body.KetQua).toBe('KHOP');
  });

  it('should answer 500 LOI_HE_THONG when failing', async () => {
    await setMode({ mode: 'failing' });
    const response = await lookUp('failing');
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ MaLoi: 'LOI_HE_THONG', MoTa: 'Lỗi hệ thống CSDLQG về dân cư' });
  });

  it('should answer 429 VUOT_HAN_MUC with Retry-After when rate limited', async () => {
    await setMode({ mode: 'rate_limited' });
    const response = await lookUp('limited');
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body.MaLoi).toBe('VUOT_HAN_MUC');
  });

  it('should answer 403 NGAT_KET_NOI when the ministry has disconnected the system', async () => {
    await setMode({ mode: 'disconnected' });
    const response = await lookUp('cut');
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ MaLoi: 'NGAT_KET_NOI', MoTa: 'Hệ thống đã bị Bộ Công an ngắt kết nối với CSDLQG về dân cư' });
  });

  it('should reset the connection without answering when down, and answer again once normal', async () => {
    await setMode({ mode: 'down' });
    expect((await control('GET', '/mode')).body).toEqual({ mode: 'down' });
    await expect(lookUp('down')).rejects.toThrow();
    sim.setMode({ mode: 'normal' });
    expect((await lookUp('up')).body.KetQua).toBe('KHOP');
  });

  it('should refuse a fault mode it does not know', async () => {
    for (const mode of [{ mode: 'broken' }, { mode: 'slow' }, { mode: 'slow', delayMs: -1 }]) {
      const response = await control('PUT', '/mode', mode);
      expect(response.status).toBe(400);
    }
    expect(() => sim.setMode({ mode: 'slow', delayMs: Number.NaN })).toThrow();
  });
});

describe('request log', () => {
  it('should list every call to the services, refused ones included, in time order and within [tu, den)', async () => {
    const from = new Date();
    await lookUp('log-1');
    await call(TRA_CUU, { ...caller('log-2') }, { auth: basic('motcua-intruder', 'x') });
    await call(TIM, { ...caller('log-3'), HoVaTen: citizen.HoVaTen, NgayThangNamSinh: citizen.NgayThangNamSinh });
    await setMode({ mode: 'rate_limited' });
    await lookUp('log-4');
    await setMode({ mode: 'normal' });
    const items = await logBetween(from, new Date(Date.now() + 1_000));
    const { credential } = readBundle(dir);
    expect(items.map((i) => [i.MaYeuCau, i.DichVu, i.KetQua, i.MaTaiKhoan])).toEqual([
      ['log-1', 'tra-cuu', 'KHOP', credential.account],
      ['log-2', 'tra-cuu', 'SAI_THONG_TIN_XAC_THUC', 'motcua-intruder'],
      ['log-3', 'tim-so-dinh-danh', 'TIM_THAY', credential.account],
      ['log-4', 'tra-cuu', 'VUOT_HAN_MUC', credential.account],
    ]);
    expect(items[0]).toEqual({
      ThoiGian: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      DichVu: 'tra-cuu',
      MaYeuCau: 'log-1',
      MaDVC: '1.001193',
      MaTichHop: 'motcua-test',
      MaDonVi: 'U01',
      MaCanBo: 'can.bo.a',
      SoDinhDanh: citizen.SoDinhDanh,
      KetQua: 'KHOP',
      MaTaiKhoan: credential.account,
    });
    expect(items[2]!.SoDinhDanh).toBe(citizen.SoDinhDanh);
    const inHanoiTime = new Date(from.getTime() + 7 * 3_600_000).toISOString().replace('Z', '+07:00');
    expect(await logBetween(inHanoiTime, new Date(Date.now() + 1_000))).toEqual(items);
    expect(await logBetween(new Date(Date.now() + 1_000), new Date(Date.now() + 2_000))).toEqual([]);
  });

  it('should refuse a log query without a credential or with bad bounds', async () => {
    const unauthenticated = await request(`https://localhost:${sim.port}/api/v1/nhat-ky?tu=2026-01-01T00:00:00Z&den=2027-01-01T00:00:00Z`, { dispatcher: agent });
    expect(unauthenticated.statusCode).toBe(401);
    await unauthenticated.body.dump();
    const malformed = await request(`https://localhost:${sim.port}/api/v1/nhat-ky?tu=yesterday&den=2027-01-01T00:00:00Z`, { dispatcher: agent, headers: { authorization } });
    expect(malformed.statusCode).toBe(400);
    expect(((await malformed.body.json()) as { MaLoi: string }).MaLoi).toBe('DU_LIEU_KHONG_HOP_LE');
  });
});

describe('control API', () => {
  it('should refuse every request without the token', async () => {
    for (const [method, pathname] of [['GET', '/health'], ['GET', '/mode'], ['GET', '/sample?count=1']] as const) {
      expect((await control(method, pathname, undefined, null)).status).toBe(401);
      expect((await control(method, pathname, undefined, 'Bearer not-the-token')).status).toBe(401);
    }
    expect((await control('PUT', '/mode', { mode: 'down' }, null)).status).toBe(401);
    expect((await control('GET', '/mode')).body).toEqual({ mode: 'normal' });
  });

  it('should sample the same living people, in population order, within the filter', async () => {
    const first = await sample('count=5&minAge=30&maxAge=40&withParents=true');
    expect(first).toHaveLength(5);
    expect(await sample('count=5&minAge=30&maxAge=40&withParents=true')).toEqual(first);
    for (const person of first) {
      expect(person.SoDinhDanhCha).toMatch(/^\d{12}$/);
      expect(person.SoDinhDanhMe).toMatch(/^\d{12}$/);
    }
    expect((await control('GET', '/health')).body).toEqual({ ok: true });
    expect((await control('GET', '/sample?count=0')).status).toBe(400);
  });
});

describe('restart', () => {
  it('should reuse keys and credential, rebuild the same people and keep the request log', async () => {
    const files = ['ca.pem', 'ca-key.pem', 'server.pem', 'server-key.pem', 'control-token', 'client/client.pem', 'client/client-key.pem', 'client/credential.json'];
    const before = Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
    const record = (await lookUp('before-restart')).body.CongDan;
    const logged = await logBetween(new Date(0), new Date(Date.now() + 1_000));

    await agent.close();
    await sim.close();
    sim = await startNpdSim({ dir, port: 0, controlPort: 0, population: POPULATION });
    const bundle = readBundle(dir);
    agent = new Agent({ connect: { cert: bundle.cert, key: bundle.key, ca: bundle.ca } });

    expect(Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]))).toEqual(before);
    expect(await logBetween(new Date(0), new Date(Date.now() + 1_000))).toEqual(logged);
    expect((await lookUp('after-restart')).body.CongDan).toEqual(record);
  });
});

describe('the npd-sim process', () => {
  it('should start with npx tsx, write its ports to the ready file, answer, and stop on SIGTERM', async () => {
    const processDir = path.join(root, 'process');
    const readyFile = path.join(root, 'ready.json');
    const child = spawn('npx', ['tsx', 'npd-sim/main.ts'], {
      env: { ...process.env, NPD_SIM_DIR: processDir, NPD_SIM_PORT: '0', NPD_SIM_POPULATION: '1000', NPD_SIM_READY_FILE: readyFile },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: npx does not pass signals on, so the test signals the group, node included.
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const waitFor = async (condition: () => boolean) => {
      for (let i = 0; i < 300 && !condition(); i++) await new Promise((r) => setTimeout(r, 100));
      return condition();
    };
    let port = 0;
    try {
      expect(await waitFor(() => fs.existsSync(readyFile))).toBe(true);
      const ready = JSON.parse(fs.readFileSync(readyFile, 'utf8')) as { port: number; controlPort: number };
      port = ready.port;
      // The simulator logs its line before it publishes the ready file, so the line is already in the pipe; this
      // process may just not have read it yet.
      const line = `npd-sim (synthetic data) on https://127.0.0.1:${ready.port}, control http://127.0.0.1:${ready.controlPort}`;
      expect(await waitFor(() => output.includes(line))).toBe(true);
      const bundle = readBundle(processDir);
      const processAgent = new Agent({ connect: { cert: bundle.cert, key: bundle.key, ca: bundle.ca } });
      const response = await request(`https://localhost:${ready.port}${TIM}`, {
        dispatcher: processAgent,
        method: 'POST',
        headers: { authorization: basic(bundle.credential.account, bundle.credential.password) },
        body: JSON.stringify({ ...caller('process'), HoVaTen: 'Không Có Ai', NgayThangNamSinh: '01/01/1990' }),
      });
      expect(await response.body.json()).toEqual({ MaYeuCau: 'process', KetQua: 'KHONG_TIM_THAY' });
      await processAgent.close();
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
    // A clean shutdown removes the ready file and closes the port.
    expect(await waitFor(() => !fs.existsSync(readyFile))).toBe(true);
    const refused = await fetch(`http://127.0.0.1:${port}/`).then(
      () => false,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code === 'ECONNREFUSED',
    );
    expect(refused).toBe(true);
  }, 60_000);
});
