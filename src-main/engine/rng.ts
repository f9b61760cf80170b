/**
 * Seeded, serialisable random numbers (mulberry32). The state is one uint32, so a run's RNG
 * state can be stored in a checkpoint and restored exactly on resume.
 */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }

  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number { return Math.floor(this.next() * n); }

  /** A fresh 31-bit seed for tfjs ops that take one (tf.randomUniform). */
  seed(): number { return Math.floor(this.next() * 2147483647); }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(a: T[] | Int32Array | Uint32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]; a[i] = a[j]; a[j] = t;
    }
  }

  get state(): number { return this.s; }
  set state(v: number) { this.s = v >>> 0; }
}
