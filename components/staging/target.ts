/** What a staging target store offers the copy: find a finished copy, upload a stream, delete. */
import type { Readable } from "stream";

/** The metadata a staged object carries, so a later run can tell it is a finished copy of the same source. */
export interface StagedMetadata {
    /** Always "image-publisher": an object without it was not staged here and is never overwritten. */
    "staged-by": string;
    /** The source URI without its query. */
    source: string;
    /** The source's ETag, when it told. */
    "source-etag"?: string;
    /** The sha256 config gives; only ever set on an object whose content was verified against it. */
    sha256?: string;
}

/** A staged object as the target store reports it. */
export interface StagedObject {
    /** Its size in bytes. */
    size: number;
    /** Its custom metadata. */
    metadata: Partial<StagedMetadata>;
    /** The store's own checksum: GCS md5Hash (base64), OSS ETag. */
    checksum?: string;
}

/** One staging target: an object key in a bucket of one store. */
export interface StagingTarget {
    /** The staged object as a URI, such as gs://bucket/key. */
    uri: string;
    /** True when the store's checksum is the content's md5 in base64 (GCS md5Hash), which the copy then compares. */
    checksumIsMd5: boolean;
    /** The object, when one is there. */
    existing(): Promise<StagedObject | undefined>;
    /**
     * Uploads `body` with `metadata`; the object appears only once `body` ended without error. Drops
     * what an interrupted earlier upload of the same key left. Returns the store's checksum.
     */
    upload(body: Readable, size: number | undefined, metadata: StagedMetadata): Promise<{ checksum?: string }>;
    /** Deletes the object; nothing happens when it is gone already. */
    remove(): Promise<void>;
}
