import { Duration, Effect } from "effect"
import type { RunnerLink } from "./network.js"
import type { ServerProcess } from "./server-process.js"
import type { World } from "./world.js"

/**
 * Partitions and server restarts, at seed-chosen times until the run is finished. Both draw from one stream, a
 * fixed set of draws per tick, so a seed's partitions stay put whatever its restart rate.
 */
export const chaos = (
  world: World,
  runners: ReadonlyArray<RunnerLink>,
  server: ServerProcess,
  finished: () => boolean
): Effect.Effect<void> => {
  const r = world.rng.fork("chaos")
  const { clock } = world
  return Effect.gen(function* () {
    for (;;) {
      yield* Effect.sleep(Duration.millis(r.int(5_000, 30_000)))
      if (finished()) return
      const d = {
        partition: r.next(),
        runner: r.pick(runners),
        cut: r.int(3000, 90_000),
        restart: r.next(),
        down: r.int(500, 20_000)
      }
      if (d.partition < world.rates.partition) {
        const runner = d.runner
        const ms = d.cut
        runner.partitionedUntil = clock.now + ms
        world.fault("partition", runner.name, `cut off for ${ms} ms`)
      }
      if (d.restart < world.rates.server_restart && server.current !== undefined) {
        const ms = d.down
        world.fault("server_restart", "server", `restarts, down for ${ms} ms`)
        clock.at(clock.now, () => {
          server.stop("restart")
          clock.at(clock.now + ms, () => server.restart())
        })
      }
    }
  })
}
