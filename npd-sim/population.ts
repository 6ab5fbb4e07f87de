import { addYears, ageOn, dayOf, formatDmy, yearOf, type Day } from './dates.ts';
import { NameGenerator, type Gender } from './names.ts';
import { Random, WeightedTable } from './random.ts';
import type { Commune, ReferenceData } from './reference-data.ts';

/**
 * A deterministic synthetic population: the same seed and size give the same people, field for field.
 * Families are generated whole (a couple, their children, the children's own households…) so that every
 * parent, spouse and child link points at a person of the population and is mirrored on the other side.
 */

/** The day the population describes: ages, cards and deaths are as of this date, whatever the clock says. */
export const REFERENCE_DAY: Day = dayOf(2026, 11, 1);
export const MAX_POPULATION = 1_000_000; // the 6-digit serial of a personal ID is unique within the population

export type MaritalStatus = 'Chưa kết hôn' | 'Đã kết hôn' | 'Ly hôn' | 'Góa';
export type Relation = 'Chủ hộ' | 'Vợ' | 'Chồng' | 'Con' | 'Cha' | 'Mẹ';

/** A real commune and the text that locates something inside it. */
export interface Place {
  commune: Commune;
  detail: string;
}

export interface Household {
  /** Số hồ sơ cư trú. */
  number: string;
  home: Place;
  /** Living members, the head first. */
  members: Person[];
}

export interface Person {
  id: string;
  familyName: string;
  fullName: string;
  otherName: string | null;
  gender: Gender;
  birth: Day;
  /** The date of birth as dd/mm/yyyy, kept because every lookup compares it. */
  dob: string;
  birthPlace: Place;
  registration: Place;
  hometown: Place;
  ethnicity: string;
  religion: string;
  bloodType: string | null;
  oldIdNumber: string | null;
  idCard: { issued: Day; expires: Day | null } | null;
  father: Person | null;
  mother: Person | null;
  spouse: Person | null;
  children: Person[];
  marital: MaritalStatus;
  death: Day | null;
  /** The household of residence; for the deceased, the one they last lived in (they are not among its members). */
  household: Household;
  relation: Relation;
  temporary: { place: Place; absence: { from: Day; to: Day; reason: string } | null } | null;
  contact: { phone: string; email: string | null } | null;
}

export interface Population {
  people: Person[];
  byId: Map<string, Person>;
  /** Key: the NFC full name, '|', the date of birth dd/mm/yyyy. */
  byNameAndBirth: Map<string, Person[]>;
}

const ADULT_AGE = 18;
const ADULT_BORN_BY = addYears(REFERENCE_DAY, -ADULT_AGE);

/** Under 18 on the population's date. */
export const isMinor = (person: Person) => person.birth > ADULT_BORN_BY;

export const nameAndBirthKey = (fullName: string, dob: string) => `${fullName}|${dob}`;

const MAX_AGE = 95;
const MAX_HOUSEHOLD = 6;
const MAX_MINORS_PER_COUPLE = MAX_HOUSEHOLD - 2;
const CARD_AGE = 14;
const CHIP_CARDS_FROM = dayOf(2021, 1, 1);
// Card renewal ages (Law on Identification 2023, art. 21): a card issued within two years of one lasts to the next.
const CARD_RENEWAL_AGES = [25, 40, 60];
// An odd multiplier not divisible by 5 is a bijection modulo 10^6: unique serials without a set of used ones.
const SERIAL_STEP = 387_419;
const ATTEMPTS_BEFORE_FILLING = 5;

const ETHNICITIES = new WeightedTable<string>([
  ['Kinh', 85.3], ['Tày', 1.9], ['Thái', 1.9], ['Mường', 1.5], ['Khmer', 1.4], ['H\'Mông', 1.4], ['Nùng', 1.1],
  ['Dao', 0.9], ['Hoa', 0.8], ['Gia Rai', 0.5], ['Ê Đê', 0.4], ['Ba Na', 0.3], ['Sán Dìu', 0.2], ['Chăm', 0.2],
]);
const RELIGIONS = new WeightedTable<string>([
  ['Không', 86.3], ['Công giáo', 6.1], ['Phật giáo', 4.8], ['Hòa Hảo', 1.0], ['Tin Lành', 1.0], ['Cao Đài', 0.6],
]);
const BLOOD_TYPES = new WeightedTable<string | null>([['O', 42], ['B', 30], ['A', 21], ['AB', 5], [null, 30]]);
const ROOT_AGE_BANDS = new WeightedTable<readonly [number, number]>([
  [[25, 34], 2], [[35, 44], 2], [[45, 54], 2], [[55, 64], 2], [[65, 74], 1.6], [[75, 84], 1], [[85, MAX_AGE], 0.4],
]);
// Southern families often call people by birth order; a few records carry such a name.
const OTHER_NAMES = ['Hai', 'Ba', 'Tư', 'Năm', 'Sáu', 'Út'];
const ABSENCE_REASONS = ['Đi làm ăn xa', 'Đi học'];

// How many children a couple has, by the mother's year of birth (the fertility fall from about 6 to 2).
const CHILDREN_BY_MOTHER_BORN_BEFORE: readonly (readonly [number, WeightedTable<number>])[] = [
  [1950, new WeightedTable([[2, 1], [3, 2], [4, 3], [5, 3], [6, 2]])],
  [1970, new WeightedTable([[1, 1], [2, 3], [3, 3], [4, 2], [5, 1]])],
  [1990, new WeightedTable([[0, 1], [1, 3], [2, 6], [3, 2]])],
  [Infinity, new WeightedTable([[0, 2], [1, 4], [2, 4], [3, 1]])],
];

function childrenWanted(random: Random, motherBirthYear: number): number {
  return CHILDREN_BY_MOTHER_BORN_BEFORE.find(([before]) => motherBirthYear < before)![1].pick(random);
}

const marriageChance = (age: number) => (age < 22 ? 0 : age < 26 ? 0.3 : age < 31 ? 0.6 : 0.85);

function deathChance(age: number): number {
  if (age >= 80) return 0.35;
  if (age >= 70) return 0.2;
  if (age >= 60) return 0.07;
  return 0.01;
}

function asciiSlug(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/[^a-z]/g, '');
}

class PopulationBuilder {
  readonly people: Person[] = [];
  readonly #random: Random;
  readonly #names: NameGenerator;
  readonly #communes: WeightedTable<Commune>;
  readonly #cities: WeightedTable<Commune>;
  readonly #serialOffset: number;
  #householdCount = 0;
  // The family being generated: committed to the population only if it fits in the requested size.
  #planPeople: Person[] = [];
  #planHouseholds: Household[] = [];

  constructor(reference: ReferenceData, seed: string) {
    this.#random = new Random(seed);
    this.#names = new NameGenerator(reference.names);
    // Wards are denser than rural communes.
    this.#communes = new WeightedTable(reference.communes.map((c) => [c, c.kind === 'Xã' ? 1 : 2] as const));
    // Where young people go to work or study: Hà Nội, TP HCM, Đà Nẵng, Hải Phòng, Cần Thơ.
    const cityCodes = new Set(['01', '79', '48', '31', '92']);
    this.#cities = new WeightedTable(reference.communes.filter((c) => cityCodes.has(c.province.code) && c.kind === 'Phường').map((c) => [c, 1] as const));
    this.#serialOffset = this.#random.int(0, MAX_POPULATION - 1);
  }

  build(size: number): void {
    while (this.people.length < size) {
      const remaining = size - this.people.length;
      let fitted = false;
      for (let attempt = 0; attempt < ATTEMPTS_BEFORE_FILLING && !fitted; attempt++) {
        this.#lineage();
        fitted = this.#planPeople.length <= remaining;
        if (fitted) this.#commit();
        else this.#discard();
      }
      // Near the end, families rarely fit: people living alone fill the last places exactly.
      if (!fitted) {
        this.#singleAdult();
        this.#commit();
      }
    }
  }

  #discard(): void {
    this.#planPeople = [];
    this.#planHouseholds = [];
  }

  #commit(): void {
    for (const household of this.#planHouseholds) {
      if (household.members.length === 0) continue;
      this.#householdCount += 1;
      household.number = `${household.home.commune.code}${String(this.#householdCount).padStart(7, '0')}`;
    }
    for (const person of this.#planPeople) {
      const serial = (SERIAL_STEP * this.people.length + this.#serialOffset) % MAX_POPULATION;
      // The 6-character prefix (province, century and gender, year) was set when the person was created.
      person.id += String(serial).padStart(6, '0');
      this.people.push(person);
    }
    this.#discard();
  }

  #lineage(): void {
    const roll = this.#random.next();
    if (roll < 0.07) this.#singleAdult();
    else if (roll < 0.09) this.#singleMother();
    else this.#rootFamily();
  }

  #singleAdult(): void {
    const household = this.#household(this.#homeIn(this.#communes.pick(this.#random)));
    const gender: Gender = this.#random.chance(0.5) ? 'Nam' : 'Nữ';
    household.members.push(this.#outsider(gender, this.#birthAtAge(this.#random.int(ADULT_AGE, 60)), household, 'Chủ hộ'));
  }

  #singleMother(): void {
    const household = this.#household(this.#homeIn(this.#communes.pick(this.#random)));
    const mother = this.#outsider('Nữ', this.#birthAtAge(this.#random.int(22, 42)), household, 'Chủ hộ');
    household.members.push(mother);
    for (const birth of this.#childBirths(null, mother, this.#random.int(1, 2))) {
      household.members.push(this.#child(null, mother, birth, household));
    }
  }

  #rootFamily(): void {
    const household = this.#household(this.#homeIn(this.#communes.pick(this.#random)));
    const [low, high] = ROOT_AGE_BANDS.pick(this.#random);
    const namesake = this.#random.chance(0.03) ? this.#namesakeOf() : null;
    const father = this.#outsider('Nam', namesake?.birth ?? this.#birthAtAge(this.#random.int(low, high)), household, 'Chủ hộ', undefined, namesake ?? undefined);
    const wifeAge = Math.min(MAX_AGE, Math.max(20, ageOn(father.birth, REFERENCE_DAY) - this.#random.int(-2, 6)));
    const mother = this.#outsider('Nữ', this.#birthAtAge(wifeAge), household, 'Vợ', father);
    this.#raiseFamily(father, mother, household);
  }

  /**
   * An earlier man with both parents in the population, whose name and date of birth a new lineage root takes:
   * real registries hold such namesakes, and they are what makes the find service answer NHIEU_KET_QUA.
   */
  #namesakeOf(): Person | null {
    for (let attempt = 0; attempt < 20 && this.people.length > 0; attempt++) {
      const other = this.#random.pick(this.people);
      const age = ageOn(other.birth, REFERENCE_DAY);
      if (other.gender === 'Nam' && other.father && other.mother && age >= 25 && other.death === null) return other;
    }
    return null;
  }

  /** A married couple's children, their own households, and how the couple ended (together, widowed, divorced). */
  #raiseFamily(father: Person, mother: Person, household: Household): void {
    father.marital = mother.marital = 'Đã kết hôn';
    father.spouse = mother;
    mother.spouse = father;
    const sonsHouseholds: Household[] = [];
    const atHome: Person[] = [];
    const wanted = childrenWanted(this.#random, yearOf(mother.birth));
    for (const birth of this.#childBirths(father, mother, wanted)) {
      const child = this.#child(father, mother, birth, household);
      const age = ageOn(child.birth, REFERENCE_DAY);
      if (this.#random.chance(marriageChance(age))) {
        const own = this.#household(this.#homeNear(household.home.commune));
        child.household = own;
        child.relation = child.gender === 'Nam' ? 'Chủ hộ' : 'Vợ';
        const spouseAge = child.gender === 'Nam' ? Math.max(ADULT_AGE, age - this.#random.int(0, 5)) : Math.min(MAX_AGE, age + this.#random.int(0, 5));
        const spouse = this.#outsider(child.gender === 'Nam' ? 'Nữ' : 'Nam', this.#birthAtAge(spouseAge), own, child.gender === 'Nam' ? 'Vợ' : 'Chủ hộ', child);
        if (child.gender === 'Nam') {
          this.#raiseFamily(child, spouse, own);
          sonsHouseholds.push(own);
        } else {
          this.#raiseFamily(spouse, child, own);
        }
      } else if (age >= 25 && this.#random.chance(0.25)) {
        child.household = this.#household(this.#homeNear(household.home.commune));
        child.relation = 'Chủ hộ';
        child.household.members.push(child);
      } else {
        atHome.push(child);
      }
    }

    const fatherAge = ageOn(father.birth, REFERENCE_DAY);
    const births = father.children.map((c) => c.birth);
    const deceased = this.#random.chance(0.65) ? father : mother;
    const deathDay = this.#random.chance(deathChance(fatherAge)) ? this.#deathDay(deceased, births.length > 0 ? Math.max(...births) : deceased.birth) : null;
    if (deathDay !== null) {
      const survivor = deceased === father ? mother : father;
      deceased.death = deathDay;
      deceased.contact = deceased.temporary = null;
      deceased.relation = deceased === father ? 'Chồng' : 'Vợ';
      survivor.marital = 'Góa';
      survivor.relation = 'Chủ hộ';
      household.members.push(survivor, ...atHome);
      // A widowed elder living alone often moves in with a married son: the grandparent of that household.
      const joined = atHome.length === 0 && ageOn(survivor.birth, REFERENCE_DAY) >= 65 && this.#random.chance(0.6) ? sonsHouseholds.find((h) => h.members.length < MAX_HOUSEHOLD) : undefined;
      if (joined) {
        household.members = [];
        survivor.household = deceased.household = joined;
        survivor.relation = survivor === father ? 'Cha' : 'Mẹ';
        deceased.relation = deceased === father ? 'Cha' : 'Mẹ';
        joined.members.push(survivor);
      }
    } else if (fatherAge < 65 && this.#random.chance(0.06)) {
      father.marital = mother.marital = 'Ly hôn';
      father.spouse = mother.spouse = null;
      mother.relation = 'Chủ hộ';
      household.members.push(mother, ...atHome);
      father.household = this.#household(this.#homeNear(household.home.commune));
      father.relation = 'Chủ hộ';
      father.household.members.push(father);
    } else {
      household.members.push(father, mother, ...atHome);
    }
    this.#moveOutAdults(household);
  }

  /** Keeps households at six people: the eldest adult children set up on their own in the same commune. */
  #moveOutAdults(household: Household): void {
    const movable = household.members.filter((p) => p.relation === 'Con' && ageOn(p.birth, REFERENCE_DAY) >= ADULT_AGE);
    while (household.members.length > MAX_HOUSEHOLD && movable.length > 0) {
      const child = movable.shift()!;
      household.members.splice(household.members.indexOf(child), 1);
      child.household = this.#household(this.#homeIn(household.home.commune));
      child.relation = 'Chủ hộ';
      child.household.members.push(child);
    }
  }

  /** Birth days of up to `wanted` children, with both parents aged 18–45 at each birth and at most four minors. */
  #childBirths(father: Person | null, mother: Person, wanted: number): Day[] {
    const parents = father ? [father, mother] : [mother];
    const start = Math.max(...parents.map((p) => addYears(p.birth, ADULT_AGE)));
    const end = Math.min(REFERENCE_DAY - 1, ...parents.map((p) => addYears(p.birth, 45)));
    const births: Day[] = [];
    let minors = 0;
    let day = start + this.#random.int(0, 3 * 365);
    while (births.length < wanted && day <= end) {
      const minor = ageOn(day, REFERENCE_DAY) < ADULT_AGE;
      if (minor && minors === MAX_MINORS_PER_COUPLE) break;
      births.push(day);
      if (minor) minors += 1;
      // Twins now and then: the same day of birth, different names.
      day += this.#random.chance(0.01) ? 0 : this.#random.int(440, 5 * 365);
    }
    return births;
  }

  #deathDay(person: Person, after: Day): Day | null {
    const from = Math.max(after + 1, addYears(person.birth, 40), addYears(REFERENCE_DAY, -30));
    const to = REFERENCE_DAY - 1;
    return from <= to ? this.#random.int(from, to) : null;
  }

  #child(father: Person | null, mother: Person, birth: Day, household: Household): Person {
    const parent = father ?? mother;
    const siblings = parent.children.map((c) => c.fullName);
    const gender: Gender = this.#random.chance(0.51) ? 'Nam' : 'Nữ';
    const region = parent.hometown.commune.province.region;
    let fullName = '';
    for (let attempt = 0; attempt < 10 && (fullName === '' || siblings.includes(fullName)); attempt++) {
      fullName = `${parent.familyName} ${this.#names.personalName(this.#random, gender, region, yearOf(birth))}`;
    }
    const home = household.home.commune;
    // Born at the commune health station or a hospital elsewhere in the province; registered where the parents live.
    const bornAt = this.#random.chance(0.6) ? home : this.#random.pick(home.province.communes);
    const child = this.#person({
      gender,
      birth,
      familyName: parent.familyName,
      fullName,
      birthPlace: this.#birthPlace(bornAt, birth),
      registration: { commune: home, detail: 'Ủy ban nhân dân' },
      // Quê quán follows the father.
      hometown: parent.hometown,
      ethnicity: parent.ethnicity,
      religion: parent.religion,
      household,
      relation: 'Con',
    });
    child.father = father;
    child.mother = mother;
    father?.children.push(child);
    mother.children.push(child);
    return child;
  }

  /**
   * Someone whose parents are not in the population: a lineage root, a spouse from another family, a single adult.
   * `namesake` lends its name (a root given the name of someone else born the same day).
   */
  #outsider(gender: Gender, birth: Day, household: Household, relation: Relation, partner?: Person, namesake?: Person): Person {
    const home = household.home.commune;
    const origin = this.#random.chance(0.75) ? this.#random.pick(home.province.communes) : this.#communes.pick(this.#random);
    const region = origin.province.region;
    const familyName = namesake?.familyName ?? this.#names.familyName(this.#random, region);
    const sameCulture = partner !== undefined && this.#random.chance(0.85);
    return this.#person({
      gender,
      birth,
      familyName,
      fullName: namesake?.fullName ?? `${familyName} ${this.#names.personalName(this.#random, gender, region, yearOf(birth))}`,
      birthPlace: this.#birthPlace(origin, birth),
      registration: { commune: origin, detail: 'Ủy ban nhân dân' },
      hometown: { commune: origin, detail: this.#hamlet(origin) },
      ethnicity: sameCulture ? partner.ethnicity : ETHNICITIES.pick(this.#random),
      religion: sameCulture ? partner.religion : RELIGIONS.pick(this.#random),
      household,
      relation,
    });
  }

  #person(fields: Pick<Person, 'gender' | 'birth' | 'familyName' | 'fullName' | 'birthPlace' | 'registration' | 'hometown' | 'ethnicity' | 'religion' | 'household' | 'relation'>): Person {
    const random = this.#random;
    const age = ageOn(fields.birth, REFERENCE_DAY);
    const year = yearOf(fields.birth);
    const person: Person = {
      gender: fields.gender,
      birth: fields.birth,
      familyName: fields.familyName,
      fullName: fields.fullName,
      birthPlace: fields.birthPlace,
      registration: fields.registration,
      hometown: fields.hometown,
      ethnicity: fields.ethnicity,
      religion: fields.religion,
      household: fields.household,
      relation: fields.relation,
      id: this.#idPrefix(fields.registration.commune, fields.gender, fields.birth),
      dob: formatDmy(fields.birth),
      otherName: year < 1975 && fields.hometown.commune.province.region === 'south' && random.chance(0.1) ? random.pick(OTHER_NAMES) : null,
      bloodType: BLOOD_TYPES.pick(random),
      // The 9-digit identity cards (CMND) were issued until 2021, to people born before 2000 in practice.
      oldIdNumber: year < 2000 && random.chance(0.7) ? random.digits(9) : null,
      idCard: age >= CARD_AGE ? this.#idCard(fields.birth) : null,
      father: null,
      mother: null,
      spouse: null,
      children: [],
      marital: 'Chưa kết hôn',
      death: null,
      temporary: null,
      contact: age >= CARD_AGE && !(age >= 80 && random.chance(0.5)) ? this.#contact(fields.fullName, fields.familyName) : null,
    };
    if (age >= ADULT_AGE && age <= 35 && random.chance(0.12)) person.temporary = this.#temporaryResidence(fields.household.home.commune);
    this.#planPeople.push(person);
    return person;
  }

  #idPrefix(registration: Commune, gender: Gender, birth: Day): string {
    const year = yearOf(birth);
    const province = this.#random.pick(registration.oldProvinceCodes).padStart(3, '0');
    const centuryGender = (year >= 2000 ? 2 : 0) + (gender === 'Nữ' ? 1 : 0);
    return `${province}${centuryGender}${String(year % 100).padStart(2, '0')}`;
  }

  #idCard(birth: Day): { issued: Day; expires: Day | null } {
    const issued = this.#random.int(Math.max(addYears(birth, CARD_AGE), CHIP_CARDS_FROM), REFERENCE_DAY - 1);
    const renewal = CARD_RENEWAL_AGES.find((age) => issued < addYears(birth, age - 2));
    return { issued, expires: renewal === undefined ? null : addYears(birth, renewal) };
  }

  #contact(fullName: string, familyName: string): { phone: string; email: string | null } {
    const given = fullName.split(' ').at(-1) ?? '';
    const email = this.#random.chance(0.4) ? `${asciiSlug(given)}.${asciiSlug(familyName)}${this.#random.digits(3)}@example.com` : null;
    return { phone: `09${this.#random.digits(8)}`, email };
  }

  #temporaryResidence(home: Commune): Person['temporary'] {
    let commune = this.#cities.pick(this.#random);
    if (commune === home) commune = this.#random.pick(home.province.communes);
    const place = { commune, detail: this.#address(commune) };
    if (!this.#random.chance(0.4)) return { place, absence: null };
    const from = REFERENCE_DAY - this.#random.int(30, 700);
    return { place, absence: { from, to: from + this.#random.int(365, 730), reason: this.#random.pick(ABSENCE_REASONS) } };
  }

  #birthAtAge(age: number): Day {
    return addYears(REFERENCE_DAY, -age) - this.#random.int(0, 364);
  }

  #birthPlace(commune: Commune, birth: Day): Place {
    const hospitalShare = yearOf(birth) >= 1995 ? 0.8 : 0.3;
    return { commune, detail: this.#random.chance(hospitalShare) ? 'Bệnh viện Đa khoa' : 'Trạm Y tế' };
  }

  #household(home: Place): Household {
    const household: Household = { number: '', home, members: [] };
    this.#planHouseholds.push(household);
    return household;
  }

  /** Usually the same commune, else elsewhere in the province, sometimes another province. */
  #homeNear(commune: Commune): Place {
    const roll = this.#random.next();
    const target = roll < 0.5 ? commune : roll < 0.8 ? this.#random.pick(commune.province.communes) : this.#communes.pick(this.#random);
    return this.#homeIn(target);
  }

  #homeIn(commune: Commune): Place {
    return { commune, detail: this.#address(commune) };
  }

  #address(commune: Commune): string {
    return `Số ${this.#random.int(1, 250)}, ${this.#hamlet(commune)}`;
  }

  /** Villages are thôn in the north and centre, ấp in the south; wards have residential groups. */
  #hamlet(commune: Commune): string {
    const number = this.#random.int(1, 20);
    if (commune.kind !== 'Xã') return `tổ dân phố ${number}`;
    return commune.province.region === 'south' ? `ấp ${number}` : `thôn ${number}`;
  }
}

export function buildPopulation(reference: ReferenceData, seed: string, size: number): Population {
  if (!Number.isInteger(size) || size < 1 || size > MAX_POPULATION) throw new Error(`population size must be an integer from 1 to ${MAX_POPULATION}`);
  const builder = new PopulationBuilder(reference, seed);
  builder.build(size);
  const byId = new Map<string, Person>();
  const byNameAndBirth = new Map<string, Person[]>();
  for (const person of builder.people) {
    byId.set(person.id, person);
    const key = nameAndBirthKey(person.fullName, person.dob);
    const same = byNameAndBirth.get(key);
    if (same) same.push(person);
    else byNameAndBirth.set(key, [person]);
  }
  return { people: builder.people, byId, byNameAndBirth };
}
