import { HttpApp, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import { DEFAULT_PER_PAGE } from "../domain/limits.js"

export interface PageParams {
  readonly per_page?: number | undefined
  readonly page?: number | undefined
  readonly direction?: "asc" | "desc" | undefined
}

export interface Page {
  readonly limit: number
  readonly offset: number
  readonly direction: "ASC" | "DESC"
}

export const toPage = (params: PageParams, defaultDirection: "asc" | "desc" = "asc"): Page => {
  const limit = params.per_page ?? DEFAULT_PER_PAGE
  return {
    limit,
    offset: ((params.page ?? 1) - 1) * limit,
    direction: (params.direction ?? defaultDirection) === "asc" ? "ASC" : "DESC"
  }
}

/** Bencher lists report their total in `X-Total-Count`. */
export const setTotalCount = (total: number) =>
  HttpApp.appendPreResponseHandler((_request, response) =>
    Effect.succeed(HttpServerResponse.setHeader(response, "x-total-count", String(total)))
  )
