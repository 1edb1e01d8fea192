// Row shapes of the project tables and their Bencher JSON. Times are epoch ms in rows, ISO strings on the wire.
import { toIso, toIsoOrNull } from "../domain/time.js"

export interface ProjectRow {
  readonly id: number
  readonly uuid: string
  readonly organization_id: number
  readonly organization_uuid: string
  readonly name: string
  readonly slug: string
  readonly url: string | null
  readonly visibility: number
  readonly created: number
  readonly modified: number
}

import { visibilityOf } from "../identity/project-ref.js"

export const projectJson = (p: ProjectRow) => ({
  uuid: p.uuid,
  organization: p.organization_uuid,
  name: p.name,
  slug: p.slug,
  url: p.url,
  visibility: visibilityOf(p.visibility),
  created: toIso(p.created),
  modified: toIso(p.modified)
})

/** testbed, measure, benchmark and branch rows share these columns. */
export interface DimensionRow {
  readonly id: number
  readonly uuid: string
  readonly project_id: number
  readonly name: string
  readonly slug: string
  readonly created: number
  readonly modified: number
  readonly archived: number | null
}

export interface MeasureRow extends DimensionRow {
  readonly units: string
}

export interface TestbedRow extends DimensionRow {
  readonly spec_id: number | null
}

export interface BranchRow extends DimensionRow {
  readonly head_id: number | null
}

export interface HeadRow {
  readonly id: number
  readonly uuid: string
  readonly branch_id: number
  readonly start_point_id: number | null
  readonly created: number
  readonly replaced: number | null
}

export interface VersionRow {
  readonly id: number
  readonly uuid: string
  readonly project_id: number
  readonly number: number
  readonly hash: string | null
}

export const dimensionJson = (projectUuid: string, d: DimensionRow) => ({
  uuid: d.uuid,
  project: projectUuid,
  name: d.name,
  slug: d.slug,
  created: toIso(d.created),
  modified: toIso(d.modified),
  archived: toIsoOrNull(d.archived)
})

export const measureJson = (projectUuid: string, m: MeasureRow) => ({
  ...dimensionJson(projectUuid, m),
  units: m.units
})

export const versionJson = (v: Pick<VersionRow, "number" | "hash">) => ({ number: v.number, hash: v.hash })
