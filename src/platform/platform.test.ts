import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { Keys } from './crypto.ts';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';
import { migrate, MigrationChangedError, openPglite } from './db.ts';
import { foldVietnamese } from '../../common/text.ts';

describe('configuration', () => {
  it('has working defaults: port 8080, ./data, province 19, 10 idle minutes', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, provinceCode: '19', demo: true, secureCookies: false });
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(c.session.idleMs).toBe(10 * 60_000);
  });

  it('names every bad variable in its message', () => {
    expect(() => loadConfig({ PORT: 'eighty', MOTCUA_PROVINCE_CODE: '1' })).toThrow(/PORT[\s\S]*MOTCUA_PROVINCE_CODE|MOTCUA_PROVINCE_CODE[\s\S]*PORT/);
  });

  it('production refuses to start without a master key and never loads demo data', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ NODE_ENV: 'production', MOTCUA_MASTER_KEY: key }).demo).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'production', MOTCUA_MASTER_KEY: key, MOTCUA_DEMO: 'true' })).toThrow(ConfigError);
  });

  it('R17: cookies are Secure everywhere except plain-HTTP localhost', () => {
    expect(loadConfig({ MOTCUA_PUBLIC_URL: 'https://motcua.thainguyen.gov.vn' }).secureCookies).toBe(true);
    expect(loadConfig({ MOTCUA_PUBLIC_URL: 'http://10.1.2.3:8080' }).secureCookies).toBe(true);
    expect(loadConfig({ MOTCUA_PUBLIC_URL: 'http://localhost:8080' }).secureCookies).toBe(false);
  });
});

describe('embedded database lock', () => {
  it('should not let a second process open the same PGlite directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-lock-'));
    const release = lockDataDir(dir);
    // Our own pid is alive, as another running server's would be.
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    release();
    const again = lockDataDir(dir);
    again();
  });

  it('takes over a lock left by a process that died', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-lock-'));
    fs.writeFileSync(path.join(dir, 'motcua.lock'), '999999999');
    const release = lockDataDir(dir);
    expect(fs.readFileSync(path.join(dir, 'motcua.lock'), 'utf8')).toBe(String(process.pid));
    release();
  });
});

describe('R15: secrets at rest', () => {
  it('seals with AES-256-GCM bound to its owner: another row, key or a flipped bit does not open', () => {
    const keys = Keys.random();
    const sealed = keys.seal('JBSWY3DPEHPK3PXP', 'otp:account-1');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(keys.open(sealed, 'otp:account-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => keys.open(sealed, 'otp:account-2')).toThrow();
    expect(() => Keys.random().open(sealed, 'otp:account-1')).toThrow();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[2]!, 'base64');
    body[0]! ^= 1;
    parts[2] = body.toString('base64');
    expect(() => keys.open(parts.join('.'), 'otp:account-1')).toThrow();
  });
});

describe('search that ignores diacritics', () => {
  it('folds Vietnamese to plain lower case', () => {
    expect(foldVietnamese('Nguyễn Văn  Đức')).toBe('nguyen van duc');
    expect(foldVietnamese('ĐẶNG THỊ HỒNG')).toBe('dang thi hong');
  });
});

describe('migrations', () => {
  it('should not start on a migration edited after it was applied: names it and applies nothing more', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-migrations-'));
    fs.writeFileSync(path.join(dir, '0001_first.sql'), 'CREATE TABLE first (id int);\n');
    fs.writeFileSync(path.join(dir, '0002_second.sql'), 'CREATE TABLE second (id int);\n');
    const database = await openPglite();
    try {
      expect(await migrate(database, dir)).toEqual(['0001_first', '0002_second']);
      expect(await migrate(database, dir)).toEqual([]);
      // the same text with Windows line endings is the same migration
      fs.writeFileSync(path.join(dir, '0002_second.sql'), 'CREATE TABLE second (id int);\r\n');
      expect(await migrate(database, dir)).toEqual([]);

      fs.writeFileSync(path.join(dir, '0001_first.sql'), 'CREATE TABLE first (id bigint);\n');
      fs.writeFileSync(path.join(dir, '0003_third.sql'), 'CREATE TABLE third (id int);\n');
      await expect(migrate(database, dir)).rejects.toThrow(MigrationChangedError);
      await expect(migrate(database, dir)).rejects.toThrow(/migration 0001_first\.sql was changed after it was applied/);
      const third = await database.session((c) => c.query<{ t: string | null }>(`SELECT to_regclass('third')::text AS t`));
      expect(third[0]!.t).toBeNull();
    } finally {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
