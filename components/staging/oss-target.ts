/**
 * The OSS staging target, through ali-oss: a multipart upload, one part in memory at a time and
 * each part retried on its own, completed only after the input ended without error, and aborted
 * otherwise, so no object and no parts are left by a failed copy. Credentials:
 * ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN).
 */
import type { Readable } from "stream";
import { Clock, retry } from "../dynamic/retry";
import { isTransientStoreError } from "./transient";
import { StagedMetadata, StagedObject, StagingTarget } from "./target";

/** How OSS is reached; tests aim it at a local server. */
export interface OssOptions {
    /** The endpoint, such as http://127.0.0.1:port; oss-<region>.aliyuncs.com over https by default. */
    endpoint?: string;
    /** The access key; ALIBABA_CLOUD_ACCESS_KEY_ID otherwise. */
    accessKeyId?: string;
    /** The secret; ALIBABA_CLOUD_ACCESS_KEY_SECRET otherwise. */
    accessKeySecret?: string;
    /** The smallest part size in bytes; 16 MiB by default. */
    partSize?: number;
    /** Parts uploaded at once, 1 to 16; 4 by default. Memory holds at most this many parts plus the one being filled. */
    parallelism?: number;
    /** Per-request timeout in milliseconds; 120 s by default. */
    timeoutMs?: number;
    /** The clock of the retries. */
    clock?: Clock;
}

/** UploadPart: "the size of each part ranges from 100 KB to 5 GB", except the last. */
export const OSS_MIN_PART = 100 * 1024;
/** UploadPart: "the part number ranges from 1 to 10,000". */
export const OSS_MAX_PARTS = 10_000;

/** The part size for an object: the configured one, raised so that the object fits in 10,000 parts. */
export function ossPartSize(size: number | undefined, preferred: number): number {
    const atLeast = size === undefined ? 0 : Math.ceil(size / OSS_MAX_PARTS);
    return Math.max(OSS_MIN_PART, preferred, atLeast);
}

const attempts = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 30_000, retryable: isTransientStoreError };

/** The OSS target of one object in a bucket of `region` (an ECS region ID such as eu-central-1). */
export function ossTarget(region: string, bucket: string, key: string, options: OssOptions = {}): StagingTarget {
    const client = () => {
        const OSS = require("ali-oss") as typeof import("ali-oss");
        const accessKeyId = options.accessKeyId ?? process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
        const accessKeySecret = options.accessKeySecret ?? process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
        if (!accessKeyId || !accessKeySecret) {
            throw new Error("staging into OSS needs ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET");
        }
        return new OSS({
            region: `oss-${region}`,
            bucket,
            accessKeyId,
            accessKeySecret,
            ...(process.env.ALIBABA_CLOUD_SECURITY_TOKEN ? { stsToken: process.env.ALIBABA_CLOUD_SECURITY_TOKEN } : {}),
            secure: true,
            timeout: options.timeoutMs ?? 120_000,
            ...(options.endpoint ? { endpoint: options.endpoint, secure: options.endpoint.startsWith("https:") } : {}),
        });
    };
    const settings = { ...attempts, clock: options.clock };
    const status = (error: unknown) => (error as { status?: unknown }).status;

    /** Aborts every unfinished multipart upload of this key, so an interrupted run leaves no parts behind. */
    async function abortUnfinished(oss: ReturnType<typeof client>): Promise<number> {
        const listed = await retry(() => oss.listUploads({ prefix: key, "max-uploads": 1000 }), settings);
        const ours = (listed.uploads as { name: string; uploadId: string }[]).filter((u) => u.name === key);
        for (const upload of ours) {
            await retry(() => oss.abortMultipartUpload(key, upload.uploadId), settings);
        }
        return ours.length;
    }

    return {
        uri: `oss://${bucket}/${key}`,
        // A multipart object's ETag is not the md5 of its content; each part's Content-MD5 was checked instead.
        checksumIsMd5: false,

        async existing(): Promise<StagedObject | undefined> {
            const oss = client();
            try {
                const head = await retry(() => oss.head(key), settings);
                const headers = head.res.headers as Record<string, string>;
                return {
                    size: Number(headers["content-length"]),
                    metadata: (head.meta ?? {}) as StagedObject["metadata"],
                    ...(headers.etag ? { checksum: headers.etag } : {}),
                };
            } catch (error) {
                if (status(error) === 404) {
                    return undefined;
                }
                throw error;
            }
        },

        async upload(body: Readable, size: number | undefined, metadata: StagedMetadata) {
            const { createHash } = require("crypto") as typeof import("crypto");
            const { Readable: NodeReadable } = require("stream") as typeof import("stream");
            const oss = client();
            await abortUnfinished(oss);
            const meta = Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined)) as Record<string, string>;
            const init = await retry(() => oss.initMultipartUpload(key, { meta, mime: "application/octet-stream" } as never), settings);
            const uploadId = init.uploadId;
            const partSize = ossPartSize(size, options.partSize ?? 16 * 1024 * 1024);
            const parallelism = Math.min(16, Math.max(1, options.parallelism ?? 4));
            const parts: { number: number; etag: string }[] = [];
            const inFlight = new Set<Promise<void>>();
            let numbered = 0;
            let failure: unknown;
            const upload = async (number: number, data: Buffer) => {
                // Content-MD5 lets OSS refuse a part damaged on the way (InvalidDigest).
                const md5 = createHash("md5").update(data).digest("base64");
                // ali-oss's public uploadPart reads a file; _uploadPart takes the bytes (as a stream) directly.
                const uploadPart = (oss as unknown as { _uploadPart: (n: string, id: string, no: number, d: unknown, o: unknown) => Promise<{ etag: string }> })._uploadPart;
                const result = await retry(() => uploadPart.call(oss, key, uploadId, number,
                    { stream: NodeReadable.from([data]), size: data.length }, { headers: { "Content-MD5": md5 } }), settings);
                parts.push({ number, etag: result.etag });
            };
            /** Starts one part, after waiting for a free slot; a failed part stops the copy. */
            const send = async (data: Buffer) => {
                const number = ++numbered;
                if (number > OSS_MAX_PARTS) {
                    throw new Error(`oss://${bucket}/${key} would need more than ${OSS_MAX_PARTS} parts of ${partSize} bytes`);
                }
                while (inFlight.size >= parallelism) {
                    await Promise.race(inFlight);
                }
                if (failure !== undefined) {
                    throw failure;
                }
                const task: Promise<void> = upload(number, data)
                    .catch((error) => { failure ??= error; })
                    .finally(() => inFlight.delete(task));
                inFlight.add(task);
            };
            const settle = async () => {
                await Promise.all(inFlight);
                if (failure !== undefined) {
                    throw failure;
                }
            };
            try {
                let pending: Buffer[] = [];
                let pendingBytes = 0;
                try {
                    for await (const chunk of body as AsyncIterable<Buffer>) {
                        pending.push(chunk);
                        pendingBytes += chunk.length;
                        while (pendingBytes >= partSize) {
                            const all = Buffer.concat(pending, pendingBytes);
                            pending = [all.subarray(partSize)];
                            pendingBytes = all.length - partSize;
                            await send(all.subarray(0, partSize));
                        }
                    }
                    if (pendingBytes > 0 || numbered === 0) {
                        await send(Buffer.concat(pending, pendingBytes));
                    }
                } finally {
                    await Promise.all(inFlight);
                }
                await settle();
                parts.sort((a, b) => a.number - b.number);
                const done = await retry(() => oss.completeMultipartUpload(key, uploadId, parts), settings);
                const etag = (done.res.headers as Record<string, string>).etag;
                return etag ? { checksum: etag } : {};
            } catch (error) {
                await retry(() => oss.abortMultipartUpload(key, uploadId), settings).catch(() => undefined);
                throw error;
            }
        },

        async remove(): Promise<void> {
            const oss = client();
            await abortUnfinished(oss);
            // DeleteObject answers 204 also when the object does not exist.
            await retry(() => oss.delete(key), settings);
        },
    };
}
