import { Effect } from "effect"

/**
 * A JSON request to the test server acting with `key` (a GET, or a POST of `body`): its status and parsed body.
 * Tests read bodies loosely, as the wire JSON they assert on.
 */
export const apiJson = (url: string, key: string, path: string, body?: unknown) =>
  Effect.promise(async () => {
    const init: RequestInit = { headers: { "content-type": "application/json", authorization: `Bearer ${key}` } }
    if (body !== undefined) {
      init.method = "POST"
      init.body = JSON.stringify(body)
    }
    const response = await fetch(`${url}${path}`, init)
    return { status: response.status, body: (await response.json()) as any }
  })
