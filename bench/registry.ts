// `npm run bench -- registry`: push and pull of a 100 MiB single-layer image over loopback against the real
// server (a separate process), compared with a plain file copy of the same bytes in the same run.
// Pull and copy alternate for 5 rounds and the fastest of each counts. Pull includes the manifest GET, the
// sha256 check and writing the file; copy streams the same file through this process. Last line: {"push_mb_per_s","pull_mb_per_s","copy_mb_per_s","ratio"
// (= pull / copy, target >= 0.30), ...}.
import Sqlite from "better-sqlite3"
import { spawn } from "node:child_process"
import { createHash, randomBytes, randomUUID } from "node:crypto"
import * as fs from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { pipeline } from "node:stream/promises"
import { fileURLToPath } from "node:url"
import { RegistryClient, pushLayout } from "../src/image/client.js"
import { initLayout, jsonBytes, writeBlob, writeIndex } from "../src/image/layout.js"
import { MediaType } from "../src/oci/index.js"

const LAYER_BYTES = 100 * 1024 * 1024
const ROUNDS = 5
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..")
const work = fs.mkdtempSync(join(tmpdir(), "bencher-bench-registry-"))

/** Best of the rounds: the machine is shared, so the fastest round is the one least disturbed by others. */
const fastest = (xs: Array<number>) => Math.min(...xs)
const mbPerS = (bytes: number, ms: number) => Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10
const timed = async (f: () => Promise<unknown>) => {
  const start = performance.now()
  await f()
  return performance.now() - start
}
const countFiles = (dir: string): number =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .reduce((n, e) => n + (e.isDirectory() ? countFiles(join(dir, e.name)) : 1), 0)
    : 0

/**
 * The baseline: the bytes read and written by a process, as a pull must (same 4 MiB write buffer). fs.copyFile
 * is reported too, but it is copy_file_range inside the kernel, bytes never reaching user space.
 */
const streamCopy = (from: string, to: string) =>
  pipeline(
    fs.createReadStream(from, { highWaterMark: 1024 * 1024 }),
    fs.createWriteStream(to, { highWaterMark: 4 * 1024 * 1024 })
  )

/** A layout with one 100 MiB random (incompressible) layer. */
const makeLayout = async (layout: string) => {
  await initLayout(layout)
  const temp = join(layout, "layer.tmp")
  const hash = createHash("sha256")
  const fd = fs.openSync(temp, "w")
  for (let written = 0; written < LAYER_BYTES; written += 4 * 1024 * 1024) {
    const chunk = randomBytes(4 * 1024 * 1024)
    hash.update(chunk)
    fs.writeSync(fd, chunk)
  }
  fs.closeSync(fd)
  const layer = `sha256:${hash.digest("hex")}`
  const layerPath = join(layout, "blobs", "sha256", layer.slice(7))
  fs.renameSync(temp, layerPath)
  const config = await writeBlob(
    layout,
    jsonBytes({
      architecture: "amd64",
      os: "linux",
      config: { Entrypoint: ["/bench"] },
      rootfs: { type: "layers", diff_ids: [layer] }
    })
  )
  const manifest = await writeBlob(
    layout,
    jsonBytes({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, ...config },
      layers: [{ mediaType: MediaType.ociLayer, digest: layer, size: LAYER_BYTES }]
    })
  )
  await writeIndex(layout, [
    { mediaType: MediaType.ociManifest, ...manifest, annotations: { "org.opencontainers.image.ref.name": "v1" } }
  ])
  return { layer, layerPath }
}

/** The real server on a fresh database; its first-run admin key (written to --admin-key-file) pushes. */
const startServer = async (db: string) => {
  const keyFile = join(work, "admin-key")
  const args = [
    "--import",
    "tsx",
    join(repoRoot, "src", "main.ts"),
    "server",
    "--port",
    "0",
    "--db",
    db,
    "--admin-key-file",
    keyFile
  ]
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"]
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ""
    const onData = (d: Buffer) => {
      out += d.toString()
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out)
      if (m?.[1] !== undefined) resolve(m[1])
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    child.on("exit", (code) => reject(new Error(`server exited (${code}):\n${out}`)))
    setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000).unref()
  })
  return { url, key: fs.readFileSync(keyFile, "utf8").trim(), stop: () => child.kill("SIGTERM") }
}

const main = async () => {
  const db = join(work, "bencher.db")
  const server = await startServer(db)
  try {
    const sqlite = new Sqlite(db)
    const now = Date.now()
    const org = sqlite
      .prepare("INSERT INTO organization (uuid, name, slug, created, modified) VALUES (?, 'bench', 'bench', ?, ?)")
      .run(randomUUID(), now, now)
    sqlite
      .prepare(
        "INSERT INTO project (uuid, organization_id, name, slug, visibility, created, modified) VALUES (?, ?, 'bench', 'bench', 0, ?, ?)"
      )
      .run(randomUUID(), org.lastInsertRowid, now, now)
    sqlite.close()

    const layout = join(work, "layout")
    const { layer, layerPath } = await makeLayout(layout)
    console.log(`image: one ${LAYER_BYTES / 1024 / 1024} MiB layer ${layer}; server ${server.url}`)

    const pushMs = await timed(() =>
      pushLayout({ host: server.url, repository: "bench", key: server.key, layout, tag: "v1" })
    )
    const blobsDir = join(work, "bencher-data", "blobs")
    const filesAfterFirst = countFiles(blobsDir)
    const second = await pushLayout({ host: server.url, repository: "bench", key: server.key, layout, tag: "v2" })
    const filesAfterSecond = countFiles(blobsDir)
    console.log(
      `push: ${mbPerS(LAYER_BYTES, pushMs)} MB/s; second push uploaded ${second.uploaded} blobs, blob files ${filesAfterFirst} -> ${filesAfterSecond}`
    )

    const client = new RegistryClient({ host: server.url, repository: "bench" })
    await client.authenticate(["pull"])
    // one warm-up pull so both sides' caches start equal
    await client.pullBlob(layer, join(work, "warm-up"))
    fs.rmSync(join(work, "warm-up"))
    const pulls: Array<number> = []
    const copies: Array<number> = []
    const kernelCopies: Array<number> = []
    for (let i = 0; i < ROUNDS; i++) {
      const pulled = join(work, `pulled-${i}`)
      pulls.push(
        await timed(async () => {
          await client.getManifest("v1")
          await client.pullBlob(layer, pulled)
        })
      )
      fs.rmSync(pulled)
      const copied = join(work, `copied-${i}`)
      copies.push(await timed(() => streamCopy(layerPath, copied)))
      fs.rmSync(copied)
      kernelCopies.push(await timed(() => fs.promises.copyFile(layerPath, copied)))
      fs.rmSync(copied)
      console.log(
        `round ${i + 1}: pull ${mbPerS(LAYER_BYTES, pulls[i] ?? 0)} MB/s, copy ${mbPerS(LAYER_BYTES, copies[i] ?? 0)} MB/s, ` +
          `kernel copy ${mbPerS(LAYER_BYTES, kernelCopies[i] ?? 0)} MB/s`
      )
    }
    const pull = mbPerS(LAYER_BYTES, fastest(pulls))
    const copy = mbPerS(LAYER_BYTES, fastest(copies))
    console.log(
      JSON.stringify({
        image_mib: LAYER_BYTES / 1024 / 1024,
        push_mb_per_s: mbPerS(LAYER_BYTES, pushMs),
        pull_mb_per_s: pull,
        copy_mb_per_s: copy,
        kernel_copy_mb_per_s: mbPerS(LAYER_BYTES, fastest(kernelCopies)),
        second_push_uploaded_blobs: second.uploaded,
        stored_blob_files_after_two_pushes: filesAfterSecond,
        ratio: Math.round((pull / copy) * 1000) / 1000
      })
    )
  } finally {
    server.stop()
    fs.rmSync(work, { recursive: true, force: true })
  }
}

await main()
