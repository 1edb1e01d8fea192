/**
 * A small seeded generator (sfc32) with named sub-streams: each concern (network, each runner, each client,
 * faults) draws from its own stream, so turning one fault off while shrinking leaves the others' draws unchanged.
 */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number, salt = 0) {
    this.a = 0x9e3779b9 ^ seed
    this.b = 0x243f6a88 ^ salt
    this.c = 0xb7e15162 ^ Math.imul(seed, 0x85ebca6b)
    this.d = 0x1234567 ^ Math.imul(salt + 1, 0xc2b2ae35)
    for (let i = 0; i < 12; i++) this.next()
  }

  /** Uniform in [0, 1). */
  next(): number {
    const a = this.a,
      b = this.b,
      c = this.c,
      d = this.d
    const t = (((a + b) | 0) + d) | 0
    this.d = (d + 1) | 0
    this.a = b ^ (b >>> 9)
    this.b = (c + (c << 3)) | 0
    this.c = (((c << 21) | (c >>> 11)) + t) | 0
    return (t >>> 0) / 4294967296
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<A>(items: ReadonlyArray<A>): A {
    const item = items[Math.floor(this.next() * items.length)]
    if (item === undefined) throw new Error("pick from an empty list")
    return item
  }

  /** A child stream named by a string: stable whatever else was drawn from this one. */
  fork(name: string): Rng {
    let h = 2166136261
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619)
    return new Rng(this.a ^ this.c, h)
  }
}

/** A deterministic v4-shaped uuid from a stream. */
export const uuidFrom = (rng: Rng): string => {
  const hex = (n: number) =>
    Math.floor(rng.next() * 16 ** n)
      .toString(16)
      .padStart(n, "0")
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + Math.floor(rng.next() * 4)).toString(16)}${hex(3)}-${hex(12)}`
}
