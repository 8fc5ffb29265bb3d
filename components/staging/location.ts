/**
 * Where an artifact must be for a cloud's import, and where it is staged when it is elsewhere.
 * Plain functions only: config validation, the components and the dynamic provider all use them.
 */

/** The clouds whose imports read only their own object store, and so may need a staged copy. */
export type StagingCloud = "gcp" | "alicloud";

/** Where a staged copy goes: the cloud's store, bucket and object key. */
export interface StagedLocation {
    /** "gcs" for GCP, "oss" for AliCloud. */
    store: "gcs" | "oss";
    /** The staging bucket. */
    bucket: string;
    /** The object key: the source's path, so the file name and its extension (the import format) stay. */
    key: string;
    /** The staged object as a URI: gs://bucket/key or oss://bucket/key. */
    uri: string;
}

/**
 * Whether a cloud's import cannot read this artifact where it is. GCE reads an image's
 * `rawDisk.source` only from Cloud Storage ("a storage.googleapis.com URL", images.insert), so gs://
 * and https://storage.googleapis.com/ are read in place and everything else is staged. ECS ImportImage
 * reads only an OSS bucket in the import region (OSSBucket/OSSObject, ImportImage), so everything
 * but oss:// is staged.
 */
export function needsStaging(cloud: StagingCloud, uri: string): boolean {
    if (cloud === "gcp") {
        return !(uri.startsWith("gs://") || uri.startsWith("https://storage.googleapis.com/"));
    }
    return !uri.startsWith("oss://");
}

/** The object key of a staged copy: the s3:// key, or the https:// path without its query, never starting with "/". */
export function stagedKey(sourceUri: string): string {
    const s3 = /^s3:\/\/[^/]+\/(.+)$/.exec(sourceUri);
    if (s3) {
        return s3[1];
    }
    const url = new URL(sourceUri);
    return decodeURIComponent(url.pathname).replace(/^\/+/, "");
}

/** Where the staged copy of `sourceUri` goes in `bucket`. */
export function stagedLocation(cloud: StagingCloud, sourceUri: string, bucket: string): StagedLocation {
    const store = cloud === "gcp" ? "gcs" : "oss";
    const key = stagedKey(sourceUri);
    return { store, bucket, key, uri: `${store === "gcs" ? "gs" : "oss"}://${bucket}/${key}` };
}

/** A source URI without its query string, so a presigned signature is never stored or printed. */
export function withoutQuery(uri: string): string {
    const at = uri.indexOf("?");
    return at < 0 ? uri : uri.slice(0, at);
}
