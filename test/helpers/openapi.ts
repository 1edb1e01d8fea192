import { Ajv, type ValidateFunction } from "ajv"
import formatsModule from "ajv-formats"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { repoRoot } from "./process.js"

/** Bencher's own OpenAPI document (its `services/api/openapi.json`, v0.6.12), copied into test/fixtures. */
export const bencherOpenApiPath = join(repoRoot, "test", "fixtures", "bencher-openapi.json")

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [k: string]: Json }

/** OpenAPI 3.0's `nullable: true` is not JSON Schema: rewrite it as "null or the schema". */
const denullify = (node: Json): Json => {
  if (Array.isArray(node)) return node.map(denullify)
  if (node === null || typeof node !== "object") return node
  const entries = Object.entries(node as Record<string, Json>).map(([k, v]) => [k, denullify(v)] as const)
  const rest = Object.fromEntries(entries.filter(([k]) => k !== "nullable"))
  return (node as Record<string, Json>)["nullable"] === true ? { anyOf: [{ type: "null" }, rest] } : rest
}

let cached: Ajv | undefined
const ajv = (): Ajv => {
  if (cached !== undefined) return cached
  const document = JSON.parse(readFileSync(bencherOpenApiPath, "utf8")) as { components: Json }
  const instance = new Ajv({ strict: false, allErrors: true })
  // ajv-formats is CommonJS: under NodeNext its default export is the module object.
  const addFormats = (formatsModule as unknown as { default: (ajv: Ajv) => Ajv }).default
  addFormats(instance)
  for (const format of ["uint", "uint8", "uint32", "uint64", "int32", "int64", "double", "float"]) {
    instance.addFormat(format, { type: "number", validate: () => true })
  }
  instance.addSchema({ $id: "bencher", components: denullify(document.components) })
  cached = instance
  return instance
}

/** A validator for one of Bencher's component schemas, e.g. `JsonReport`. */
export const bencherSchema = (name: string): ValidateFunction => {
  const validate = ajv().getSchema(`bencher#/components/schemas/${name}`)
  if (validate === undefined) throw new Error(`no schema ${name} in Bencher's OpenAPI document`)
  return validate
}

export const violations = (name: string, value: unknown): string => {
  const validate = bencherSchema(name)
  return validate(value) ? "" : JSON.stringify(validate.errors, null, 1).slice(0, 2000)
}
