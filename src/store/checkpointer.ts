import { Effect } from "effect"
import { createRequire } from "node:module"
import { Worker } from "node:worker_threads"

/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever COMMIT crosses the WAL
 * threshold: that request then copies every page written since the last checkpoint into the database file and
 * fsyncs it (synchronous=NORMAL syncs only at checkpoints), on the one thread that serves every request. Here the
 * connections of the process checkpoint only as a backstop (BACKSTOP_PAGES), and a worker thread with a connection
 * of its own runs PASSIVE checkpoints (they never wait for, or block, readers and writers) shortly after writes.
 *
 * Writes only schedule a checkpoint: an idle server runs no timer and no SQL.
 */
export interface Checkpointer {
  /** Called on every write statement; cheap (a flag and at most one pending timer). */
  readonly written: () => void
  /** Runs a checkpoint now and resolves with its outcome (tests and shutdown). */
  readonly checkpoint: Effect.Effect<CheckpointResult>
  /** The wal_autocheckpoint each connection of the store sets; undefined keeps SQLite's own threshold. */
  readonly autocheckpointPages: number | undefined
}

/** SQLite's wal_checkpoint result: frames in the WAL, and how many of them are now in the database file. */
export interface CheckpointResult {
  readonly log: number
  readonly checkpointed: number
  readonly busy: number
}

/**
 * Each connection's wal_autocheckpoint: far above what the worker lets the WAL reach, so that it fires only if the
 * worker falls behind or is gone, and the WAL stays bounded (about 40 MB of 4 KiB pages) either way.
 */
export const BACKSTOP_PAGES = 10_000

/** Writes within this window share one checkpoint: a burst of requests is followed by one, not one each. */
const DELAY_MS = 200

// The worker is plain CommonJS evaluated from a string, so that it runs the same from src/ under vitest and from
// dist/ under node. It checkpoints on each message and answers with the outcome.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads")
const Sqlite = require(workerData.driver)
const db = new Sqlite(workerData.filename, { fileMustExist: true })
db.pragma("busy_timeout = 0")
db.pragma("wal_autocheckpoint = 0")
parentPort.on("message", (id) => {
  try {
    const [row] = db.pragma("wal_checkpoint(PASSIVE)")
    parentPort.postMessage({ id, log: row.log, checkpointed: row.checkpointed, busy: row.busy })
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) })
  }
})
`

interface Reply {
  readonly id: number
  readonly log?: number
  readonly checkpointed?: number
  readonly busy?: number
  readonly error?: string
}

/**
 * Where the worker loads better-sqlite3 from, or undefined when it cannot: in the single-file binary the driver is
 * bundled into the one script, and the store then checkpoints inline, as SQLite does by itself.
 */
export const checkpointDriver = (): string | undefined => {
  try {
    return createRequire(import.meta.url).resolve("better-sqlite3")
  } catch {
    return undefined
  }
}

/** Starts the checkpoint worker for a WAL database file; the scope stops it. */
export const makeCheckpointer = (filename: string, driver: string) =>
  Effect.gen(function* () {
    const worker = yield* Effect.acquireRelease(
      Effect.sync(() => new Worker(WORKER_SOURCE, { eval: true, workerData: { filename, driver } })),
      (w) => Effect.promise(() => w.terminate())
    )
    // The worker never keeps a finished process alive; the scope stops it when the store closes.
    worker.unref()
    let closed = false
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        closed = true
      })
    )

    let nextId = 0
    const waiting = new Map<number, (reply: Reply) => void>()
    worker.on("message", (reply: Reply) => {
      const resolve = waiting.get(reply.id)
      waiting.delete(reply.id)
      resolve?.(reply)
    })
    worker.on("error", (error) => {
      // The backstop keeps the WAL bounded without the worker; the failure is worth a line in the log.
      closed = true
      console.error(`checkpoint worker stopped: ${error.message}`)
      for (const resolve of waiting.values()) resolve({ id: -1, error: error.message })
      waiting.clear()
    })

    const request = (): Promise<Reply> =>
      new Promise((resolve) => {
        if (closed) return resolve({ id: -1, error: "checkpointer closed" })
        const id = nextId++
        waiting.set(id, resolve)
        worker.postMessage(id)
      })

    let scheduled = false
    const fire = () => {
      scheduled = false
      if (!closed) void request()
    }
    const written = () => {
      if (scheduled || closed) return
      scheduled = true
      setTimeout(fire, DELAY_MS).unref()
    }

    const checkpoint = Effect.promise(request).pipe(
      Effect.map(
        (reply): CheckpointResult =>
          reply.error === undefined
            ? { log: reply.log ?? 0, checkpointed: reply.checkpointed ?? 0, busy: reply.busy ?? 0 }
            : { log: -1, checkpointed: -1, busy: 1 }
      )
    )
    return { written, checkpoint, autocheckpointPages: BACKSTOP_PAGES } satisfies Checkpointer
  })
