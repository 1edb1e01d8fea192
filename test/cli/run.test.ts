import { describe, expect, it } from "@effect/vitest"
import { HttpApiClient, HttpClient, HttpClientResponse } from "@effect/platform"
import { Duration, Effect, Either, Option } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { BencherApi } from "../../src/api/index.js"
import { explainUndeclaredError, isRetryableStatus, resolveBackend, withBackend } from "../../src/cli/backend.js"
import { renderHtml, renderHuman, renderJson } from "../../src/cli/render/index.js"
import { buildTimeAndFileSizeBmf, buildTimeSeconds } from "../../src/cli/run/bmf.js"
import { benchCommand, displayCommand } from "../../src/cli/run/command.js"
import { buildNewRun, runTimes } from "../../src/cli/run/new-run.js"
import { collectResults, type ResultsPlan } from "../../src/cli/run/results.js"
import { validateNewRun } from "../../src/cli/run/validate.js"
import { parseStartPointFlags } from "../../src/cli/run/start-point.js"
import { parseThresholdFlags, type ThresholdFlags } from "../../src/cli/run/thresholds.js"
import { emptyReport, sampleReport } from "./fixtures.js"

const noThresholds: ThresholdFlags = {
  measures: [],
  tests: [],
  minSampleSizes: [],
  maxSampleSizes: [],
  windows: [],
  lowerBoundaries: [],
  upperBoundaries: [],
  reset: false
}

describe("threshold flags (parallel lists, _ elides)", () => {
  it("gives no thresholds without flags, and reset alone with --thresholds-reset", () => {
    expect(parseThresholdFlags(noThresholds)).toEqual(Either.right(undefined))
    expect(parseThresholdFlags({ ...noThresholds, reset: true })).toEqual(Either.right({ reset: true }))
  })

  it("pairs the i-th value of each list with the i-th measure and drops `_`", () => {
    const parsed = parseThresholdFlags({
      ...noThresholds,
      measures: ["latency", "throughput"],
      tests: ["t_test", "percentage"],
      maxSampleSizes: ["64", "_"],
      lowerBoundaries: ["_", "0.1"],
      upperBoundaries: ["0.99", "_"],
      reset: true
    })
    expect(parsed).toEqual(
      Either.right({
        models: {
          latency: { test: "t_test", max_sample_size: 64, upper_boundary: 0.99 },
          throughput: { test: "percentage", lower_boundary: 0.1 }
        },
        reset: true
      })
    )
  })

  it("leaves a whole list out when it is not given", () => {
    const parsed = parseThresholdFlags({
      ...noThresholds,
      measures: ["latency"],
      tests: ["z_score"],
      upperBoundaries: ["0.95"]
    })
    expect(parsed).toEqual(Either.right({ models: { latency: { test: "z_score", upper_boundary: 0.95 } } }))
  })

  it("refuses lists whose length differs from the measures, missing tests, bad values and stray flags", () => {
    const bad = (flags: Partial<ThresholdFlags>) => Either.getLeft(parseThresholdFlags({ ...noThresholds, ...flags }))
    expect(bad({ measures: ["latency", "x"], tests: ["t_test"] })).toEqual(
      Option.some(expect.stringContaining("every threshold needs a test"))
    )
    expect(bad({ measures: ["latency"], tests: ["t_test"], windows: ["1", "2"] })).toEqual(
      Option.some(expect.stringContaining("--threshold-window"))
    )
    expect(bad({ measures: ["latency"], tests: ["nope"] })).toEqual(
      Option.some(expect.stringContaining("is not a test"))
    )
    expect(bad({ measures: ["latency"], tests: ["_"] })).toEqual(Option.some(expect.stringContaining("cannot be _")))
    expect(bad({ measures: ["latency"], tests: ["t"], minSampleSizes: ["two"] })).toEqual(
      Option.some(expect.stringContaining("whole number"))
    )
    expect(bad({ measures: ["latency"], tests: ["t"], upperBoundaries: ["high"] })).toEqual(
      Option.some(expect.stringContaining("is not a number"))
    )
    expect(bad({ tests: ["t_test"] })).toEqual(Option.some("--threshold-test requires --threshold-measure"))
    expect(bad({ measures: ["latency", "latency"], tests: ["t", "t"] })).toEqual(
      Option.some(expect.stringContaining("twice"))
    )
  })
})

describe("start point flags", () => {
  const base = { startPoints: [], hash: undefined, maxVersions: 255, cloneThresholds: false, reset: false }

  it("skips empty and invalid start points and takes the first valid one", () => {
    expect(parseStartPointFlags({ ...base, startPoints: ["", "  ", "feature/x", "main"] })).toEqual(
      Either.right({ branch: "feature/x", max_versions: 255, clone_thresholds: false, reset: false })
    )
    expect(parseStartPointFlags({ ...base, startPoints: [""] })).toEqual(Either.right(undefined))
  })

  it("carries hash, max versions, clone thresholds and reset", () => {
    expect(
      parseStartPointFlags({
        ...base,
        startPoints: ["main"],
        hash: "abcdef1",
        maxVersions: 10,
        cloneThresholds: true,
        reset: true
      })
    ).toEqual(Either.right({ branch: "main", hash: "abcdef1", max_versions: 10, clone_thresholds: true, reset: true }))
  })

  it("sends reset alone without a start point, and refuses a hash without one", () => {
    expect(parseStartPointFlags({ ...base, reset: true })).toEqual(Either.right({ reset: true }))
    expect(Either.isLeft(parseStartPointFlags({ ...base, hash: "abcdef1" }))).toBe(true)
    expect(Either.isLeft(parseStartPointFlags({ ...base, startPoints: ["main"], hash: "not-a-hash" }))).toBe(true)
    expect(Either.isLeft(parseStartPointFlags({ ...base, startPoints: ["main"], maxVersions: 256 }))).toBe(true)
  })
})

describe("JsonNewRun", () => {
  const input = {
    project: undefined,
    branch: undefined,
    hash: undefined,
    startPoint: undefined,
    testbed: undefined,
    thresholds: undefined,
    startTime: new Date("2026-01-01T00:00:00Z"),
    endTime: new Date("2026-01-01T00:00:02Z"),
    results: ["{}"],
    adapter: "magic",
    average: undefined,
    fold: undefined,
    context: {},
    idempotencyKey: "4cef5660-3649-458b-9166-75c3d1c476e5"
  }

  it("leaves out what was not given, so the server applies its defaults", () => {
    expect(buildNewRun(input)).toEqual({
      start_time: "2026-01-01T00:00:00.000Z",
      end_time: "2026-01-01T00:00:02.000Z",
      results: ["{}"],
      settings: { adapter: "magic" },
      idempotency_key: "4cef5660-3649-458b-9166-75c3d1c476e5"
    })
  })

  it("carries every flag under Bencher's snake_case names, in Bencher's key order", () => {
    const run = buildNewRun({
      ...input,
      project: "demo",
      branch: "feature",
      hash: "abcdef1",
      testbed: "ci",
      startPoint: { branch: "main", max_versions: 255, clone_thresholds: false, reset: false },
      thresholds: { models: { latency: { test: "t_test", upper_boundary: 0.99 } } },
      average: "median",
      fold: "min",
      context: { "bencher.dev/v0/testbed/os": "linux" }
    })
    expect(Object.keys(run)).toEqual([
      "project",
      "branch",
      "hash",
      "start_point",
      "testbed",
      "thresholds",
      "start_time",
      "end_time",
      "results",
      "settings",
      "context",
      "idempotency_key"
    ])
    expect(run.settings).toEqual({ adapter: "magic", average: "median", fold: "min" })
  })

  it.effect("is checked against the contract before sending, naming each bad field once", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(validateNewRun(buildNewRun({ ...input, branch: "a b", hash: "xyz" })))
      expect(error).toMatchObject({ _tag: "RunFlagError", exitCode: 1 })
      expect(error.message).toBe(
        "branch: must be a git-ref-like name of at most 256 bytes; hash: must be a git commit hash (7 to 64 hex digits)"
      )
      expect(yield* validateNewRun(buildNewRun(input))).toEqual(buildNewRun(input))
    })
  )

  it("moves the start to --backdate and keeps the elapsed time", () => {
    const { start, end } = runTimes(new Date(10_000), new Date(12_500), 1_700_000_000)
    expect(start.toISOString()).toBe("2023-11-14T22:13:20.000Z")
    expect(end.getTime() - start.getTime()).toBe(2_500)
  })
})

describe("commands and self-made BMF (§4.2)", () => {
  const shell = { exec: false, shell: "/bin/sh", flag: "-c" }

  it("runs one argument through the shell and several (or --exec) as argv", () => {
    expect(benchCommand([], shell)).toBeUndefined()
    const single = benchCommand(["./build.sh --fast"], shell)
    expect(single?._tag).toBe("Shell")
    expect(single === undefined ? "" : displayCommand(single)).toBe("/bin/sh -c ./build.sh --fast")
    expect(benchCommand(["node", "-e", "1"], shell)?._tag).toBe("Exec")
    expect(benchCommand(["./bench"], { ...shell, exec: true })?._tag).toBe("Exec")
  })

  it("writes build-time in seconds rounded to 2 decimals under the command, file-size under the basename", () => {
    expect(buildTimeSeconds(1234.5)).toBe(1.23)
    expect(
      buildTimeAndFileSizeBmf({
        buildTime: { command: "/bin/sh -c make", elapsedMs: 2_006 },
        fileSizes: [{ path: "/tmp/out/app.wasm", bytes: 4096 }]
      })
    ).toEqual({
      "/bin/sh -c make": { "build-time": { value: 2.01 } },
      "app.wasm": { "file-size": { value: 4096 } }
    })
  })
})

describe("collecting results", () => {
  const plan = (overrides: Partial<ResultsPlan>): ResultsPlan => ({
    command: undefined,
    iter: 1,
    files: [],
    fileSizes: [],
    buildTime: false,
    allowFailure: false,
    echo: undefined,
    log: undefined,
    readStdin: () => Promise.resolve(undefined),
    ...overrides
  })
  const sh = (command: string) => benchCommand([command], { exec: false, shell: "/bin/sh", flag: "-c" })

  it.effect("takes stdout of each iteration and echoes every line", () =>
    Effect.gen(function* () {
      const echoed: Array<string> = []
      const results = yield* collectResults(
        plan({
          command: sh("echo one; echo two >&2; echo three"),
          iter: 2,
          echo: (line, stream) => echoed.push(`${stream}:${line}`)
        })
      )
      expect(results).toEqual(["one\nthree", "one\nthree"])
      expect(echoed.filter((l) => l.startsWith("stderr"))).toEqual(["stderr:two", "stderr:two"])
    })
  )

  it.effect("fails on a non-zero exit, and skips it with --allow-failure", () =>
    Effect.gen(function* () {
      const failed = yield* Effect.flip(collectResults(plan({ command: sh("echo x; exit 3") })))
      expect(failed).toMatchObject({ _tag: "CommandFailed", exitCode: 1, commandExitCode: 3 })
      expect(failed.message).toContain("non-zero exit code (3)")
      const logs: Array<string> = []
      const results = yield* collectResults(
        plan({ command: sh("exit 3"), iter: 2, allowFailure: true, log: (l) => logs.push(l) })
      )
      expect(results).toEqual([])
      expect(logs).toHaveLength(2)
    })
  )

  it.effect("reads each --file as its own iteration after the command", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "bencher-run-"))
      try {
        writeFileSync(join(dir, "a.json"), "A")
        writeFileSync(join(dir, "b.json"), "B")
        const results = yield* collectResults(
          plan({ command: sh("true"), iter: 2, files: [join(dir, "a.json"), join(dir, "b.json")] })
        )
        expect(results).toEqual(["A", "B", "A", "B"])
        const missing = yield* Effect.flip(collectResults(plan({ files: [join(dir, "nope.json")] })))
        expect(missing._tag).toBe("ResultsUnreadable")
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  )

  it.effect("sends piped stdin once when there is neither command nor file, and refuses empty input", () =>
    Effect.gen(function* () {
      expect(yield* collectResults(plan({ readStdin: () => Promise.resolve('{"b":{}}') }))).toEqual(['{"b":{}}'])
      const empty = yield* Effect.flip(collectResults(plan({ readStdin: () => Promise.resolve("") })))
      expect(empty.message).toContain("No results")
    })
  )

  it.effect("with --build-time sends the BMF instead of stdout", () =>
    Effect.gen(function* () {
      const [result] = yield* collectResults(plan({ command: sh("echo ignored"), buildTime: true }))
      const bmf = JSON.parse(result ?? "{}") as Record<string, Record<string, { value: number }>>
      expect(Object.keys(bmf)).toEqual(["/bin/sh -c echo ignored"])
      expect(bmf["/bin/sh -c echo ignored"]?.["build-time"]?.value).toBeGreaterThanOrEqual(0)
    })
  )
})

describe("backend client", () => {
  const config = (attempts: number) =>
    resolveBackend({
      host: "http://bencher.test/",
      key: Option.some("bencher_user_abc"),
      token: Option.none(),
      timeout: 1,
      attempts,
      retryAfter: 1,
      maxRetryAfter: 1
    })
  const fast = (attempts: number, notes: Array<string> = []) => ({
    ...config(attempts),
    retryAfter: Duration.millis(5),
    maxRetryAfter: Duration.millis(20),
    onRetry: (note: string) => notes.push(note)
  })

  const scripted = (statuses: ReadonlyArray<number>) => {
    const seen: Array<{ url: string; authorization: string | undefined }> = []
    const client = HttpClient.make((request) =>
      Effect.sync(() => {
        const status = statuses[Math.min(seen.length, statuses.length - 1)] ?? 200
        seen.push({ url: request.url, authorization: request.headers["authorization"] })
        const body =
          status === 200
            ? JSON.stringify({ version: "1.2.3" })
            : JSON.stringify({ _tag: "InternalError", message: `boom ${status}` })
        return HttpClientResponse.fromWeb(
          request,
          new Response(body, { status, headers: { "content-type": "application/json" } })
        )
      })
    )
    return { client, seen }
  }

  it("resolves the host without a trailing slash, the key over the token", () => {
    expect(config(1).host).toBe("http://bencher.test")
    expect(
      resolveBackend({
        ...{
          host: "h",
          key: Option.none(),
          token: Option.some("jwt"),
          timeout: 1,
          attempts: 1,
          retryAfter: 1,
          maxRetryAfter: 1
        }
      }).key
    ).toEqual(Option.some("jwt"))
  })

  it("retries 5xx and 429 only", () => {
    expect([429, 500, 502, 503].every(isRetryableStatus)).toBe(true)
    expect([200, 400, 401, 403, 404, 409, 413].some(isRetryableStatus)).toBe(false)
  })

  it.live("sends the bearer key and retries 503 with backoff until the server answers", () =>
    Effect.gen(function* () {
      const { client, seen } = scripted([503, 429, 200])
      const notes: Array<string> = []
      const api = yield* HttpApiClient.group(BencherApi, {
        group: "server",
        httpClient: withBackend(fast(5, notes))(client),
        baseUrl: "http://bencher.test"
      })
      expect(yield* api.version()).toEqual({ version: "1.2.3" })
      expect(seen).toHaveLength(3)
      expect(notes).toEqual([
        "GET http://bencher.test/v0/server/version failed (status 503); retrying (attempt 2 of 5)",
        "GET http://bencher.test/v0/server/version failed (status 429); retrying (attempt 3 of 5)"
      ])
      expect(seen.every((s) => s.authorization === "Bearer bencher_user_abc")).toBe(true)
    })
  )

  it.live("gives up after --attempts and surfaces the server's typed error", () =>
    Effect.gen(function* () {
      const { client, seen } = scripted([500])
      const notes: Array<string> = []
      const api = yield* HttpApiClient.group(BencherApi, {
        group: "server",
        httpClient: withBackend(fast(3, notes))(client),
        baseUrl: "http://bencher.test"
      })
      const error = yield* Effect.flip(api.version())
      expect(error).toMatchObject({ _tag: "InternalError", message: "boom 500" })
      expect(seen).toHaveLength(3)
      expect(notes).toHaveLength(2)
    })
  )

  it.live("does not retry a 4xx", () =>
    Effect.gen(function* () {
      const { client, seen } = scripted([404, 200])
      const api = yield* HttpApiClient.group(BencherApi, {
        group: "server",
        httpClient: withBackend(fast(5))(client),
        baseUrl: "http://bencher.test"
      })
      yield* Effect.flip(api.version())
      expect(seen).toHaveLength(1)
    })
  )

  const answering = (status: number, body: string) =>
    HttpClient.make((request) =>
      Effect.succeed(
        HttpClientResponse.fromWeb(
          request,
          new Response(body, { status, headers: { "content-type": "application/json" } })
        )
      )
    )

  it.effect("decodes Bencher's untagged {message} error bodies as the typed error of their status", () =>
    Effect.gen(function* () {
      const api = yield* HttpApiClient.group(BencherApi, {
        group: "projects",
        httpClient: withBackend(fast(1))(answering(404, JSON.stringify({ message: "Project not found" }))),
        baseUrl: "http://bencher.test",
        transformResponse: explainUndeclaredError
      })
      expect(yield* Effect.flip(api.view({ path: { project: "demo" } }))).toMatchObject({
        _tag: "NotFound",
        message: "Project not found"
      })
    })
  )

  it.effect("explains an error status the endpoint does not declare with the server's message", () =>
    Effect.gen(function* () {
      for (const [status, body, expected] of [
        [413, JSON.stringify({ message: "body too large" }), "body too large"],
        [502, "<html>Bad gateway</html>", "<html>Bad gateway</html>"]
      ] as const) {
        const api = yield* HttpApiClient.group(BencherApi, {
          group: "projects",
          httpClient: withBackend({ ...fast(1) })(answering(status, body)),
          baseUrl: "http://bencher.test",
          transformResponse: explainUndeclaredError
        })
        const error = yield* Effect.flip(api.view({ path: { project: "demo" } }))
        expect(error).toMatchObject({ _tag: "ResponseError", reason: "StatusCode", description: expected })
        expect(error.message).toContain(expected)
      }
    })
  )

  it.live("times out a silent server per attempt and retries it as a transport error", () =>
    Effect.gen(function* () {
      let calls = 0
      const silent = HttpClient.make(() => Effect.sync(() => calls++).pipe(Effect.zipRight(Effect.never)))
      const backend = { ...fast(2), timeout: Duration.millis(30) }
      const api = yield* HttpApiClient.group(BencherApi, {
        group: "server",
        httpClient: withBackend(backend)(silent),
        baseUrl: "http://bencher.test"
      })
      const error = yield* Effect.flip(api.version())
      expect(error).toMatchObject({ _tag: "RequestError", reason: "Transport" })
      expect(calls).toBe(2)
    })
  )
})

describe("report rendering", () => {
  const options = { host: "http://localhost:61016", onTheFly: false }

  it("human: one table per iteration with scaled units, baseline, limits, change, and the alerts", () => {
    expect(renderHuman(sampleReport, options)).toMatchInlineSnapshot(`
      "Project: Demo Project (demo-project)
      Branch: main
      Testbed: localhost
      View report: http://localhost:61016/v0/projects/demo-project/reports/00000000-0000-4000-8000-000000000013

      Results, iteration 1 of 2:
      Benchmark      Measure (units)  Value     Baseline  Lower Limit  Upper Limit  Change  Alert
      -------------  ---------------  --------  --------  -----------  -----------  ------  -----
      bench::parse   Latency (µs)     1,010.00  1,000.00  -            1,050.00     +1.00%
      bench::parse   File Size (MB)   2.05      -         -            -            -
      bench::render  Latency (µs)     2.50      -         -            -            -
      (-: no threshold or not enough history for a boundary)

      Results, iteration 2 of 2:
      Benchmark     Measure (units)  Value  Baseline  Lower Limit  Upper Limit  Change   Alert
      ------------  ---------------  -----  --------  -----------  -----------  -------  -------
      bench::parse  Latency (ms)     1.40   1.00      -            1.05         +40.00%  🚨 upper

      Alerts (1):
      - bench::parse (Latency), iteration 2: 1.40 ms is above the upper limit 1.05 ms, +40.00% vs baseline 1.00 ms
        View alert: http://localhost:61016/v0/projects/demo-project/alerts/00000000-0000-4000-8000-000000000012
        View plot: http://localhost:61016/v0/projects/demo-project/perf?branches=00000000-0000-4000-8000-000000000003&heads=00000000-0000-4000-8000-000000000004&testbeds=00000000-0000-4000-8000-000000000005&benchmarks=00000000-0000-4000-8000-000000000008&measures=00000000-0000-4000-8000-000000000006&start_time=1793145600000&end_time=1795737605000&report=00000000-0000-4000-8000-000000000013&upper_boundary=true"
    `)
  })

  it("human: names an on-the-fly project and how to claim it", () => {
    const out = renderHuman(sampleReport, { ...options, onTheFly: true })
    expect(out).toContain(
      "Project: Demo Project (demo-project), created on the fly; pass --project demo-project to report to it again"
    )
    expect(out).toContain(
      "Claim this project: bencher org claim 00000000-0000-4000-8000-000000000002 --host http://localhost:61016"
    )
  })

  it("human: warns when there are no benchmarks and says there are no alerts", () => {
    const out = renderHuman(emptyReport, options)
    expect(out).toContain("WARNING: No benchmarks found!")
    expect(out).toContain("No alerts.")
  })

  it("json: the JsonReport itself, pretty, snake_case as received", () => {
    expect(JSON.parse(renderJson(sampleReport))).toEqual(sampleReport)
    expect(renderJson(sampleReport)).toContain('\n  "start_time": ')
  })

  it("html: header, alerts, results in <details>, the hidden id tag, and escaped names", () => {
    const html = renderHtml({ ...sampleReport, project: { ...sampleReport.project, name: "<Demo & Co>" } }, options)
    expect(html).toContain("Bencher Report")
    expect(html).toContain("&lt;Demo &amp; Co&gt;")
    expect(html).toContain("🚨 1 Alert")
    expect(html).toContain("<details>")
    expect(html).toContain('<div id="bencher.dev/projects/demo-project/id/main/localhost/json"></div>')
    expect(html).toMatchInlineSnapshot(`
      "<h2><a href="http://localhost:61016/v0/projects/demo-project/reports/00000000-0000-4000-8000-000000000013">Bencher Report</a></h2>
      <table><tr><td>Project</td><td>&lt;Demo &amp; Co&gt;</td></tr><tr><td>Branch</td><td>main</td></tr><tr><td>Testbed</td><td>localhost</td></tr></table>
      <h3>🚨 1 Alert</h3>
      <ul>
      <li>bench::parse (Latency), iteration 2: 1.40 ms is above the upper limit 1.05 ms, +40.00% vs baseline 1.00 ms (<a href="http://localhost:61016/v0/projects/demo-project/alerts/00000000-0000-4000-8000-000000000012">alert</a>, <a href="http://localhost:61016/v0/projects/demo-project/perf?branches=00000000-0000-4000-8000-000000000003&amp;heads=00000000-0000-4000-8000-000000000004&amp;testbeds=00000000-0000-4000-8000-000000000005&amp;benchmarks=00000000-0000-4000-8000-000000000008&amp;measures=00000000-0000-4000-8000-000000000006&amp;start_time=1793145600000&amp;end_time=1795737605000&amp;report=00000000-0000-4000-8000-000000000013&amp;upper_boundary=true">plot</a>)</li>
      </ul>
      <details><summary>Click to view all benchmark results</summary>
      <h4>Iteration 1</h4>
      <table><thead><tr><th>Benchmark</th><th>Measure (units)</th><th>Value</th><th>Baseline</th><th>Lower Limit</th><th>Upper Limit</th><th>Change</th><th>Alert</th></tr></thead><tbody><tr><td><a href="http://localhost:61016/v0/projects/demo-project/perf?branches=00000000-0000-4000-8000-000000000003&amp;heads=00000000-0000-4000-8000-000000000004&amp;testbeds=00000000-0000-4000-8000-000000000005&amp;benchmarks=00000000-0000-4000-8000-000000000008&amp;measures=00000000-0000-4000-8000-000000000006&amp;start_time=1793145600000&amp;end_time=1795737605000&amp;report=00000000-0000-4000-8000-000000000013">bench::parse</a></td><td>Latency (µs)</td><td>1,010.00</td><td>1,000.00</td><td>-</td><td>1,050.00</td><td>+1.00%</td><td></td></tr><tr><td><a href="http://localhost:61016/v0/projects/demo-project/perf?branches=00000000-0000-4000-8000-000000000003&amp;heads=00000000-0000-4000-8000-000000000004&amp;testbeds=00000000-0000-4000-8000-000000000005&amp;benchmarks=00000000-0000-4000-8000-000000000008&amp;measures=00000000-0000-4000-8000-000000000007&amp;start_time=1793145600000&amp;end_time=1795737605000&amp;report=00000000-0000-4000-8000-000000000013">bench::parse</a></td><td>File Size (MB)</td><td>2.05</td><td>-</td><td>-</td><td>-</td><td>-</td><td></td></tr><tr><td><a href="http://localhost:61016/v0/projects/demo-project/perf?branches=00000000-0000-4000-8000-000000000003&amp;heads=00000000-0000-4000-8000-000000000004&amp;testbeds=00000000-0000-4000-8000-000000000005&amp;benchmarks=00000000-0000-4000-8000-000000000009&amp;measures=00000000-0000-4000-8000-000000000006&amp;start_time=1793145600000&amp;end_time=1795737605000&amp;report=00000000-0000-4000-8000-000000000013">bench::render</a></td><td>Latency (µs)</td><td>2.50</td><td>-</td><td>-</td><td>-</td><td>-</td><td></td></tr></tbody></table>
      <h4>Iteration 2</h4>
      <table><thead><tr><th>Benchmark</th><th>Measure (units)</th><th>Value</th><th>Baseline</th><th>Lower Limit</th><th>Upper Limit</th><th>Change</th><th>Alert</th></tr></thead><tbody><tr><td><a href="http://localhost:61016/v0/projects/demo-project/perf?branches=00000000-0000-4000-8000-000000000003&amp;heads=00000000-0000-4000-8000-000000000004&amp;testbeds=00000000-0000-4000-8000-000000000005&amp;benchmarks=00000000-0000-4000-8000-000000000008&amp;measures=00000000-0000-4000-8000-000000000006&amp;start_time=1793145600000&amp;end_time=1795737605000&amp;report=00000000-0000-4000-8000-000000000013">bench::parse</a></td><td>Latency (ms)</td><td>1.40</td><td>1.00</td><td>-</td><td>1.05</td><td>+40.00%</td><td>🚨 upper</td></tr></tbody></table>
      </details>
      <div id="bencher.dev/projects/demo-project/id/main/localhost/json"></div>"
    `)
  })
})
