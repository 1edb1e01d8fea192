import { Schema } from "effect"
import { ResourceId } from "../domain/ids.js"

export const ProjectPath = Schema.Struct({ project: ResourceId })
