import { NodeContext } from "@effect/platform-node"
import { describe, expect, it, vi } from "@effect/vitest"
import { Effect } from "effect"
import { cli } from "../../src/app/cli.js"
import { startIdentityServer } from "../helpers/identity.js"

/** Runs the CLI in-process and returns what it printed. */
const run = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const lines: Array<string> = []
    const log = vi.spyOn(console, "log").mockImplementation((...a: Array<unknown>) => void lines.push(a.join(" ")))
    yield* cli(["node", "bencher", ...args]).pipe(
      Effect.provide(NodeContext.layer),
      Effect.ensuring(Effect.sync(() => log.mockRestore()))
    )
    return lines.join("\n")
  })

describe("bencher spec | runner | job", () => {
  it.scopedLive("creates a spec and a runner, links them, rotates the key and lists jobs", () =>
    Effect.gen(function* () {
      const { url, adminKey } = yield* startIdentityServer
      const spec = JSON.parse(
        yield* run(["spec", "create", "--host", url, "--key", adminKey, "--cpu", "2", "--fallback", "Small"])
      ) as { slug: string; cpu: number }
      expect(spec).toMatchObject({ slug: "small", cpu: 2 })
      const runner = JSON.parse(
        yield* run(["runner", "create", "--host", url, "--key", adminKey, "--spec", "small", "Box"])
      ) as { key: string }
      expect(runner.key).toMatch(/^bencher_runner_/)
      const rotated = JSON.parse(yield* run(["runner", "key", "--host", url, "--key", adminKey, "box"])) as {
        key: string
      }
      expect(rotated.key).not.toBe(runner.key)
      const specs = JSON.parse(yield* run(["runner", "spec", "--host", url, "--key", adminKey, "box"])) as Array<{
        slug: string
      }>
      expect(specs.map((s) => s.slug)).toEqual(["small"])
      const list = yield* Effect.either(run(["job", "list", "--host", url, "--key", adminKey, "--project", "nope"]))
      expect(list._tag).toBe("Left")
    })
  )
})
