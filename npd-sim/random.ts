import { createHash } from 'node:crypto';

/**
 * A seeded generator (sfc32), so the same seed always yields the same population; Math.random cannot be seeded.
 * The seed text is hashed to fill the four 32-bit words of state.
 */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: string) {
    const digest = createHash('sha256').update(seed, 'utf8').digest();
    this.#a = digest.readUInt32LE(0);
    this.#b = digest.readUInt32LE(4);
    this.#c = digest.readUInt32LE(8);
    this.#d = digest.readUInt32LE(12);
    // The first outputs of sfc32 still echo the seed words: discard them.
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A string of decimal digits. */
  digits(count: number): string {
    let text = '';
    for (let i = 0; i < count; i++) text += String(Math.floor(this.next() * 10));
    return text;
  }
}

/** Items drawn with fixed weights: cumulative sums and a binary search, so a draw costs O(log n). */
export class WeightedTable<T> {
  readonly #items: readonly T[];
  readonly #cumulative: Float64Array;

  constructor(entries: readonly (readonly [T, number])[]) {
    const usable = entries.filter(([, weight]) => weight > 0);
    if (usable.length === 0) throw new Error('a weighted table needs at least one positive weight');
    this.#items = usable.map(([item]) => item);
    this.#cumulative = new Float64Array(usable.length);
    let total = 0;
    usable.forEach(([, weight], i) => {
      total += weight;
      this.#cumulative[i] = total;
    });
  }

  pick(random: Random): T {
    const target = random.next() * this.#cumulative[this.#cumulative.length - 1]!;
    let low = 0;
    let high = this.#cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#cumulative[middle]! > target) high = middle;
      else low = middle + 1;
    }
    return this.#items[low]!;
  }
}
