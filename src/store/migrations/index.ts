import * as Migrator from "@effect/sql/Migrator"
import core from "./0001_core.js"
import identity from "./0002_identity.js"
import registry from "./0003_registry.js"
import jobs from "./0004_jobs.js"
import reportRows from "./0005_report_rows.js"
import benchmarkGeneration from "./0006_benchmark_generation.js"
import reportSourceIp from "./0007_report_source_ip.js"

// Migrations are never edited once landed; a change is a new numbered entry. fromRecord works in the bundle.
export const migrations = Migrator.fromRecord({
  "0001_core": core,
  "0002_identity": identity,
  "0003_registry": registry,
  "0004_jobs": jobs,
  "0005_report_rows": reportRows,
  "0006_benchmark_generation": benchmarkGeneration,
  "0007_report_source_ip": reportSourceIp
})
