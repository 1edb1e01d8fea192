import { Args, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { type BencherClient, type ClientConnection, connect, printJson } from "../backend.js"

// Flags shared by Bencher's resource commands (docs/reference.md §4.3): the project argument, pagination and
// `--archive`/`--unarchive` on update.

export const projectArg = Args.text({ name: "project" }).pipe(Args.withDescription("Project slug or UUID"))

export const orUndefined = <A>(o: Option.Option<A>): A | undefined => Option.getOrUndefined(o)

/** `--per-page`, `--page`, `--direction` and a `--sort` over the keys the endpoint knows. */
export const pagination = <const K extends string>(sortKeys: ReadonlyArray<K>) => ({
  sort: Options.choice("sort", sortKeys).pipe(Options.withDescription("Sort key"), Options.optional),
  direction: Options.choice("direction", ["asc", "desc"] as const).pipe(
    Options.withDescription("Sort direction"),
    Options.optional
  ),
  perPage: Options.integer("per-page").pipe(
    Options.withDescription("Results per page, 1..255 (default 8)"),
    Options.optional
  ),
  page: Options.integer("page").pipe(Options.withDescription("Page number, from 1"), Options.optional)
})

export const paginationParams = <K>(o: {
  readonly sort: Option.Option<K>
  readonly direction: Option.Option<"asc" | "desc">
  readonly perPage: Option.Option<number>
  readonly page: Option.Option<number>
}) => ({
  sort: orUndefined(o.sort),
  direction: orUndefined(o.direction),
  per_page: orUndefined(o.perPage),
  page: orUndefined(o.page)
})

export const archivedFlag = Options.boolean("archived").pipe(Options.withDescription("List archived ones instead"))

/** Bencher's CliArchived: `--archive` or `--unarchive`, else leave as is. */
export const archiveFlags = {
  archive: Options.boolean("archive").pipe(Options.withDescription("Archive it")),
  unarchive: Options.boolean("unarchive").pipe(Options.withDescription("Unarchive it"))
}

export const archivedOf = (o: { readonly archive: boolean; readonly unarchive: boolean }): boolean | undefined =>
  o.archive ? true : o.unarchive ? false : undefined

/** Runs `use` with a client for the command's --host/--key and prints the JSON body; a 204 prints nothing. */
export const withClient = <A, E, R>(
  connection: ClientConnection,
  use: (client: BencherClient) => Effect.Effect<A, E, R>
) =>
  Effect.flatMap(connect(connection), use).pipe(
    Effect.flatMap((body) => (body === undefined ? Effect.void : printJson(body)))
  )
