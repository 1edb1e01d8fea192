import type { ProjectRef } from "./access.js"

/** Bencher stores visibility as an integer: 0 public (the default), 1 private. */
export const visibilityOf = (stored: number): "public" | "private" => (stored === 1 ? "private" : "public")
export const storedVisibility = (visibility: "public" | "private"): number => (visibility === "private" ? 1 : 0)

export interface ProjectRefWithUuid extends ProjectRef {
  readonly uuid: string
}
