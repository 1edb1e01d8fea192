// The media types of the OCI image spec, and of Docker schema 2, which registries and `docker save` still write.

export const MediaType = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayer: "application/vnd.oci.image.layer.v1.tar",
  ociLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip"
} as const

export const manifestMediaTypes: ReadonlyArray<string> = [
  MediaType.ociManifest,
  MediaType.ociIndex,
  MediaType.dockerManifest,
  MediaType.dockerList
]
export const indexMediaTypes: ReadonlyArray<string> = [MediaType.ociIndex, MediaType.dockerList]

/** The Accept header of a manifest GET: every manifest type, so a registry never converts one. */
export const manifestAccept = manifestMediaTypes.join(", ")

/** Registries must accept manifests of at least 4 MiB (OCI distribution spec); we accept, and fetch, exactly that. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024
