// Line scanning for text adapters: CRLF and ANSI colour codes are removed per line, so mixed logs
// parse the same as clean ones. Everything here is linear in the input.

// CSI sequences (colours, cursor moves) and OSC hyperlinks; no nested quantifiers.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g

export const stripAnsi = (line: string): string => (line.includes("\x1b") ? line.replace(ANSI, "") : line)

/** One cleaned line: no ANSI escapes, no trailing CRs. */
export const cleanLine = (line: string): string => {
  const plain = stripAnsi(line)
  let end = plain.length
  while (end > 0 && plain.charCodeAt(end - 1) === 13) end--
  return end === plain.length ? plain : plain.slice(0, end)
}

/** The whole input without ANSI escapes and CRs at line ends, for adapters that scan it with one /gm regex. */
export const cleanText = (input: string): string =>
  input.includes("\r") || input.includes("\x1b") ? splitLines(input).join("\n") : input

export const splitLines = (input: string): Array<string> => {
  const raw = input.split("\n")
  // most tool output has neither: then the lines are used as split
  if (!input.includes("\r") && !input.includes("\x1b")) return raw
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i]
    if (line !== undefined && (line.includes("\r") || line.includes("\x1b"))) raw[i] = cleanLine(line)
  }
  return raw
}

const BLANKS = /[ \t]+/

/** Splits on runs of spaces and tabs (what `split_whitespace` does in Rust). */
export const words = (line: string): Array<string> => {
  const t = line.trim()
  return t.length === 0 ? [] : t.split(BLANKS)
}

/**
 * Calls `f` with each line of `splitLines(input)` and its 1-based number, in order, without building the
 * array of lines.
 */
export const eachLine = (input: string, f: (line: string, number: number) => void): void => {
  if (input.includes("\r") || input.includes("\x1b")) {
    let n = 0
    for (const line of splitLines(input)) f(line, ++n)
    return
  }
  let n = 0
  for (let a = 0; a <= input.length; ) {
    let b = input.indexOf("\n", a)
    if (b < 0) b = input.length
    f(input.slice(a, b), ++n)
    a = b + 1
  }
}
