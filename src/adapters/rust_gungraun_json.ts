// `rust_gungraun_json`: gungraun summary JSON v6 (`--save-summary=json|pretty-json` printed to stdout),
// pretty-printed or NDJSON, mixed with other output (cargo's JSON messages, test harness lines).
// Name = `module_path::id` (or `module_path`); each metric keeps the new side of its diff.
import { isRecord, parseJson, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { jsonKeyToSlug, toolFromName } from "./gungraun_measures.js"
import { NOT_OBJECT, scanSummary } from "./gungraun_scan.js"
import { cleanText } from "./lines.js"

const ADAPTER = "rust_gungraun_json"

/** Brace depth change of one line, ignoring braces inside JSON strings. */
const depthDelta = (line: string): number => {
  let depth = 0
  let inString = false
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (inString) {
      if (c === 92)
        i++ // backslash escapes the next character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91) depth++
    else if (c === 125 || c === 93) depth--
  }
  return depth
}

const PROFILES = '"profiles"'

/**
 * Top-level gungraun summaries found in mixed output, in order, each handed to `emit` as soon as it
 * ends (nothing is kept). Linear, and cheap per line: a one-line object is parsed only if it mentions
 * "profiles"; a pretty object opened by a lone `{` ends at the `}` with the same indentation;
 * anything else falls back to counting braces. Lines are the cleaned lines of `splitLines`, walked
 * as ranges of their joined text, so a buffered object is one range of it. `parseText` gets the
 * range of the text JSON.parse would get; the character at its end is a blank, a line break or none.
 */
const frame = <T>(
  input: string,
  parseText: (text: string, from: number, to: number) => T | undefined,
  isObject: (value: T) => boolean,
  emit: (value: T) => void
): void => {
  // the lines of splitLines(input), joined by "\n" (the input itself unless it has CRs or ANSI codes)
  const text = cleanText(input)
  let mode: "none" | "indent" | "depth" = "none"
  let start = 0 // where the buffered object's first line starts
  let closing = ""
  let depth = 0
  for (let a = 0; a <= text.length; ) {
    let b = text.indexOf("\n", a)
    if (b < 0) b = text.length
    const lineStart = a
    a = b + 1
    if (mode !== "none") {
      // a summary printed on one line while a pretty object was cut short: the cut object is dropped
      if (b > lineStart && text.charCodeAt(b - 1) === 125) {
        const line = text.slice(lineStart, b)
        if (line.includes(PROFILES)) {
          const whole = parseText(
            text,
            lineStart + line.length - line.trimStart().length,
            lineStart + line.trimEnd().length
          )
          if (whole !== undefined && isObject(whole)) {
            emit(whole)
            mode = "none"
            continue
          }
        }
      }
      let done: boolean
      if (mode === "indent") {
        const length = b - lineStart
        done =
          (length === closing.length || (length === closing.length + 1 && text.charCodeAt(b - 1) === 44)) &&
          text.startsWith(closing, lineStart)
      } else {
        depth += depthDelta(text.slice(lineStart, b))
        done = depth <= 0
      }
      if (done) {
        const value = parseText(text, start, b)
        if (value !== undefined) emit(value)
        mode = "none"
      }
      continue
    }
    // printable ASCII other than `{` first: not a candidate (trimStart removes only blanks)
    const c0 = text.charCodeAt(lineStart)
    if (c0 >= 33 && c0 <= 126 && c0 !== 123) continue
    const line = text.slice(lineStart, b)
    const t = c0 === 123 ? line : line.trimStart()
    if (t.charCodeAt(0) !== 123) continue
    if (t.trimEnd() === "{") {
      mode = "indent"
      closing = `${line.slice(0, line.length - t.length)}}`
      start = lineStart
      continue
    }
    if (!line.includes(PROFILES) && line.trimEnd().endsWith("}")) continue
    const whole = parseText(text, b - t.length, b)
    if (whole !== undefined) {
      emit(whole)
      continue
    }
    const d = depthDelta(t)
    if (d > 0) {
      mode = "depth"
      depth = d
      start = lineStart
    }
  }
}

/** Every valid JSON value found, as JSON.parse gives it. */
export const jsonObjects = (input: string): Array<unknown> => {
  const found: Array<unknown> = []
  frame(
    input,
    (text, from, to) => parseJson(text.slice(from, to)),
    isRecord,
    (value) => found.push(value)
  )
  return found
}

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, [])
  const results = new ResultsBuilder()
  // the same documents as jsonObjects, scanned for the few values read here instead of parsed whole
  frame(
    input,
    scanSummary,
    (d) => d !== NOT_OBJECT,
    (doc) => {
      if (doc === NOT_OBJECT || !doc.version6 || doc.modulePath === undefined || doc.profiles === undefined) return
      const name = doc.id !== undefined ? `${doc.modulePath}::${doc.id}` : doc.modulePath
      for (const profile of doc.profiles) {
        if (profile.summary === undefined) continue
        for (const [key, metrics] of profile.summary) {
          const tool =
            key === "ErrorTool"
              ? profile.tool !== undefined
                ? toolFromName(profile.tool)
                : undefined
              : toolFromName(key)
          if (tool === undefined || metrics === undefined) continue
          for (const [metricKey, value] of metrics) {
            const slug = jsonKeyToSlug[tool].get(metricKey)
            if (slug !== undefined && value !== undefined) results.addValue(name, slug, value)
          }
        }
      }
    }
  )
  return results.result(ADAPTER, unsupported)
}
