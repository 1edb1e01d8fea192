import { Context } from "effect"

/** Who is making a request, decided once per request by the Authentication middleware. */
export type Actor = AnonymousActor | UserActor | ProjectKeyActor

export interface AnonymousActor {
  readonly _tag: "Anonymous"
  readonly sourceIp: string
}

export interface UserActor {
  readonly _tag: "User"
  readonly userId: number
  readonly uuid: string
  readonly admin: boolean
  readonly sourceIp: string
}

export interface ProjectKeyActor {
  readonly _tag: "ProjectKey"
  readonly keyId: number
  readonly projectId: number
  readonly sourceIp: string
}

export class CurrentActor extends Context.Tag("bencher/identity/CurrentActor")<CurrentActor, Actor>() {}
