// Number and unit handling shared by the text adapters (Bencher's adapters/util.rs).
const isDigit = (c: number): boolean => c >= 48 && c <= 57

/** 10^k for k <= 22: exact doubles. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`))

/**
 * The fast path of Number() for `ddd`, `ddd.ddd`, `.ddd` and `ddd.` with at most 15 digits: the
 * digits are an exact integer below 2^53 and 10^k is exact, so the one rounding of the division gives
 * the correctly rounded value Number() gives. Anything else: undefined.
 */
const plainDecimal = (s: string): number | undefined => {
  const length = s.length
  if (length === 0 || length > 16) return undefined
  let m = 0
  let digits = 0
  let dot = -1
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48)
      digits++
    } else if (c === 46 && dot < 0) dot = i
    else return undefined
  }
  if (digits === 0 || digits > 15) return undefined
  return dot < 0 ? m : m / (POW10[length - 1 - dot] ?? NaN)
}

/**
 * Parses a printed decimal number (sign, digits, dot, exponent); commas are thousands separators and
 * are dropped. Checked by its ends and handed to Number(), which is much faster than a regex per
 * field; the checks keep out what Number() alone would accept (blanks, hex, Infinity).
 */
export const parseNumber = (text: string): number | undefined => {
  const plain = plainDecimal(text)
  if (plain !== undefined) return plain
  const s = text.includes(",") ? text.replaceAll(",", "") : text
  if (s.length === 0) return undefined
  const first = s.charCodeAt(0)
  const last = s.charCodeAt(s.length - 1)
  if (!(isDigit(first) || first === 43 || first === 45 || first === 46) || !(isDigit(last) || last === 46))
    return undefined
  // 0x.., 0b.., 0o..
  if (s.length > 1 && first === 48) {
    const second = s.charCodeAt(1) | 0x20
    if (second === 120 || second === 98 || second === 111) return undefined
  }
  const n = Number(s)
  return Number.isFinite(n) ? n : undefined
}

/** Nanoseconds per printed time unit. */
export const nanosPerUnit = (unit: string): number | undefined => {
  switch (unit) {
    case "ps":
      return 1e-3
    case "ns":
      return 1
    case "µs": // micro sign U+00B5
    case "μs": // greek mu U+03BC
    case "us":
      return 1e3
    case "ms":
      return 1e6
    case "s":
      return 1e9
    default:
      return undefined
  }
}

/** Seconds per printed time unit, to turn ops per unit into ops per second. */
export const secondsPerUnit = (unit: string): number | undefined => {
  switch (unit) {
    case "ps":
      return 1e-12
    case "ns":
      return 1e-9
    case "µs":
    case "μs":
    case "us":
      return 1e-6
    case "ms":
      return 1e-3
    case "s":
      return 1
    case "min":
      return 60
    case "m":
      return 60
    case "h":
      return 3600
    default:
      return undefined
  }
}

export const latencyAsNanos = (value: number, unit: string): number | undefined => {
  const f = nanosPerUnit(unit)
  return f === undefined ? undefined : value * f
}

export const throughputAsPerSecond = (value: number, unit: string): number | undefined => {
  const f = secondsPerUnit(unit)
  return f === undefined ? undefined : value / f
}

/**
 * `parseNumber(text.slice(from, to).trim())` without the copies in the usual case: blanks around
 * plain digits (at most 15, so the value is exact) are read in place; anything else takes the
 * general path.
 */
export const parseNumberIn = (text: string, from: number, to: number): number | undefined => {
  let a = from
  let b = to
  while (a < b && (text.charCodeAt(a) === 32 || text.charCodeAt(a) === 9)) a++
  while (b > a && (text.charCodeAt(b - 1) === 32 || text.charCodeAt(b - 1) === 9)) b--
  if (b > a && b - a <= 15) {
    let n = 0
    let i = a
    for (; i < b; i++) {
      const c = text.charCodeAt(i)
      if (c < 48 || c > 57) break
      n = n * 10 + (c - 48)
    }
    if (i === b) return n
  }
  return parseNumber(text.slice(from, to).trim())
}
