// A validating JSON scanner for gungraun summaries that keeps only what `rust_gungraun_json` reads.
// It accepts exactly what JSON.parse accepts (RFC 8259 grammar, any nesting depth) and gives the
// values JSON.parse's object would give for those few paths (a later duplicate key replaces an
// earlier one), but it builds no objects for the rest of the document: no garbage, one pass.
// Everything outside the read paths is skipped iteratively, so hostile nesting cannot overflow the stack.

/** What `parse` reads of one `profiles[i]` that is an object. */
export interface ScannedProfile {
  /** `tool`, when it is a string. */
  readonly tool: string | undefined
  /**
   * `summaries.total.summary` when all three are objects: key -> (metric key -> new value), or
   * `undefined` where the key's value is not an object. Map order = Object.entries order for every
   * key that is not an array index (no tool or metric name is one).
   */
  readonly summary: ReadonlyMap<string, ReadonlyMap<string, number | undefined> | undefined> | undefined
}

/** What `parse` reads of a top-level object. */
export interface ScannedDoc {
  readonly version6: boolean
  readonly modulePath: string | undefined
  readonly id: string | undefined
  /** The profiles that are objects, in order, when `profiles` is an array. */
  readonly profiles: ReadonlyArray<ScannedProfile> | undefined
}

/** Valid JSON whose top-level value is not an object. */
export const NOT_OBJECT = "not an object" as const

let s = ""
let p = 0
// the last key scanned: [keyStart, keyEnd) between the quotes
let keyStart = 0
let keyEnd = 0
let keyEscaped = false
// set when a scanned string has an escape
let escaped = false
const stack: Array<number> = []

const isDigit = (c: number): boolean => c >= 48 && c <= 57
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102)

// The scanning primitives take the text and an index and return the index after what they read, or
// -1 if it is not valid JSON; locals keep the hot loops in registers.

// blanks are never skipped past the end of the scanned range, so a value cannot continue into the
// lines after it and each scan stays within its range (plus, for a string, the rest of its line)
let limit = 0

const wsEnd = (str: string, i: number): number => {
  for (;;) {
    if (i >= limit) return i
    const c = str.charCodeAt(i)
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i
    i++
  }
}

/** i at an opening quote. */
const stringEnd = (str: string, i: number): number => {
  i++
  for (;;) {
    const c = str.charCodeAt(i)
    if (c === 34) return i + 1
    if (c === 92) {
      escaped = true
      const e = str.charCodeAt(i + 1)
      if (e === 117) {
        if (
          !isHex(str.charCodeAt(i + 2)) ||
          !isHex(str.charCodeAt(i + 3)) ||
          !isHex(str.charCodeAt(i + 4)) ||
          !isHex(str.charCodeAt(i + 5))
        ) {
          return -1
        }
        i += 6
      } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116)
        i += 2
      else return -1
    } else if (c >= 32) i++
    else return -1 // control character, or the end of the text (NaN)
  }
}

const numberEnd = (str: string, i: number): number => {
  if (str.charCodeAt(i) === 45) i++
  let c = str.charCodeAt(i)
  if (c === 48) i++
  else if (c >= 49 && c <= 57) {
    i++
    while (isDigit(str.charCodeAt(i))) i++
  } else return -1
  if (str.charCodeAt(i) === 46) {
    i++
    if (!isDigit(str.charCodeAt(i))) return -1
    while (isDigit(str.charCodeAt(i))) i++
  }
  c = str.charCodeAt(i)
  if (c === 101 || c === 69) {
    i++
    c = str.charCodeAt(i)
    if (c === 43 || c === 45) i++
    if (!isDigit(str.charCodeAt(i))) return -1
    while (isDigit(str.charCodeAt(i))) i++
  }
  return i
}

/** `"key" :` and blanks; sets keyStart/keyEnd/keyEscaped. */
const keyEndAt = (str: string, i: number): number => {
  if (str.charCodeAt(i) !== 34) return -1
  escaped = false
  const e = stringEnd(str, i)
  if (e < 0) return -1
  keyStart = i + 1
  keyEnd = e - 1
  keyEscaped = escaped
  i = wsEnd(str, e)
  if (str.charCodeAt(i) !== 58) return -1
  return wsEnd(str, i + 1)
}

const OBJECT = 0
const ARRAY = 1

/** One value at i (after blanks), validated and skipped; iterative, so any depth is fine. */
const valueEnd = (str: string, i: number): number => {
  let depth = 0
  for (;;) {
    const c = str.charCodeAt(i)
    if (c === 34) {
      i = stringEnd(str, i)
      if (i < 0) return -1
    } else if (c === 123) {
      i = wsEnd(str, i + 1)
      if (str.charCodeAt(i) === 125) i++
      else {
        stack[depth++] = OBJECT
        i = keyEndAt(str, i)
        if (i < 0) return -1
        continue
      }
    } else if (c === 91) {
      i = wsEnd(str, i + 1)
      if (str.charCodeAt(i) === 93) i++
      else {
        stack[depth++] = ARRAY
        continue
      }
    } else if (c === 45 || isDigit(c)) {
      i = numberEnd(str, i)
      if (i < 0) return -1
    } else if (c === 110) {
      if (!str.startsWith("null", i)) return -1
      i += 4
    } else if (c === 116) {
      if (!str.startsWith("true", i)) return -1
      i += 4
    } else if (c === 102) {
      if (!str.startsWith("false", i)) return -1
      i += 5
    } else return -1
    // after a value: close what ends here, then the next element or member
    for (;;) {
      if (depth === 0) return i
      i = wsEnd(str, i)
      const d = str.charCodeAt(i)
      if (d === 44) {
        i = wsEnd(str, i + 1)
        if (stack[depth - 1] === OBJECT) {
          i = keyEndAt(str, i)
          if (i < 0) return -1
        }
        break
      }
      if (d !== (stack[depth - 1] === OBJECT ? 125 : 93)) return -1
      i++
      depth--
    }
  }
}

const skipValue = (): boolean => {
  p = valueEnd(s, p)
  return p >= 0
}

/** At a key's opening quote: scans `"key" :` and leaves p at the value. */
const scanKey = (): boolean => {
  p = keyEndAt(s, p)
  return p >= 0
}

const keyIs = (name: string): boolean =>
  keyEscaped
    ? JSON.parse(s.slice(keyStart - 1, keyEnd + 1)) === name
    : keyEnd - keyStart === name.length && s.startsWith(name, keyStart)

const keyString = (): string =>
  keyEscaped ? (JSON.parse(s.slice(keyStart - 1, keyEnd + 1)) as string) : s.slice(keyStart, keyEnd)

const skipWs = (): void => {
  p = wsEnd(s, p)
}

/**
 * Walks the members of the object at p (its `{`), calling `member` with p at each value (after
 * blanks); `member` must consume the value. Leaves p after the `}`.
 */
const eachMember = (member: () => boolean): boolean => {
  p++
  skipWs()
  if (s.charCodeAt(p) === 125) {
    p++
    return true
  }
  for (;;) {
    if (!scanKey() || !member()) return false
    skipWs()
    const c = s.charCodeAt(p)
    p++
    if (c === 125) return true
    if (c !== 44) return false
    skipWs()
  }
}

/** A number value at p: its value if finite, else undefined; any other value is skipped. */
const finiteNumber = (): number | undefined | false => {
  const c = s.charCodeAt(p)
  if (c === 45 || isDigit(c)) {
    const start = p
    p = numberEnd(s, p)
    if (p < 0) return false
    const n = Number(s.slice(start, p))
    return Number.isFinite(n) ? n : undefined
  }
  return skipValue() ? undefined : false
}

// `{"Int": n}` / `{"Float": x}`: finite(Int) ?? finite(Float)
let sideInt: number | undefined
let sideFloat: number | undefined
const sideMember = (): boolean => {
  if (keyIs("Int")) {
    const v = finiteNumber()
    if (v === false) return false
    sideInt = v
    return true
  }
  if (keyIs("Float")) {
    const v = finiteNumber()
    if (v === false) return false
    sideFloat = v
    return true
  }
  return skipValue()
}
/** A side value at p: its number if it is an object with one, else undefined; false if invalid. */
const side = (): number | undefined | false => {
  if (s.charCodeAt(p) !== 123) return skipValue() ? undefined : false
  const outerInt = sideInt
  const outerFloat = sideFloat
  sideInt = undefined
  sideFloat = undefined
  const ok = eachMember(sideMember)
  const v = sideInt ?? sideFloat
  sideInt = outerInt
  sideFloat = outerFloat
  return ok ? v : false
}

// `metrics`: `"Left" in metrics ? metrics.Left : Array.isArray(metrics.Both) ? metrics.Both[0] : undefined`
let hasLeft = false
let leftValue: number | undefined
let bothValue: number | undefined
const bothArray = (): number | undefined | false => {
  // p at `[`
  p++
  skipWs()
  if (s.charCodeAt(p) === 93) {
    p++
    return undefined
  }
  const first = side()
  if (first === false) return false
  for (;;) {
    skipWs()
    const c = s.charCodeAt(p)
    p++
    if (c === 93) return first
    if (c !== 44) return false
    skipWs()
    if (!skipValue()) return false
  }
}
const metricsMember = (): boolean => {
  if (keyIs("Left")) {
    const v = side()
    if (v === false) return false
    hasLeft = true
    leftValue = v
    return true
  }
  if (keyIs("Both")) {
    const v = s.charCodeAt(p) === 91 ? bothArray() : skipValue() ? undefined : false
    if (v === false) return false
    bothValue = v
    return true
  }
  return skipValue()
}
const newValue = (): number | undefined | false => {
  if (s.charCodeAt(p) !== 123) return skipValue() ? undefined : false
  hasLeft = false
  leftValue = undefined
  bothValue = undefined
  if (!eachMember(metricsMember)) return false
  return hasLeft ? leftValue : bothValue
}

// a metric's diff: `{"diffs": ..., "metrics": ...}` -> the new value of `metrics`
let diffValue: number | undefined
const diffMember = (): boolean => {
  if (!keyIs("metrics")) return skipValue()
  const v = newValue()
  if (v === false) return false
  diffValue = v
  return true
}

// one tool's metrics: metric key -> new value
let toolMetrics: Map<string, number | undefined> = new Map()
const toolMember = (): boolean => {
  const key = keyString()
  if (s.charCodeAt(p) !== 123) {
    if (!skipValue()) return false
    toolMetrics.set(key, undefined)
    return true
  }
  diffValue = undefined
  if (!eachMember(diffMember)) return false
  toolMetrics.set(key, diffValue)
  return true
}

// `summary`: tool key -> its metrics
let summary: Map<string, ReadonlyMap<string, number | undefined> | undefined> = new Map()
const summaryMember = (): boolean => {
  const key = keyString()
  if (s.charCodeAt(p) !== 123) {
    if (!skipValue()) return false
    summary.set(key, undefined)
    return true
  }
  toolMetrics = new Map()
  if (!eachMember(toolMember)) return false
  summary.set(key, toolMetrics)
  return true
}
const summaryObject = ():
  | ReadonlyMap<string, ReadonlyMap<string, number | undefined> | undefined>
  | undefined
  | false => {
  if (s.charCodeAt(p) !== 123) return skipValue() ? undefined : false
  summary = new Map()
  return eachMember(summaryMember) ? summary : false
}

// `total`: -> its `summary`
let totalSummary: ScannedProfile["summary"]
const totalMember = (): boolean => {
  if (!keyIs("summary")) return skipValue()
  const v = summaryObject()
  if (v === false) return false
  totalSummary = v
  return true
}
// `summaries`: -> `total.summary`
let summariesSummary: ScannedProfile["summary"]
const summariesMember = (): boolean => {
  if (!keyIs("total")) return skipValue()
  if (s.charCodeAt(p) !== 123) {
    if (!skipValue()) return false
    summariesSummary = undefined
    return true
  }
  totalSummary = undefined
  if (!eachMember(totalMember)) return false
  summariesSummary = totalSummary
  return true
}

/** A string value at p, or undefined for any other value; false if invalid. */
const optionalString = (): string | undefined | false => {
  if (s.charCodeAt(p) === 34) {
    const start = p
    escaped = false
    p = stringEnd(s, p)
    if (p < 0) return false
    return escaped ? (JSON.parse(s.slice(start, p)) as string) : s.slice(start + 1, p - 1)
  }
  return skipValue() ? undefined : false
}

let profileTool: string | undefined
let profileSummary: ScannedProfile["summary"]
const profileMember = (): boolean => {
  if (keyIs("tool")) {
    const v = optionalString()
    if (v === false) return false
    profileTool = v
    return true
  }
  if (keyIs("summaries")) {
    if (s.charCodeAt(p) !== 123) {
      if (!skipValue()) return false
      profileSummary = undefined
      return true
    }
    summariesSummary = undefined
    if (!eachMember(summariesMember)) return false
    profileSummary = summariesSummary
    return true
  }
  return skipValue()
}
const profilesArray = (): Array<ScannedProfile> | false => {
  // p at `[`
  const out: Array<ScannedProfile> = []
  p++
  skipWs()
  if (s.charCodeAt(p) === 93) {
    p++
    return out
  }
  for (;;) {
    if (s.charCodeAt(p) === 123) {
      profileTool = undefined
      profileSummary = undefined
      if (!eachMember(profileMember)) return false
      out.push({ tool: profileTool, summary: profileSummary })
    } else if (!skipValue()) return false
    skipWs()
    const c = s.charCodeAt(p)
    p++
    if (c === 93) return out
    if (c !== 44) return false
    skipWs()
  }
}

let version6 = false
let modulePath: string | undefined
let docId: string | undefined
let profiles: Array<ScannedProfile> | undefined
const docMember = (): boolean => {
  if (keyIs("version")) {
    const v = optionalString()
    if (v === false) return false
    version6 = v === "6"
    return true
  }
  if (keyIs("module_path")) {
    const v = optionalString()
    if (v === false) return false
    modulePath = v
    return true
  }
  if (keyIs("id")) {
    const v = optionalString()
    if (v === false) return false
    docId = v
    return true
  }
  if (keyIs("profiles")) {
    if (s.charCodeAt(p) !== 91) {
      if (!skipValue()) return false
      profiles = undefined
      return true
    }
    const v = profilesArray()
    if (v === false) return false
    profiles = v
    return true
  }
  return skipValue()
}

/**
 * Scans the JSON text `text.slice(from, to)` in place (no copy): `undefined` where JSON.parse would
 * throw, `NOT_OBJECT` for another valid value, else what `parse` reads of the object. `to` must be
 * the end of the text or a blank or line break followed only by blanks up to the line's end: then no
 * token continues past it, blanks are not skipped past it, and a value that does not end by `to`
 * is rejected, as it is in the slice alone.
 */
export const scanSummary = (text: string, from: number, to: number): ScannedDoc | typeof NOT_OBJECT | undefined => {
  s = text
  p = from
  limit = to
  try {
    skipWs()
    let doc: ScannedDoc | typeof NOT_OBJECT
    if (s.charCodeAt(p) === 123) {
      version6 = false
      modulePath = undefined
      docId = undefined
      profiles = undefined
      if (!eachMember(docMember)) return undefined
      doc = { version6, modulePath, id: docId, profiles }
    } else {
      if (!skipValue()) return undefined
      doc = NOT_OBJECT
    }
    return p <= to && wsEnd(s, p) >= to ? doc : undefined
  } finally {
    s = ""
    profiles = undefined
    summary = new Map()
    toolMetrics = new Map()
    totalSummary = undefined
    summariesSummary = undefined
    profileSummary = undefined
  }
}
