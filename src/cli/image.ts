import { Args, Command, Options } from "@effect/cli"
import { Config, Console, Effect, Option, Schema } from "effect"
import { join } from "node:path"
import { isResourceId } from "../domain/ids.js"
import { parseImageName } from "../oci/index.js"
import { baseUrlOf, DEFAULT_HOST } from "./backend.js"

export class ImageCommandError extends Schema.TaggedError<ImageCommandError>()("ImageCommandError", {
  message: Schema.String
}) {}

const attempt = <A>(what: string, f: () => Promise<A>) =>
  Effect.tryPromise({
    try: f,
    catch: (e) => new ImageCommandError({ message: `${what}: ${e instanceof Error ? e.message : String(e)}` })
  })

const host = Options.text("host").pipe(
  Options.withDescription("Bencher server URL (env BENCHER_HOST)"),
  Options.withFallbackConfig(Config.string("BENCHER_HOST")),
  Options.withDefault(DEFAULT_HOST)
)
const key = Options.text("key").pipe(
  Options.withDescription("User API key or project key, sent to the registry's token endpoint (env BENCHER_API_KEY)"),
  Options.withFallbackConfig(Config.string("BENCHER_API_KEY")),
  Options.optional
)

/** `<project>:<tag>`, optionally prefixed by the registry host as in `localhost:61016/<project>:<tag>`. */
const target = (image: string) => {
  const parsed = parseImageName(image, isResourceId)
  if (parsed === undefined || parsed.reference === undefined || parsed.reference._tag !== "Tag") {
    return Effect.fail(
      new ImageCommandError({ message: `${image} is not <project>:<tag> (a project slug or uuid and a valid tag)` })
    )
  }
  return Effect.succeed({ repository: parsed.repository, tag: parsed.reference.tag })
}

const push = (options: {
  host: string
  key: Option.Option<string>
  layout: string
  sourceTag: string | undefined
  repository: string
  tag: string
}) =>
  Effect.gen(function* () {
    const hint = Option.isNone(options.key) ? " (pushing needs a key: pass --key or set BENCHER_API_KEY)" : ""
    const result = yield* attempt(`push failed${hint}`, () =>
      import("../image/client.js").then(({ pushLayout }) =>
        pushLayout({
          host: baseUrlOf(options.host),
          key: Option.getOrUndefined(options.key),
          repository: options.repository,
          layout: options.layout,
          tag: options.tag,
          sourceTag: options.sourceTag
        })
      )
    )
    yield* Console.log(
      `pushed ${options.repository}:${options.tag}@${result.digest} (${result.uploaded} blobs uploaded, ${result.skipped} already present)`
    )
    return result
  })

const pushCommand = Command.make(
  "push",
  {
    source: Args.text({ name: "oci-layout-dir|docker-archive.tar" }),
    image: Args.text({ name: "project:tag" }),
    host,
    key
  },
  ({ source, image, host, key }) =>
    Effect.gen(function* () {
      const { repository, tag } = yield* target(image)
      const layout = (yield* attempt("cannot read source", () =>
        import("../image/layout.js").then(({ isLayout }) => isLayout(source))
      ))
        ? { layout: source, tag: undefined }
        : yield* attempt(`cannot read ${source} as a docker archive`, () =>
            import("../image/layout.js").then(({ layoutFromDockerArchive }) => layoutFromDockerArchive(source))
          )
      yield* push({ host, key, layout: layout.layout, sourceTag: layout.tag ?? tag, repository, tag })
    })
).pipe(Command.withDescription("Push an OCI layout folder or a `docker save` archive to the server's registry"))

const envPair = /^[A-Za-z_][A-Za-z0-9_]*=/

const buildCommand = Command.make(
  "build",
  {
    context: Args.text({ name: "dir" }),
    entrypoint: Options.text("entrypoint").pipe(
      Options.withDescription("Entrypoint argument; repeat for each (e.g. --entrypoint /bench.sh --entrypoint fast)"),
      Options.repeated
    ),
    cmd: Options.text("cmd").pipe(
      Options.withDescription("Default argument after the entrypoint; repeatable"),
      Options.repeated
    ),
    env: Options.text("env").pipe(Options.withDescription("K=V environment variable; repeatable"), Options.repeated),
    workdir: Options.text("workdir").pipe(Options.withDefault("/")),
    arch: Options.choice("arch", ["amd64", "arm64"]).pipe(Options.optional),
    tag: Options.text("tag").pipe(Options.withDescription("<project>:<tag>")),
    output: Options.text("output").pipe(
      Options.withDescription("OCI layout folder to write (default .bencher/images/<project>)"),
      Options.optional
    ),
    push: Options.boolean("push").pipe(Options.withDescription("Push the image once built")),
    host,
    key
  },
  (options) =>
    Effect.gen(function* () {
      const { repository, tag } = yield* target(options.tag)
      if (options.entrypoint.length === 0)
        return yield* Effect.fail(new ImageCommandError({ message: "--entrypoint is required" }))
      const badEnv = options.env.find((e) => !envPair.test(e))
      if (badEnv !== undefined)
        return yield* Effect.fail(new ImageCommandError({ message: `--env ${badEnv} is not K=V` }))
      const output = Option.getOrElse(options.output, () => join(".bencher", "images", repository))
      const built = yield* attempt("build failed", () =>
        import("../image/layout.js").then(({ buildImage }) =>
          buildImage({
            context: options.context,
            entrypoint: options.entrypoint,
            cmd: options.cmd,
            env: options.env,
            workingDir: options.workdir,
            tag,
            output,
            ...Option.match(options.arch, { onNone: () => ({}), onSome: (architecture) => ({ architecture }) })
          })
        )
      )
      yield* Console.log(`built ${repository}:${tag}@${built.digest} in ${output}`)
      if (options.push) {
        yield* push({ host: options.host, key: options.key, layout: output, sourceTag: tag, repository, tag })
      }
    })
).pipe(
  Command.withDescription(
    "Build a single-layer OCI image from a directory, deterministically (no container engine needed)"
  )
)

export const imageCommand = Command.make("image").pipe(
  Command.withDescription("Build and push benchmark images to the server's own registry (for `bencher run --image`)"),
  Command.withSubcommands([buildCommand, pushCommand])
)
