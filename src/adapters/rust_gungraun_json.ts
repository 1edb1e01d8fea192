// `rust_gungraun_json`: gungraun summary JSON v6 (`--save-summary=json|pretty-json` printed to stdout),
// pretty-printed or NDJSON, mixed with other output (cargo's JSON messages, test harness lines).
// Name = `module_path::id` (or `module_path`); each metric keeps the new side of its diff.
import { metric } from "../domain/bmf.js"
import { finite, isRecord, parseJson, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { jsonKeyToSlug, type Tool, toolFromName } from "./gungraun_measures.js"
import { splitLines } from "./lines.js"

const ADAPTER = "rust_gungraun_json"

/** Brace depth change of one line, ignoring braces inside JSON strings. */
const depthDelta = (line: string): number => {
  let depth = 0
  let inString = false
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (inString) {
      if (c === 92) i++ // backslash escapes the next character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91) depth++
    else if (c === 125 || c === 93) depth--
  }
  return depth
}

const PROFILES = "\"profiles\""

/**
 * Top-level gungraun summaries found in mixed output, in order. Linear, and cheap per line: a
 * one-line object is parsed only if it mentions "profiles"; a pretty object opened by a lone `{` ends
 * at the `}` with the same indentation; anything else falls back to counting braces.
 */
export const jsonObjects = (input: string): Array<unknown> => {
  const found: Array<unknown> = []
  let buffer: Array<string> = []
  let mode: "none" | "indent" | "depth" = "none"
  let closing = ""
  let depth = 0
  const close = () => {
    const value = parseJson(buffer.join("\n"))
    if (value !== undefined) found.push(value)
    buffer = []
    mode = "none"
  }
  for (const line of splitLines(input)) {
    if (mode !== "none") {
      // a summary printed on one line while a pretty object was cut short: the cut object is dropped
      if (line.endsWith("}") && line.includes(PROFILES)) {
        const whole = parseJson(line.trim())
        if (isRecord(whole)) {
          found.push(whole)
          buffer = []
          mode = "none"
          continue
        }
      }
      buffer.push(line)
      if (mode === "indent") {
        if (line === closing || line === `${closing},`) close()
      } else {
        depth += depthDelta(line)
        if (depth <= 0) close()
      }
      continue
    }
    const t = line.trimStart()
    if (t.charCodeAt(0) !== 123) continue
    if (t.trimEnd() === "{") {
      mode = "indent"
      closing = `${line.slice(0, line.length - t.length)}}`
      buffer = [line]
      continue
    }
    if (!line.includes(PROFILES) && line.trimEnd().endsWith("}")) continue
    const whole = parseJson(t)
    if (whole !== undefined) {
      found.push(whole)
      continue
    }
    const d = depthDelta(t)
    if (d > 0) {
      mode = "depth"
      depth = d
      buffer = [line]
    }
  }
  return found
}

/** The new value of an `EitherOrBoth` metric: `Left` (new only) or `Both` [new, old]. */
const newValue = (metrics: unknown): number | undefined => {
  if (!isRecord(metrics)) return undefined
  const side = "Left" in metrics ? metrics["Left"] : Array.isArray(metrics["Both"]) ? metrics["Both"][0] : undefined
  if (!isRecord(side)) return undefined
  return finite(side["Int"]) ?? finite(side["Float"])
}

const profileTool = (profile: Record<string, unknown>, summaryKey: string): Tool | undefined =>
  summaryKey === "ErrorTool"
    ? typeof profile["tool"] === "string" ? toolFromName(profile["tool"]) : undefined
    : toolFromName(summaryKey)

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, [])
  const results = new ResultsBuilder()
  for (const doc of jsonObjects(input)) {
    if (!isRecord(doc) || doc["version"] !== "6" || typeof doc["module_path"] !== "string" || !Array.isArray(doc["profiles"])) {
      continue
    }
    const id = doc["id"]
    const name = typeof id === "string" ? `${doc["module_path"]}::${id}` : doc["module_path"]
    for (const profile of doc["profiles"]) {
      if (!isRecord(profile) || !isRecord(profile["summaries"])) continue
      const total = profile["summaries"]["total"]
      const summary = isRecord(total) ? total["summary"] : undefined
      if (!isRecord(summary)) continue
      for (const [key, metrics] of Object.entries(summary)) {
        const tool = profileTool(profile, key)
        if (tool === undefined || !isRecord(metrics)) continue
        for (const [metricKey, diff] of Object.entries(metrics)) {
          const slug = jsonKeyToSlug[tool].get(metricKey)
          const value = isRecord(diff) ? newValue(diff["metrics"]) : undefined
          if (slug !== undefined && value !== undefined) results.add(name, slug, metric(value))
        }
      }
    }
  }
  return results.result(ADAPTER, unsupported)
}
