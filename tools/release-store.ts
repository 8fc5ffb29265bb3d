/** What an artifact store says about one object: its size, and its sha256 when the store keeps one. */
export interface StoredObject {
    /** The size in bytes. */
    size: number;
    /** The object's sha256 over its whole content, lower-case hex, when the store gives one. */
    sha256?: string;
}

/** Looks one object up; undefined when it does not exist. Any other failure throws. */
export type HeadObject = (uri: string) => Promise<StoredObject | undefined>;

/** A base64 sha256 as lower-case hex, or undefined when it is not one. */
export function sha256FromBase64(value: string | undefined): string | undefined {
    if (value === undefined || !/^[A-Za-z0-9+/]{43}=$/.test(value)) {
        return undefined;
    }
    return Buffer.from(value, "base64").toString("hex");
}

/**
 * The object's own sha256 from an S3 checksum: only a FULL_OBJECT one is the sha256 of the bytes;
 * a COMPOSITE one (multipart uploads, written "<base64>-<parts>") is a checksum of part checksums.
 * Source: S3 User Guide, "Checking object integrity", full object and composite checksum types.
 */
export function s3FullObjectSha256(checksum: string | undefined, type: string | undefined): string | undefined {
    if (type !== undefined && type !== "FULL_OBJECT") {
        return undefined;
    }
    return sha256FromBase64(checksum);
}
