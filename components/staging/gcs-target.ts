/**
 * The GCS staging target, through @google-cloud/storage: a resumable upload in chunks, so a dropped
 * connection costs one chunk and is resent by the SDK, and the object exists only once the last
 * chunk, sent after the input ended, finalises the session. Credentials: Application Default
 * Credentials (the SDK's default).
 */
import type { Readable } from "stream";
import type { StorageOptions } from "@google-cloud/storage";
import { Clock, retry } from "../dynamic/retry";
import { isTransientStoreError } from "./transient";
import { StagedObject, StagingTarget } from "./target";

/** How GCS is reached; tests aim it at a local server. */
export interface GcsOptions {
    /** Storage client settings: apiEndpoint, projectId, retryOptions... */
    storage?: StorageOptions;
    /**
     * Bytes per upload request. "should be a multiple of 256 KiB ... We recommend using at least 8 MiB"
     * (resumable uploads, chunked upload); 16 MiB by default.
     */
    chunkSize?: number;
    /** The clock of our own retries (metadata and delete). */
    clock?: Clock;
}

/** The chunk size GCS accepts: a positive multiple of 256 KiB (resumable uploads: "must be a multiple of 256 KiB"). */
export function gcsChunkSizeProblem(size: number): string | undefined {
    return Number.isInteger(size) && size > 0 && size % (256 * 1024) === 0 ? undefined : `${size} is not a positive multiple of 262144 (256 KiB)`;
}

const attempts = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 20_000, retryable: isTransientStoreError };

/** The GCS target of one object. */
export function gcsTarget(bucket: string, key: string, options: GcsOptions = {}): StagingTarget {
    const chunkSize = options.chunkSize ?? 16 * 1024 * 1024;
    const problem = gcsChunkSizeProblem(chunkSize);
    if (problem) {
        throw new Error(`GCS chunk size ${problem}`);
    }
    const file = () => {
        const { Storage } = require("@google-cloud/storage") as typeof import("@google-cloud/storage");
        return new Storage(options.storage).bucket(bucket).file(key);
    };
    const settings = { ...attempts, clock: options.clock };
    const notFound = (error: unknown) => (error as { code?: unknown }).code === 404;
    // The generation existing() saw (0: no object). The upload is conditional on it (ifGenerationMatch), so
    // it never overwrites an object that appeared or changed meanwhile, and the SDK retries its requests
    // only when they carry such a precondition (IdempotencyStrategy.RetryConditional, its default).
    let seenGeneration = 0;
    return {
        uri: `gs://${bucket}/${key}`,
        checksumIsMd5: true,

        async existing(): Promise<StagedObject | undefined> {
            try {
                const [meta] = await retry(() => file().getMetadata(), settings);
                seenGeneration = Number(meta.generation ?? 0);
                return {
                    size: Number(meta.size),
                    metadata: (meta.metadata ?? {}) as StagedObject["metadata"],
                    ...(meta.md5Hash ? { checksum: meta.md5Hash } : {}),
                };
            } catch (error) {
                if (notFound(error)) {
                    seenGeneration = 0;
                    return undefined;
                }
                throw error;
            }
        },

        async upload(body: Readable, _size: number | undefined, metadata) {
            const { pipeline } = require("stream/promises") as typeof import("stream/promises");
            const target = file();
            // A new session each time: an unfinished one from a crashed run holds no object, and GCS
            // discards it after a week (resumable uploads: "a resumable upload session ... expires one week").
            // validation is ours: the sha256 before the last chunk, the md5 against md5Hash after.
            const writable = target.createWriteStream({
                resumable: true,
                chunkSize,
                validation: false,
                contentType: "application/octet-stream",
                preconditionOpts: { ifGenerationMatch: seenGeneration },
                metadata: { metadata: Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined)) },
            });
            // The SDK takes bytes only as it sends them, so one chunk of read-ahead lets the source
            // fill the next chunk while the current one is on its way (memory: two chunks).
            const { PassThrough } = require("stream") as typeof import("stream");
            await pipeline(body, new PassThrough({ highWaterMark: chunkSize }), writable);
            return target.metadata.md5Hash ? { checksum: target.metadata.md5Hash } : {};
        },

        async remove(): Promise<void> {
            try {
                await retry(() => file().delete(), settings);
            } catch (error) {
                if (!notFound(error)) {
                    throw error;
                }
            }
        },
    };
}
