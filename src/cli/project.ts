import { Args, Command, Options } from "@effect/cli"
import { Option } from "effect"
import { clientOptions, withClient } from "./backend.js"

const projectArg = Args.text({ name: "project" }).pipe(Args.withDescription("Project UUID or slug"))
const visibility = Options.choice("visibility", ["public", "private"]).pipe(
  Options.withDescription("Who may see the project's results (default public)"),
  Options.optional
)
const url = Options.text("url").pipe(Options.withDescription("The project's homepage"), Options.optional)
const slug = Options.text("slug").pipe(Options.optional)

const list = Command.make(
  "list",
  {
    ...clientOptions,
    org: Options.text("org").pipe(
      Options.withDescription("Only this organization's projects (UUID or slug)"),
      Options.optional
    ),
    search: Options.text("search").pipe(Options.optional),
    perPage: Options.integer("per-page").pipe(Options.withDescription("1..255 (default 8)"), Options.optional),
    page: Options.integer("page").pipe(Options.optional)
  },
  (o) =>
    withClient(o, (c) => {
      const urlParams = {
        search: Option.getOrUndefined(o.search),
        per_page: Option.getOrUndefined(o.perPage),
        page: Option.getOrUndefined(o.page)
      }
      return Option.match(o.org, {
        onNone: () => c.projects.list({ urlParams }),
        onSome: (organization) => c.projects.listForOrganization({ path: { organization }, urlParams })
      })
    })
).pipe(Command.withDescription("List the projects you can see"))

const create = Command.make(
  "create",
  {
    ...clientOptions,
    organization: Args.text({ name: "organization" }).pipe(Args.withDescription("Organization UUID or slug")),
    name: Options.text("name"),
    slug,
    url,
    visibility
  },
  (o) =>
    withClient(o, (c) =>
      c.projects.create({
        path: { organization: o.organization },
        payload: {
          name: o.name,
          slug: Option.getOrUndefined(o.slug),
          url: Option.getOrUndefined(o.url),
          visibility: Option.getOrUndefined(o.visibility)
        }
      })
    )
).pipe(Command.withDescription("Create a project in an organization"))

const view = Command.make("view", { ...clientOptions, project: projectArg }, (o) =>
  withClient(o, (c) => c.projects.view({ path: { project: o.project } }))
).pipe(Command.withDescription("Show a project"))

const update = Command.make(
  "update",
  { ...clientOptions, project: projectArg, name: Options.text("name").pipe(Options.optional), slug, url, visibility },
  (o) =>
    withClient(o, (c) =>
      c.projects.update({
        path: { project: o.project },
        payload: {
          name: Option.getOrUndefined(o.name),
          slug: Option.getOrUndefined(o.slug),
          url: Option.getOrUndefined(o.url),
          visibility: Option.getOrUndefined(o.visibility)
        }
      })
    )
).pipe(Command.withDescription("Rename a project or change its slug, URL or visibility"))

const remove = Command.make("delete", { ...clientOptions, project: projectArg }, (o) =>
  withClient(o, (c) => c.projects.remove({ path: { project: o.project } }))
).pipe(Command.withDescription("Delete a project"))

export const projectCommand = Command.make("project").pipe(
  Command.withDescription("Projects: list, create, view, update, delete"),
  Command.withSubcommands([list, create, view, update, remove])
)
