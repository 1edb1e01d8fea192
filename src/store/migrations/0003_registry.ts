import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

// The OCI registry: which blobs each project (repository) holds, its manifests and tags. Blob and
// manifest bytes live in the BlobStore, addressed by digest, so a blob pushed to two projects is stored once.
const statements = [
  `CREATE TABLE registry_blob (
    project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    digest TEXT NOT NULL,
    size INTEGER NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (project_id, digest)
  )`,
  `CREATE INDEX registry_blob_digest ON registry_blob (digest)`,
  `CREATE TABLE registry_manifest (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    digest TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    artifact_type TEXT,
    subject TEXT,
    annotations TEXT,
    created INTEGER NOT NULL,
    UNIQUE (project_id, digest)
  )`,
  `CREATE INDEX registry_manifest_subject ON registry_manifest (project_id, subject)`,
  `CREATE INDEX registry_manifest_digest ON registry_manifest (digest)`,
  `CREATE TABLE registry_tag (
    project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    manifest_id INTEGER NOT NULL REFERENCES registry_manifest (id) ON DELETE CASCADE,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    PRIMARY KEY (project_id, name)
  )`
]

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  for (const statement of statements) yield* sql.unsafe(statement)
})
