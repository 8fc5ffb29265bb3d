/**
 * The cloud-neutral staging copy: source → count and hash → target, streamed. A finished copy of the
 * same source is found and kept, so a rerun copies nothing twice; an unfinished one is dropped and the
 * copy starts again; a copy whose size or sha256 is wrong never becomes an object.
 */
import { digestStream, integrityError } from "./digest";
import { describeSource, openSource, SourceOptions } from "./source";
import { StagedMetadata, StagedObject, StagingTarget } from "./target";
import { withoutQuery } from "./location";

/** The marker that says an object was staged by this program. */
export const STAGED_BY = "image-publisher";

/** What one staging copy is asked to do. */
export interface CopyRequest {
    /** The artifact: s3://bucket/key or an https:// URL. */
    source: string;
    /** Its sha256 from config, lower-case hex; checked before the object is finalised. */
    sha256?: string;
    /** Where it goes. */
    target: StagingTarget;
    /** How the source is read. */
    sourceOptions?: SourceOptions;
}

/** What the copy made or found. */
export interface CopyResult {
    /** The staged object's URI. */
    uri: string;
    /** Its size in bytes. */
    size: number;
    /** Its sha256 when known: computed by this copy, or the verified one of a copy found finished. */
    sha256?: string;
    /** The target store's checksum: GCS md5Hash, OSS ETag. */
    checksum?: string;
    /** Bytes copied by this run: 0 when a finished copy was found. */
    bytesCopied: number;
}

/** Whether `found` is a finished copy of this source: ours, the same source, the same size, and the same sha256 or ETag. */
export function isFinishedCopy(found: StagedObject, source: string, facts: { size?: number; etag?: string }, sha256?: string): boolean {
    const meta = found.metadata;
    if (meta["staged-by"] !== STAGED_BY || meta.source !== withoutQuery(source)) {
        return false;
    }
    if (facts.size !== undefined && found.size !== facts.size) {
        return false;
    }
    if (sha256 !== undefined) {
        return meta.sha256 === sha256;
    }
    return facts.etag !== undefined && meta["source-etag"] === facts.etag;
}

/** Stages the source into the target, or finds it staged already. */
export async function stageArtifactCopy(request: CopyRequest): Promise<CopyResult> {
    const { source, sha256, target } = request;
    const sourceOptions = request.sourceOptions ?? {};
    const facts = await describeSource(source, sourceOptions);
    const found = await target.existing();
    if (found) {
        if (isFinishedCopy(found, source, facts, sha256)) {
            return { uri: target.uri, size: found.size, ...(sha256 ? { sha256 } : {}), ...(found.checksum ? { checksum: found.checksum } : {}), bytesCopied: 0 };
        }
        if (found.metadata["staged-by"] !== STAGED_BY) {
            throw new Error(`${target.uri} already exists and was not staged by ${STAGED_BY}; it is left alone: `
                + "move it away or choose another staging bucket");
        }
    }
    const metadata: StagedMetadata = {
        "staged-by": STAGED_BY,
        source: withoutQuery(source),
        ...(facts.etag ? { "source-etag": facts.etag } : {}),
        ...(sha256 ? { sha256 } : {}),
    };
    const { stream: digest, tally } = digestStream({ size: facts.size, sha256 }, withoutQuery(source));
    const body = await openSource(source, sourceOptions);
    body.once("error", (error) => digest.destroy(error));
    body.pipe(digest);
    let uploaded: { checksum?: string };
    try {
        uploaded = await target.upload(digest, facts.size, metadata);
    } finally {
        body.destroy();
    }
    if (target.checksumIsMd5 && uploaded.checksum !== undefined && uploaded.checksum !== tally.md5) {
        await target.remove();
        throw integrityError(`${target.uri} has md5 ${uploaded.checksum} in the store, but ${tally.md5} was sent; the object was deleted`);
    }
    return {
        uri: target.uri,
        size: tally.bytes,
        ...(tally.sha256 ? { sha256: tally.sha256 } : {}),
        ...(uploaded.checksum ? { checksum: uploaded.checksum } : {}),
        bytesCopied: tally.bytes,
    };
}
