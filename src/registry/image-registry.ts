import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Clock, Context, Effect, Either, Layer, Option } from "effect"
import { isResourceId, isUuid } from "../domain/ids.js"
import { retryBusy } from "../store/database.js"
import { BlobStore } from "./blob-store.js"
import { ImageNotFound, ImagePlatformNotFound, ociError } from "./errors.js"
import {
  type Descriptor,
  digestOf,
  isNonDistributable,
  MAX_MANIFEST_BYTES,
  MediaType,
  parseManifest,
  type ParsedManifest,
  parseReference,
  type RunnerPlatform,
  selectPlatform
} from "../oci/index.js"

/** A repository of this registry is a project: its slug or uuid, nothing else (no path segments, no `..`). */
export const isRepositoryName = isResourceId

/** A project seen as a repository of the registry. */
export interface RegistryProject {
  readonly id: number
  readonly uuid: string
  readonly slug: string
  readonly organizationId: number
  readonly visibility: "public" | "private"
}

export interface StoredManifest {
  readonly digest: string
  readonly mediaType: string
  readonly size: number
}

interface ManifestRow {
  readonly id: number
  readonly digest: string
  readonly media_type: string
  readonly size: number
}

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const blobs = yield* BlobStore

  const findProject = (name: string): Effect.Effect<Option.Option<RegistryProject>, SqlError> =>
    Effect.map(
      isUuid(name)
        ? sql<{ id: number; uuid: string; slug: string; organization_id: number; visibility: number }>`
            SELECT id, uuid, slug, organization_id, visibility FROM project
            WHERE uuid = ${name.toLowerCase()} AND deleted IS NULL`
        : sql<{ id: number; uuid: string; slug: string; organization_id: number; visibility: number }>`
            SELECT id, uuid, slug, organization_id, visibility FROM project WHERE slug = ${name} AND deleted IS NULL`,
      (rows) =>
        Option.map(Option.fromNullable(rows[0]), (r) => ({
          id: r.id,
          uuid: r.uuid,
          slug: r.slug,
          organizationId: r.organization_id,
          visibility: r.visibility === 0 ? ("public" as const) : ("private" as const)
        }))
    )

  const blobLinked = (projectId: number, digest: string) =>
    Effect.map(
      sql<{ size: number }>`SELECT size FROM registry_blob WHERE project_id = ${projectId} AND digest = ${digest}`,
      (rows) => rows.length > 0
    )

  const linkBlob = (projectId: number, digest: string, size: number) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      retryBusy(sql`INSERT INTO registry_blob (project_id, digest, size, created)
        VALUES (${projectId}, ${digest}, ${size}, ${now}) ON CONFLICT DO NOTHING`)
    ).pipe(Effect.asVoid)

  /** Removes the blob from the repository. Its bytes stay in the store (shared by digest across projects). */
  const unlinkBlob = (projectId: number, digest: string) =>
    Effect.map(
      retryBusy(sql<{ digest: string }>`DELETE FROM registry_blob WHERE project_id = ${projectId} AND digest = ${digest}
        RETURNING digest`),
      (rows) => rows.length > 0
    )

  const manifestByDigest = (projectId: number, digest: string) =>
    Effect.map(
      sql<ManifestRow>`SELECT id, digest, media_type, size FROM registry_manifest
        WHERE project_id = ${projectId} AND digest = ${digest}`,
      (rows) => Option.fromNullable(rows[0])
    )

  const manifestByTag = (projectId: number, tag: string) =>
    Effect.map(
      sql<ManifestRow>`SELECT m.id, m.digest, m.media_type, m.size FROM registry_tag t
        JOIN registry_manifest m ON m.id = t.manifest_id WHERE t.project_id = ${projectId} AND t.name = ${tag}`,
      (rows) => Option.fromNullable(rows[0])
    )

  const invalidReference = (reference: string) =>
    ociError("MANIFEST_INVALID", 400, `invalid reference ${JSON.stringify(reference)}: not a tag or a sha256 digest`)

  /** The manifest a tag or digest names, if this repository holds it. */
  const findManifest = (project: RegistryProject, reference: string) =>
    Effect.gen(function* () {
      const ref = parseReference(reference)
      if (ref === undefined) return yield* Effect.fail(invalidReference(reference))
      const row =
        ref._tag === "Digest"
          ? yield* manifestByDigest(project.id, ref.digest)
          : yield* manifestByTag(project.id, ref.tag)
      return Option.map(row, (r): StoredManifest => ({ digest: r.digest, mediaType: r.media_type, size: r.size }))
    })

  /** Every blob and child manifest a manifest refers to must already be in this repository. */
  const checkReferences = (project: RegistryProject, manifest: ParsedManifest) =>
    Effect.gen(function* () {
      const missing: Array<Descriptor> = []
      if (manifest._tag === "Image") {
        for (const d of [manifest.config, ...manifest.layers]) {
          if (isNonDistributable(d)) continue
          if (!(yield* blobLinked(project.id, d.digest))) missing.push(d)
        }
      } else {
        for (const d of manifest.manifests) {
          if (Option.isNone(yield* manifestByDigest(project.id, d.digest))) missing.push(d)
        }
      }
      if (missing.length > 0) {
        return yield* Effect.fail(
          ociError(
            "MANIFEST_BLOB_UNKNOWN",
            400,
            `manifest references ${missing.length} blob(s) not in repository ${project.slug}`,
            { digests: missing.map((d) => d.digest) }
          )
        )
      }
    })

  /**
   * Stores a manifest under a tag or its own digest. The bytes are verified, parsed and checked against the
   * repository before anything is written; the manifest row and the tag are written in one transaction.
   */
  const putManifest = (
    project: RegistryProject,
    reference: string,
    bytes: Uint8Array,
    contentType: string | undefined
  ) =>
    Effect.gen(function* () {
      const ref = parseReference(reference)
      if (ref === undefined) return yield* Effect.fail(invalidReference(reference))
      if (bytes.length > MAX_MANIFEST_BYTES) {
        return yield* Effect.fail(ociError("SIZE_INVALID", 413, `manifest exceeds ${MAX_MANIFEST_BYTES} bytes`))
      }
      const digest = digestOf(bytes)
      if (ref._tag === "Digest" && ref.digest !== digest) {
        return yield* Effect.fail(ociError("DIGEST_INVALID", 400, `manifest digest is ${digest}, not ${ref.digest}`))
      }
      const manifest = parseManifest(bytes, contentType)
      if (Either.isLeft(manifest)) return yield* Effect.fail(ociError("MANIFEST_INVALID", 400, manifest.left.message))
      yield* checkReferences(project, manifest.right)
      yield* blobs.putBytes(bytes, digest).pipe(Effect.mapError((e) => ociError("MANIFEST_INVALID", 500, e.message)))
      const parsed = manifest.right
      const now = yield* Clock.currentTimeMillis
      const annotations = parsed.annotations === undefined ? null : JSON.stringify(parsed.annotations)
      yield* retryBusy(
        sql.withTransaction(
          Effect.gen(function* () {
            const rows = yield* sql<{ id: number }>`INSERT INTO registry_manifest
            (project_id, digest, media_type, size, artifact_type, subject, annotations, created)
          VALUES (${project.id}, ${digest}, ${parsed.mediaType}, ${bytes.length}, ${parsed.artifactType ?? null},
            ${parsed.subject?.digest ?? null}, ${annotations}, ${now})
          ON CONFLICT (project_id, digest) DO UPDATE SET media_type = excluded.media_type
          RETURNING id`
            const id = rows[0]?.id
            if (id === undefined) return yield* Effect.dieMessage("manifest insert returned no id")
            if (ref._tag === "Tag") {
              yield* sql`INSERT INTO registry_tag (project_id, name, manifest_id, created, modified)
            VALUES (${project.id}, ${ref.tag}, ${id}, ${now}, ${now})
            ON CONFLICT (project_id, name) DO UPDATE SET manifest_id = excluded.manifest_id, modified = excluded.modified`
            }
          })
        )
      )
      return { digest, subject: parsed.subject?.digest }
    })

  /** By digest: the manifest and every tag on it. By tag: only the tag (OCI distribution spec 1.1). */
  const deleteManifest = (project: RegistryProject, reference: string) =>
    Effect.gen(function* () {
      const ref = parseReference(reference)
      if (ref === undefined) return yield* Effect.fail(invalidReference(reference))
      const deleted =
        ref._tag === "Digest"
          ? yield* retryBusy(sql<{ id: number }>`DELETE FROM registry_manifest WHERE project_id = ${project.id}
            AND digest = ${ref.digest} RETURNING id`)
          : yield* retryBusy(sql<{ name: string }>`DELETE FROM registry_tag WHERE project_id = ${project.id}
            AND name = ${ref.tag} RETURNING name`)
      return deleted.length > 0
    })

  const listTags = (project: RegistryProject, n: number | undefined, last: string | undefined) =>
    Effect.map(
      sql<{ name: string }>`SELECT name FROM registry_tag WHERE project_id = ${project.id}
        AND name > ${last ?? ""} ORDER BY name LIMIT ${n === undefined ? -1 : n + 1}`,
      (rows) => {
        const names = rows.map((r) => r.name)
        const more = n !== undefined && names.length > n
        return { tags: more ? names.slice(0, n) : names, more }
      }
    )

  /** Manifests whose `subject` is the digest, as descriptors for the referrers index. */
  const referrers = (project: RegistryProject, digest: string, artifactType: string | undefined) =>
    Effect.map(
      sql<{
        digest: string
        media_type: string
        size: number
        artifact_type: string | null
        annotations: string | null
      }>`
        SELECT digest, media_type, size, artifact_type, annotations FROM registry_manifest
        WHERE project_id = ${project.id} AND subject = ${digest} ORDER BY created, id`,
      (rows) =>
        rows
          .filter((r) => artifactType === undefined || r.artifact_type === artifactType)
          .map((r) => ({
            mediaType: r.media_type,
            digest: r.digest,
            size: r.size,
            ...(r.artifact_type === null ? {} : { artifactType: r.artifact_type }),
            ...(r.annotations === null ? {} : { annotations: JSON.parse(r.annotations) as Record<string, string> })
          }))
    )

  /**
   * The digest a job runs (docs/reference.md §5.2 resolve_digest): a digest is used as is and must exist;
   * a tag resolves to its manifest, and an index to the manifest for the runner's platform.
   */
  const resolveDigest = (projectRef: string, reference: string, platform: RunnerPlatform = "linux/amd64") =>
    Effect.gen(function* () {
      const notFound = new ImageNotFound({ project: projectRef, reference })
      const project = yield* Effect.flatMap(
        findProject(projectRef),
        Option.match({
          onNone: () => Effect.fail(notFound),
          onSome: Effect.succeed
        })
      )
      const ref = parseReference(reference)
      if (ref === undefined) return yield* Effect.fail(notFound)
      const manifest = yield* findManifest(project, reference).pipe(
        Effect.catchTag("OciError", () => Effect.fail(notFound)),
        Effect.flatMap(Option.match({ onNone: () => Effect.fail(notFound), onSome: Effect.succeed }))
      )
      if (ref._tag === "Digest") return manifest.digest
      if (manifest.mediaType !== MediaType.ociIndex && manifest.mediaType !== MediaType.dockerList)
        return manifest.digest
      const bytes = yield* blobs
        .readAll(manifest.digest)
        .pipe(Effect.catchTag("BlobNotFound", () => Effect.fail(notFound)))
      const parsed = parseManifest(bytes, manifest.mediaType)
      const child =
        Either.isRight(parsed) && parsed.right._tag === "Index"
          ? selectPlatform(parsed.right.manifests, platform)
          : undefined
      if (child === undefined) {
        return yield* Effect.fail(new ImagePlatformNotFound({ project: projectRef, reference, platform }))
      }
      return child.digest
    })

  return {
    findProject,
    blobLinked,
    linkBlob,
    unlinkBlob,
    findManifest,
    putManifest,
    deleteManifest,
    listTags,
    referrers,
    resolveDigest
  } as const
})

/** The registry's index in SQL: blobs per repository, manifests, tags and referrers. */
export class ImageRegistry extends Context.Tag("bencher/registry/ImageRegistry")<
  ImageRegistry,
  Effect.Effect.Success<typeof make>
>() {
  static Live = Layer.effect(this, make)
}

/**
 * For job creation: the manifest digest a runner must pull for `project` (slug or uuid) and `reference`
 * (a tag, `sha256:...` or `@sha256:...`), choosing the platform's manifest when the tag names an index.
 */
export const resolveDigest = (projectRef: string, reference: string, platform?: RunnerPlatform) =>
  Effect.flatMap(ImageRegistry, (r) => r.resolveDigest(projectRef, reference, platform))
