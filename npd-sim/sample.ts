import { ageOn } from './dates.ts';
import type { Gender } from './names.ts';
import { nameAndBirthKey, REFERENCE_DAY, type Population } from './population.ts';

/** Real synthetic citizens for tests and demos to put in dossiers. */

export interface SampleFilter {
  count: number;
  minAge: number;
  maxAge: number;
  /** Only people whose father and mother are both in the population. */
  withParents: boolean;
  /** Only people who share their name and date of birth with someone (else: only people who do not). */
  namesakes: boolean;
}

export interface SampledCitizen {
  SoDinhDanh: string;
  HoVaTen: string;
  NgayThangNamSinh: string;
  GioiTinh: Gender;
  HoVaTenCha: string | null;
  HoVaTenMe: string | null;
  SoDinhDanhCha: string | null;
  SoDinhDanhMe: string | null;
}

/** The first `count` living people matching the filter, in population order; ages as of the population's date. */
export function samplePeople(population: Population, filter: SampleFilter): SampledCitizen[] {
  const items: SampledCitizen[] = [];
  for (const person of population.people) {
    if (items.length === filter.count) break;
    if (person.death !== null) continue;
    if (filter.withParents && !(person.father && person.mother)) continue;
    const age = ageOn(person.birth, REFERENCE_DAY);
    if (age < filter.minAge || age > filter.maxAge) continue;
    const shared = population.byNameAndBirth.get(nameAndBirthKey(person.fullName, person.dob))!.length > 1;
    if (shared !== filter.namesakes) continue;
    items.push({
      SoDinhDanh: person.id,
      HoVaTen: person.fullName,
      NgayThangNamSinh: person.dob,
      GioiTinh: person.gender,
      HoVaTenCha: person.father?.fullName ?? null,
      HoVaTenMe: person.mother?.fullName ?? null,
      SoDinhDanhCha: person.father?.id ?? null,
      SoDinhDanhMe: person.mother?.id ?? null,
    });
  }
  return items;
}
