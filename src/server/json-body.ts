// Request bodies as strict JSON, read once before any schema sees them: what JSON.parse refuses (a truncated body,
// trailing garbage, a byte order mark, a raw NUL), nesting deeper than MAX_JSON_DEPTH, a number too large for a
// double (`1e309`) and an unpaired UTF-16 surrogate escape are all refused with the line and column, as Bencher's
// serde_json does. JSON.parse does the parsing; the scanner below only runs to say where a refused body went wrong.
import { Data, Either } from "effect"
import { MAX_JSON_DEPTH } from "../domain/limits.js"

export class JsonBodyError extends Data.TaggedError("JsonBodyError")<{
  readonly reason: string
  readonly line: number
  readonly column: number
}> {
  override get message(): string {
    return `Invalid JSON body at line ${this.line}, column ${this.column}: ${this.reason}`
  }
}

const SURROGATE = /[\ud800-\udfff]/
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

const wellFormed = (s: string): boolean => !SURROGATE.test(s) || !UNPAIRED_SURROGATE.test(s)

/** True when a parsed value holds nothing the scanner would refuse; recursion stops at MAX_JSON_DEPTH. */
const acceptable = (value: unknown, depth: number): boolean => {
  if (typeof value === "number") return Number.isFinite(value)
  if (typeof value === "string") return wellFormed(value)
  if (typeof value !== "object" || value === null) return true
  if (depth >= MAX_JSON_DEPTH) return false
  if (Array.isArray(value)) {
    for (const item of value) if (!acceptable(item, depth + 1)) return false
    return true
  }
  for (const key in value) {
    if (!wellFormed(key) || !acceptable((value as Record<string, unknown>)[key], depth + 1)) return false
  }
  return true
}

/** The body's value (null for an empty body, as the platform reads it), or where and why it is refused. */
export const parseJsonBody = (text: string): Either.Either<unknown, JsonBodyError> => {
  if (text === "") return Either.right(null)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return Either.left(locate(text) ?? errorAt(text, 0, "not valid JSON"))
  }
  if (acceptable(value, 0)) return Either.right(value)
  return Either.left(locate(text) ?? errorAt(text, 0, "not acceptable JSON"))
}

const errorAt = (text: string, position: number, reason: string): JsonBodyError => {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return new JsonBodyError({ reason, line, column: position - lineStart + 1 })
}

const describe = (text: string, i: number): string => {
  if (i >= text.length) return "unexpected end of input"
  const c = text.charCodeAt(i)
  if (c === 0xfeff) return "unexpected byte order mark (U+FEFF); send JSON without a BOM"
  if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0))
    return `unexpected control character U+${c.toString(16).toUpperCase().padStart(4, "0")}`
  return `unexpected character ${JSON.stringify(text[i])}`
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y

class Refused {
  constructor(
    readonly position: number,
    readonly reason: string
  ) {}
}

/** Walks the text as JSON and returns the first thing refused, or undefined if there is none. */
const locate = (text: string): JsonBodyError | undefined => {
  let i = 0
  const n = text.length
  const fail = (position: number, reason: string): never => {
    throw new Refused(position, reason)
  }
  const space = () => {
    while (i < n) {
      const c = text.charCodeAt(i)
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return
      i++
    }
  }
  const hex4 = (at: number): number => {
    const digits = text.slice(at, at + 4)
    return /^[0-9a-fA-F]{4}$/.test(digits) ? parseInt(digits, 16) : -1
  }
  const string = () => {
    // text[i] is the opening quote
    i++
    for (;;) {
      if (i >= n) fail(i, "unterminated string")
      const c = text.charCodeAt(i)
      if (c === 34) {
        i++
        return
      }
      if (c < 0x20)
        fail(i, `control character U+${c.toString(16).toUpperCase().padStart(4, "0")} in a string (escape it)`)
      if (c !== 92) {
        i++
        continue
      }
      const e = text[i + 1]
      if (e === undefined) fail(i, "unterminated string")
      if (e !== "u") {
        if (!'"\\/bfnrt'.includes(e as string)) fail(i, `invalid escape \\${e}`)
        i += 2
        continue
      }
      const unit = hex4(i + 2)
      if (unit < 0) fail(i, "invalid \\u escape")
      if (unit >= 0xdc00 && unit <= 0xdfff) fail(i, "unpaired UTF-16 surrogate escape")
      if (unit >= 0xd800 && unit <= 0xdbff) {
        const low = text.slice(i + 6, i + 8) === "\\u" ? hex4(i + 8) : -1
        if (low < 0xdc00 || low > 0xdfff) fail(i, "unpaired UTF-16 surrogate escape")
        i += 12
      } else {
        i += 6
      }
    }
  }
  const number = () => {
    NUMBER.lastIndex = i
    const match = NUMBER.exec(text)
    if (match === null) return fail(i, "invalid number")
    if (!Number.isFinite(Number(match[0]))) fail(i, `number ${match[0]} is out of range`)
    i += match[0].length
  }
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length
    else fail(i, `invalid literal (expected ${word})`)
  }
  const value = (depth: number) => {
    space()
    const c = text[i]
    if (c === "{" || c === "[") {
      if (depth >= MAX_JSON_DEPTH) fail(i, `nested deeper than ${MAX_JSON_DEPTH} levels`)
      const close = c === "{" ? "}" : "]"
      i++
      space()
      if (text[i] === close) {
        i++
        return
      }
      for (;;) {
        if (c === "{") {
          space()
          if (text[i] !== '"') fail(i, i >= n ? "unexpected end of input" : "expected a string key")
          string()
          space()
          if (text[i] !== ":") fail(i, i >= n ? "unexpected end of input" : "expected ':'")
          i++
        }
        value(depth + 1)
        space()
        if (text[i] === ",") {
          i++
          continue
        }
        if (text[i] === close) {
          i++
          return
        }
        fail(i, i >= n ? "unexpected end of input" : `expected ',' or '${close}'`)
      }
    }
    if (c === '"') return string()
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return number()
    if (c === "t") return literal("true")
    if (c === "f") return literal("false")
    if (c === "n") return literal("null")
    fail(i, describe(text, i))
  }
  try {
    value(0)
    space()
    if (i < n) fail(i, `trailing characters after the JSON value (${describe(text, i)})`)
    return undefined
  } catch (e) {
    if (e instanceof Refused) return errorAt(text, e.position, e.reason)
    throw e
  }
}
