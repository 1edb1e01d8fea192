import { Layer } from "effect"
import { BlobStore, type BlobStoreOptions } from "./blob-store.js"
import { ImageRegistry } from "./image-registry.js"
import { RegistryTokens } from "./tokens.js"

export { BlobStore, type BlobInfo, type BlobReader, type BlobStoreOptions, type ByteRange } from "./blob-store.js"
export { RegistryCredentials, RegistryCredentialsLive } from "./credentials.js"
export * from "./errors.js"
export { ImageRegistry, isRepositoryName, type RegistryProject, resolveDigest } from "./image-registry.js"
export { type MintedToken, RegistryTokens, RUNNER_TOKEN_TTL_SECONDS } from "./tokens.js"

/**
 * The registry's services on one data directory: BlobStore (also for job outputs), the SQL index
 * (ImageRegistry, needs SqlClient) and RegistryTokens.
 */
export const RegistryLive = (options: BlobStoreOptions) =>
  Layer.mergeAll(ImageRegistry.Live, RegistryTokens.layer(options.root)).pipe(
    Layer.provideMerge(BlobStore.layer(options))
  )
