import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Console, Effect } from "effect"
import { cli } from "../../src/cli/root.js"
import { startTestServer } from "../helpers/server.js"

/** Runs the CLI in-process and returns what it printed. */
const run = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    const console: Console.Console = { ...globalThis.console, log: (...a: ReadonlyArray<unknown>) => Effect.sync(() => void lines.push(a.join(" "))) } as unknown as Console.Console
    yield* cli(["node", "bencher", ...args]).pipe(Effect.withConsole(console), Effect.provide(NodeContext.layer))
    return lines.join("\n")
  })

describe("bencher spec | runner | job", () => {
  it.scopedLive("creates a spec and a runner, links them, rotates the key and lists jobs", () =>
    Effect.gen(function*() {
      const { url } = yield* startTestServer()
      const spec = JSON.parse(yield* run(["spec", "create", "--host", url, "--cpu", "2", "--fallback", "Small"])) as { slug: string; cpu: number }
      expect(spec).toMatchObject({ slug: "small", cpu: 2 })
      const runner = JSON.parse(yield* run(["runner", "create", "--host", url, "--spec", "small", "Box"])) as { key: string }
      expect(runner.key).toMatch(/^bencher_runner_/)
      const rotated = JSON.parse(yield* run(["runner", "key", "--host", url, "box"])) as { key: string }
      expect(rotated.key).not.toBe(runner.key)
      const specs = JSON.parse(yield* run(["runner", "spec", "--host", url, "box"])) as Array<{ slug: string }>
      expect(specs.map((s) => s.slug)).toEqual(["small"])
      const list = yield* Effect.either(run(["job", "list", "--host", url, "--project", "nope"]))
      expect(list._tag).toBe("Left")
    }))
})
