import { type Random, WeightedTable } from './random.ts';
import type { NameSource, Region } from './reference-data.ts';

export type Gender = 'Nam' | 'Nữ';

const REGIONS: readonly Region[] = ['north', 'central', 'south'];
// The middle-name lists are ordered most common first but carry no weights: give the first ones more.
const TRADITIONAL_RANK_WEIGHTS = [6, 2, 1.5, 1];
const MODERN_RANK_WEIGHTS = [3, 2.5, 2, 1.5];
const UNISEX_WEIGHT = 1;
// Share of people whose given name is a two-syllable name from the lists, e.g. "Anh Tuấn".
const TWO_SYLLABLE_SHARE = 0.3;
// The frequency sample has a noisy tail of single occurrences (see data/README.md).
const MIN_TRUSTED_COUNT = 2;
// Parents born from 1990 on choose from the "modern" middle names.
const MODERN_FROM_YEAR = 1990;

type Era = 'traditional' | 'modern';
type Tables<T> = Record<Gender, Record<Region, Record<Era, WeightedTable<T>>>>;

/** Draws names with the weights of vietnamese-names.json, by gender, region and era. */
export class NameGenerator {
  readonly #surnames: Record<Region, WeightedTable<string>>;
  readonly #middle: Tables<string>;
  readonly #given: Record<Gender, WeightedTable<string>>;
  readonly #twoSyllable: Record<Gender, readonly string[]>;

  constructor(source: NameSource) {
    const surnames = (region: Region) => new WeightedTable(source.surnames[region].map((s) => [s.name, s.weight] as const));
    this.#surnames = { north: surnames('north'), central: surnames('central'), south: surnames('south') };

    const middle = (gender: 'male' | 'female', region: Region, era: Era) => {
      const rankWeights = era === 'traditional' ? TRADITIONAL_RANK_WEIGHTS : MODERN_RANK_WEIGHTS;
      const weights = new Map<string, number>();
      source.middleNames[gender][region][era].forEach((name, rank) => {
        weights.set(name, (weights.get(name) ?? 0) + (rankWeights[rank] ?? 1));
      });
      for (const name of source.middleNames.unisex[region][era]) weights.set(name, (weights.get(name) ?? 0) + UNISEX_WEIGHT);
      return new WeightedTable([...weights]);
    };
    const byRegion = (gender: 'male' | 'female') =>
      Object.fromEntries(REGIONS.map((r) => [r, { traditional: middle(gender, r, 'traditional'), modern: middle(gender, r, 'modern') }])) as Record<
        Region,
        Record<Era, WeightedTable<string>>
      >;
    this.#middle = { Nam: byRegion('male'), Nữ: byRegion('female') };

    const counts = new Map(source.frequencies.givenName.filter((f) => f.count >= MIN_TRUSTED_COUNT).map((f) => [f.value, f.count]));
    const given = (names: string[]) => new WeightedTable(names.map((n) => [n, counts.get(n) ?? 1] as const));
    this.#given = { Nam: given(source.givenNames.maleSingleSyllable), Nữ: given(source.givenNames.femaleSingleSyllable) };
    this.#twoSyllable = { Nam: source.givenNames.male, Nữ: source.givenNames.female };
  }

  familyName(random: Random, region: Region): string {
    return this.#surnames[region].pick(random);
  }

  /** The middle and given names, e.g. "Văn Hùng" or "Anh Tuấn". */
  personalName(random: Random, gender: Gender, region: Region, birthYear: number): string {
    if (random.chance(TWO_SYLLABLE_SHARE)) return random.pick(this.#twoSyllable[gender]);
    const middle = this.#middle[gender][region][birthYear < MODERN_FROM_YEAR ? 'traditional' : 'modern'].pick(random);
    let given = this.#given[gender].pick(random);
    if (given === middle) given = this.#given[gender].pick(random);
    return `${middle} ${given}`;
  }
}
