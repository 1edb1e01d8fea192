import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option } from "effect"
import { runOptions, type RunOptions } from "../../src/cli/run/options.js"
import { unknownFlagOf } from "../../src/cli/run/flags.js"

// `bencher run`'s flags against Bencher's list (docs/reference.md §4.1, docs/ci.md): every flag and hidden alias
// Bencher accepts parses here and never leaks into the benchmark command; an unknown flag is named.

/** Parses `bencher run <args>` with the real options and no handler effects. */
const parse = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    let parsed: RunOptions | undefined
    const run = Command.make("run", runOptions, (o) => Effect.sync(() => void (parsed = o)))
    const root = Command.make("bencher").pipe(Command.withSubcommands([run]))
    const outcome = yield* Command.run(root, { name: "bencher", version: "0" })([
      "node",
      "bencher",
      "run",
      ...args
    ]).pipe(Effect.provide(NodeContext.layer), Effect.either)
    return Either.isRight(outcome) ? parsed : undefined
  })

/** Bencher's `bencher run` flags with a sample value for those that take one (undefined: a boolean flag). */
const BENCHER_FLAGS: ReadonlyArray<readonly [string, string | undefined]> = [
  ["--project", "p"],
  ["--ci-on-the-fly", undefined],
  ["--branch", "b"],
  ["--if-branch", "b"],
  ["--hash", "abc"],
  ["--start-point", "main"],
  ["--else-if-branch", "main"],
  ["--branch-start-point", "main"],
  ["--start-point-hash", "abc"],
  ["--branch-start-point-hash", "abc"],
  ["--start-point-max-versions", "3"],
  ["--start-point-clone-thresholds", undefined],
  ["--start-point-reset", undefined],
  ["--branch-reset", undefined],
  ["--else-branch", undefined],
  ["--endif-branch", undefined],
  ["--no-hash", undefined],
  ["--testbed", "t"],
  ["--spec-reset", undefined],
  ["--adapter", "json"],
  ["--average", "median"],
  ["--iter", "2"],
  ["--fold", "min"],
  ["--backdate", "1"],
  ["--allow-failure", undefined],
  ["--threshold-measure", "latency"],
  ["--threshold-test", "t_test"],
  ["--threshold-min-sample-size", "2"],
  ["--threshold-max-sample-size", "9"],
  ["--threshold-window", "60"],
  ["--threshold-lower-boundary", "_"],
  ["--threshold-upper-boundary", "0.99"],
  ["--thresholds-reset", undefined],
  ["--error-on-alert", undefined],
  ["--err", undefined],
  ["--format", "json"],
  ["--quiet", undefined],
  ["-q", undefined],
  ["--github-actions", "ghs_token"],
  ["--ci-only-thresholds", undefined],
  ["--ci-only-on-alert", undefined],
  ["--ci-public-links", undefined],
  ["--ci-id", "job-1"],
  ["--ci-number", "7"],
  ["--ci-i-am-vulnerable-to-pwn-requests", undefined],
  ["--gitlab-ci", "glpat"],
  ["--build-time", undefined],
  ["--file", "f.json"],
  ["--file-size", "a.out"],
  ["--shell", "/bin/bash"],
  ["--flag", "-c"],
  ["--exec", undefined],
  ["--dry-run", undefined],
  ["--image", "p:v1"],
  ["--spec", "s"],
  ["--entrypoint", "/bin/sh"],
  ["--env", "A=1"],
  ["--job-timeout", "60"],
  ["--job-poll-interval", "5"],
  ["--poll-interval", "5"],
  ["--detach", undefined],
  ["--host", "http://h"],
  ["--token", "t"],
  ["--key", "bencher_user_x"],
  ["--insecure-host", undefined],
  ["--native-tls", undefined],
  ["--timeout", "15"],
  ["--attempts", "3"],
  ["--retry-after", "1"],
  ["--max-retry-after", "30"],
  ["--strict", undefined]
]

describe("bencher run flags (Bencher's list)", () => {
  for (const [flag, value] of BENCHER_FLAGS) {
    it.effect(`accepts ${flag}${value === undefined ? "" : ` ${value}`} before the command`, () =>
      Effect.gen(function* () {
        const args = [flag, ...(value === undefined ? [] : [value]), "cargo", "bench"]
        const parsed = yield* parse(args)
        expect(parsed, `${flag} did not parse`).toBeDefined()
        expect(parsed?.command).toEqual(["cargo", "bench"])
        expect(unknownFlagOf(parsed?.command ?? [], ["node", "bencher", "run", ...args])).toBeUndefined()
      })
    )
  }

  it.effect("reads the CI flags' values", () =>
    Effect.gen(function* () {
      const parsed = yield* parse([
        "--github-actions",
        "ghs_x",
        "--ci-id",
        "a",
        "--ci-number",
        "12",
        "--gitlab-ci",
        "gl",
        "echo"
      ])
      expect(parsed?.githubActions).toEqual(Option.some("ghs_x"))
      expect(parsed?.ciNumber).toEqual(Option.some(12))
      expect(parsed?.ciId).toEqual(Option.some("a"))
      expect(parsed?.gitlabCi).toEqual(Option.some("gl"))
    })
  )

  for (const unknown of ["--github-action", "--ci-only", "--bogus", "--foo=bar", "-z"]) {
    it.effect(`names the unknown flag ${unknown} instead of running it`, () =>
      Effect.gen(function* () {
        const args = ["--quiet", unknown, "cargo", "bench"]
        const parsed = yield* parse(args)
        expect(unknownFlagOf(parsed?.command ?? [], ["node", "bencher", "run", ...args])).toBe(unknown.split("=")[0])
      })
    )
  }

  it.effect("-- still ends the options: a dash-word after it is the command", () =>
    Effect.gen(function* () {
      const args = ["--quiet", "--", "--weird-binary", "x"]
      const parsed = yield* parse(args)
      expect(parsed?.command).toEqual(["--weird-binary", "x"])
      expect(unknownFlagOf(parsed?.command ?? [], ["node", "bencher", "run", ...args])).toBeUndefined()
    })
  )
})
