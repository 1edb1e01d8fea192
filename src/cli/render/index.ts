import type { JsonReport } from "../../domain/report.js"
import { renderHtml } from "./html.js"
import { renderHuman, renderJson, type RenderOptions } from "./human.js"

export type ReportFormat = "human" | "json" | "html"
export const reportFormats: ReadonlyArray<ReportFormat> = ["human", "json", "html"]

/** A JsonReport in one of `bencher run --format`'s formats. */
export const renderReport = (report: JsonReport, format: ReportFormat, options: RenderOptions): string =>
  format === "json"
    ? renderJson(report)
    : format === "html"
      ? renderHtml(report, options)
      : renderHuman(report, options)

export { renderHtml, renderHuman, renderJson, type RenderOptions }
export { describeAlert, renderTable } from "./human.js"
export { iterationRows, type IterationRows, type ResultRow } from "./rows.js"
export { alertUrl, perfUrl, reportUrl } from "./links.js"
