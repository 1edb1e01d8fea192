import { HttpApi } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import { Effect } from "effect"
import { BencherApi } from "../../src/api/index.js"
import { startIdentityServer } from "../helpers/identity.js"

/** Every endpoint of the REST contract that reads a JSON body: method and path template. */
const payloadEndpoints = (() => {
  const out: Array<{ readonly method: string; readonly path: string }> = []
  HttpApi.reflect(BencherApi, {
    onGroup: () => {},
    onEndpoint: ({ endpoint }) => {
      if (endpoint.payloadSchema._tag === "Some" && endpoint.method !== "GET")
        out.push({ method: endpoint.method, path: endpoint.path })
    }
  })
  return out
})()

/** A path with every `:param` filled by a UUID: valid for UUID and slug parameters alike, so the body is what fails. */
const concrete = (template: string) => template.replace(/:[a-z_]+/g, () => crypto.randomUUID())

const send = (url: string, key: string, method: string, path: string, body: string) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      ...(method === "GET" ? {} : { body })
    })
    const text = await response.text()
    let json: any
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.status, text, body: json }
  })

/** Rows per table: what "nothing was stored" compares. */
const rowCounts = (db: string): Record<string, number> => {
  const conn = new Sqlite(db, { readonly: true })
  try {
    const tables = conn
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as Array<{ name: string }>
    const counts: Record<string, number> = {}
    for (const { name } of tables)
      counts[name] = (conn.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n
    return counts
  } finally {
    conn.close()
  }
}

const deep = (levels: number) => "[".repeat(levels) + "]".repeat(levels)

/** Malformed JSON, each a 400 naming where it went wrong (Bencher's `{message, request_id}`). */
const badJson: ReadonlyArray<readonly [string, string]> = [
  ["truncated", '{"name": "trunc'],
  ["trailing garbage", '{"name": "x"} garbage'],
  ["byte order mark", '\uFEFF{"name": "x"}'],
  ["raw NUL in a string", '{"name": "a\u0000b"}'],
  ["NUL after the value", '{"name": "x"}\u0000'],
  ["10,000-deep nesting", deep(10_000)],
  ["10,000-deep nesting in a field", `{"name": ${deep(10_000)}}`],
  ["a number out of range", '{"name": "x", "n": 1e309}'],
  ["an unpaired surrogate escape", '{"name": "a\\ud800b"}']
]

describe("request bodies that are not acceptable JSON", () => {
  it("the table covers every JSON endpoint of the contract", () => {
    expect(payloadEndpoints.length).toBeGreaterThan(30)
    expect(payloadEndpoints).toContainEqual({ method: "POST", path: "/v0/run" })
    expect(payloadEndpoints).toContainEqual({ method: "PATCH", path: "/v0/projects/:project/benchmarks/:benchmark" })
  })

  it.scopedLive(
    "are a 400 naming the position on every JSON endpoint; the server serves on and nothing is stored",
    () =>
      Effect.gen(function* () {
        const { url, db, adminKey } = yield* startIdentityServer
        const before = rowCounts(db)
        for (const { method, path } of payloadEndpoints) {
          for (const [what, body] of badJson) {
            const res = yield* send(url, adminKey, method, concrete(path), body)
            const label = `${method} ${path}: ${what} -> ${res.text.slice(0, 200)}`
            expect(res.status, label).toBe(400)
            expect(res.body?.message, label).toMatch(/^Invalid JSON body at line \d+, column \d+: /)
            expect(typeof res.body?.request_id, label).toBe("string")
          }
        }
        const version = yield* send(url, adminKey, "GET", "/v0/server/version", "")
        expect(version.status).toBe(200)
        expect(rowCounts(db)).toEqual(before)
      }),
    120_000
  )

  it.scopedLive("say what is wrong and where", () =>
    Effect.gen(function* () {
      const { url, adminKey } = yield* startIdentityServer
      const message = (body: string) =>
        Effect.map(send(url, adminKey, "POST", "/v0/organizations", body), (r) => r.body.message as string)
      expect(yield* message('{"name": "x"')).toBe("Invalid JSON body at line 1, column 13: unexpected end of input")
      expect(yield* message('{"name": "x"}\n  x')).toMatch(
        /^Invalid JSON body at line 2, column 3: trailing characters/
      )
      expect(yield* message("\uFEFF{}")).toMatch(/line 1, column 1: unexpected byte order mark/)
      expect(yield* message('{"name": "a\u0000"}')).toMatch(/line 1, column 12: control character U\+0000/)
      expect(yield* message(deep(200))).toBe("Invalid JSON body at line 1, column 129: nested deeper than 128 levels")
      expect(yield* message('{"n": -1e309}')).toBe(
        "Invalid JSON body at line 1, column 7: number -1e309 is out of range"
      )
      expect(yield* message('{"name": "\\udc00"}')).toBe(
        "Invalid JSON body at line 1, column 11: unpaired UTF-16 surrogate escape"
      )
      // a pair is fine, and so is nesting up to the limit (the schema then refuses the shape)
      const pair = yield* send(url, adminKey, "POST", "/v0/organizations", '{"name": "emoji \\ud83d\\ude00"}')
      expect(pair.status).toBe(201)
      const nested = yield* send(url, adminKey, "POST", "/v0/organizations", deep(128))
      expect(nested.status).toBe(400)
      expect(nested.body.message).not.toMatch(/Invalid JSON body/)
    })
  )
})

const CONTROL = ["\u0000", "\u001b", "\r", "\n", "\u202e", "\u2066", "\u0085"] as const
const UUID_SLUG = "01234567-89ab-cdef-0123-456789abcdef"

describe("values refused inside well-formed JSON", () => {
  it.scopedLive(
    "surrogates, 1e309, lower > upper, end before start, control characters and UUID slugs are 400s; nothing is stored",
    () =>
      Effect.gen(function* () {
        const { url, db, adminKey } = yield* startIdentityServer
        const post = (path: string, body: unknown, method = "POST") =>
          send(url, adminKey, method, path, JSON.stringify(body))
        expect((yield* post("/v0/organizations", { name: "Acme", slug: "acme" })).status).toBe(201)
        expect((yield* post("/v0/organizations/acme/projects", { name: "Proj", slug: "proj" })).status).toBe(201)
        const admin = (yield* send(url, adminKey, "GET", "/v0/user", "")).body.uuid as string
        const before = rowCounts(db)

        const at = "2026-01-01T00:00:00Z"
        const later = "2026-01-01T00:01:00Z"
        const run = (results: ReadonlyArray<string>, extra: Record<string, unknown> = {}) =>
          post("/v0/run", {
            project: "proj",
            start_time: at,
            end_time: later,
            results,
            settings: { adapter: "json" },
            ...extra
          })
        const bmf = (name: string, metric: string) => `{${JSON.stringify(name)}: {"latency": ${metric}}}`
        const cases: Array<readonly [string, Effect.Effect<{ status: number; text: string; body: any }>]> = [
          ["a lone surrogate in a benchmark name (report)", run([bmf("a\ud800", '{"value": 1}')])],
          ["a lone surrogate in a benchmark name (REST)", post("/v0/projects/proj/benchmarks", { name: "b\udc00" })],
          ["1e309 as a value", run([bmf("a", '{"value": 1e309}')])],
          ["-1e309 as a bound", run([bmf("a", '{"value": 1, "lower_value": -1e309}')])],
          ["lower_value > upper_value", run([bmf("a", '{"value": 5, "lower_value": 6, "upper_value": 4}')])],
          ["end_time before start_time (run)", run([bmf("a", '{"value": 1}')], { start_time: later, end_time: at })],
          [
            "end_time before start_time (report)",
            post("/v0/projects/proj/reports", {
              branch: "main",
              testbed: "ci",
              start_time: later,
              end_time: at,
              results: []
            })
          ],
          ["a UUID as a project slug", post("/v0/organizations/acme/projects", { name: "U", slug: UUID_SLUG })],
          ["a UUID as a branch slug", post("/v0/projects/proj/branches", { name: "u", slug: UUID_SLUG })],
          ["a UUID as an organization slug", post("/v0/organizations", { name: "U", slug: UUID_SLUG })],
          ["a UUID as a new slug", post("/v0/projects/proj", { slug: UUID_SLUG }, "PATCH")]
        ]
        for (const c of CONTROL) {
          const name = `bad${c}name`
          const shown = JSON.stringify(c)
          cases.push(
            [`${shown} in an organization name`, post("/v0/organizations", { name })],
            [`${shown} in a project name`, post("/v0/organizations/acme/projects", { name })],
            [`${shown} in a branch name`, post("/v0/projects/proj/branches", { name })],
            [`${shown} in a testbed name`, post("/v0/projects/proj/testbeds", { name })],
            [`${shown} in a measure name`, post("/v0/projects/proj/measures", { name, units: "ns" })],
            [`${shown} in measure units`, post("/v0/projects/proj/measures", { name: "m", units: name })],
            [`${shown} in a benchmark name`, post("/v0/projects/proj/benchmarks", { name })],
            [`${shown} in a benchmark name (report)`, run([bmf(name, '{"value": 1}')])],
            [`${shown} in a testbed name (report)`, run([bmf("a", '{"value": 1}')], { testbed: name })],
            [`${shown} in a branch name (report)`, run([bmf("a", '{"value": 1}')], { branch: name })],
            [`${shown} in a user name`, post("/v0/users", { name, email: "x@example.com" })],
            [`${shown} in a user key name`, post(`/v0/users/${admin}/keys`, { name })],
            [`${shown} in a project key name`, post("/v0/projects/proj/keys", { name })],
            [`${shown} in a spec name`, post("/v0/specs", { name, cpu: 1, memory: 1, disk: 1 })],
            [`${shown} in a runner name`, post("/v0/runners", { name })],
            [`${shown} in a renamed project`, post("/v0/projects/proj", { name }, "PATCH")],
            [`${shown} in a slug`, post("/v0/projects/proj/testbeds", { name: "t", slug: `t${c}` })]
          )
        }
        for (const [what, request] of cases) {
          const res = yield* request
          expect(res.status, `${what}: ${res.text.slice(0, 300)}`).toBe(400)
          expect(typeof res.body?.message, what).toBe("string")
        }
        expect(rowCounts(db)).toEqual(before)
        // the same requests made clean are accepted
        expect((yield* run([bmf("a", '{"value": 5, "lower_value": 4, "upper_value": 6}')])).status).toBe(201)
        expect((yield* post("/v0/projects/proj/benchmarks", { name: "good \ud83d\ude00 name" })).status).toBe(201)
        const uuidNamed = yield* post("/v0/projects/proj/branches", { name: UUID_SLUG })
        expect(uuidNamed.status).toBe(201)
        expect(uuidNamed.body.slug).not.toBe(UUID_SLUG)
      }),
    120_000
  )
})
