import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The reference data the population is built from: real 2025 units, the 63 pre-2025 provinces, name weights. */

export type Region = 'north' | 'central' | 'south';
export type CommuneKind = 'Xã' | 'Phường' | 'Đặc khu';

export interface Province {
  code: string;
  fullName: string;
  region: Region;
  communes: Commune[];
}

export interface Commune {
  code: string;
  fullName: string;
  kind: CommuneKind;
  province: Province;
  /** The pre-2025 provinces the commune was formed from: the first 3 digits of a personal ID registered there. */
  oldProvinceCodes: readonly string[];
}

type Era = 'traditional' | 'modern';
export interface NameSource {
  surnames: Record<Region, { name: string; weight: number }[]>;
  middleNames: Record<'male' | 'female' | 'unisex', Record<Region, Record<Era, string[]>>>;
  givenNames: { male: string[]; female: string[]; maleSingleSyllable: string[]; femaleSingleSyllable: string[] };
  frequencies: { givenName: { value: string; count: number }[] };
}

export interface ReferenceData {
  provinces: Province[];
  communes: Commune[];
  /** The 63 two-digit GSO province codes in force before 1 July 2025. */
  oldProvinceCodes: ReadonlySet<string>;
  names: NameSource;
}

/** `NPD_SIM_SHARED_DIR`, else the `shared` folder beside the repository. */
export function defaultSharedDir(): string {
  const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  return process.env.NPD_SIM_SHARED_DIR ?? path.resolve(repositoryRoot, '../shared');
}

interface Units2025 {
  provinces: { code: string; fullName: string }[];
  communes: { code: string; fullName: string; provinceCode: string; unitType: string }[];
}
interface Units2024 {
  provinces: { code: string; regionId: number }[];
  districts: { code: string; provinceCode: string }[];
  communes: { code: string; provinceCode: string }[];
}
interface Mapping2025 {
  provinces: { newCode: string; oldCode: string }[];
  communes: { newCode: string; oldCode: string }[];
}

// Socio-economic regions of the 2024 file: 1–3 northern, 4–6 central, 7–8 southern. Surnames differ by region.
const regionOfId = (id: number): Region => (id <= 3 ? 'north' : id <= 6 ? 'central' : 'south');

const readJson = <T>(dir: string, file: string): T => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T;

function groupUnique(rows: Iterable<[string, string | undefined]>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const [key, value] of rows) {
    if (value === undefined) continue;
    const list = groups.get(key) ?? [];
    if (!list.includes(value)) list.push(value);
    groups.set(key, list);
  }
  return groups;
}

export function loadReferenceData(sharedDir: string): ReferenceData {
  const dataDir = path.join(sharedDir, 'data');
  const units = readJson<Units2025>(dataDir, 'admin-units-2025.json');
  const old = readJson<Units2024>(dataDir, 'admin-units-2024.json');
  const mapping = readJson<Mapping2025>(dataDir, 'admin-units-mapping-2025.json');
  const names = readJson<NameSource>(dataDir, 'vietnamese-names.json');

  const oldRegion = new Map(old.provinces.map((p) => [p.code, regionOfId(p.regionId)]));
  // Island districts became special zones: the mapping names them by their district code.
  const oldProvinceOfUnit = new Map([...old.districts, ...old.communes].map((u) => [u.code, u.provinceCode]));
  const oldOfProvince = groupUnique(mapping.provinces.map((r) => [r.newCode, r.oldCode]));
  const oldOfCommune = groupUnique(mapping.communes.map((r) => [r.newCode, oldProvinceOfUnit.get(r.oldCode)]));

  const provinces = units.provinces.map((p): Province => {
    const olds = oldOfProvince.get(p.code) ?? [];
    const region = oldRegion.get(olds[0] ?? p.code);
    if (!region || olds.length === 0) throw new Error(`province ${p.code} has no pre-2025 province in the mapping`);
    return { code: p.code, fullName: p.fullName, region, communes: [] };
  });
  const provinceByCode = new Map(provinces.map((p) => [p.code, p]));
  const communes = units.communes.map((c): Commune => {
    const province = provinceByCode.get(c.provinceCode);
    if (!province) throw new Error(`commune ${c.code} names an unknown province ${c.provinceCode}`);
    if (c.unitType !== 'Xã' && c.unitType !== 'Phường' && c.unitType !== 'Đặc khu') throw new Error(`commune ${c.code} has type ${c.unitType}`);
    // Two codes differ between the unit list and the mapping (see data/README.md): fall back to the province's.
    const oldProvinceCodes = oldOfCommune.get(c.code) ?? oldOfProvince.get(c.provinceCode)!;
    const commune: Commune = { code: c.code, fullName: c.fullName, kind: c.unitType, province, oldProvinceCodes };
    province.communes.push(commune);
    return commune;
  });
  return { provinces, communes, oldProvinceCodes: new Set(old.provinces.map((p) => p.code)), names };
}
