/**
 * Reading the artifact to stage: from S3 through @aws-sdk/client-s3 (credentials from the SDK's
 * default chain), or from an https:// URL. Both give a stream; nothing is held whole in memory.
 */
import type { Readable } from "stream";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { Clock, retry } from "../dynamic/retry";
import { isTransientStoreError } from "./transient";
import { withoutQuery } from "./location";

/** How the source stores are reached; tests aim them at local servers. */
export interface SourceOptions {
    /** S3 client settings (endpoint, credentials, region...); the SDK's defaults otherwise. */
    s3?: S3ClientConfig;
    /** The clock of the retries. */
    clock?: Clock;
}

/** What the source says of the artifact before it is read. */
export interface SourceFacts {
    /** Its size in bytes, when the source tells. */
    size?: number;
    /** Its ETag, when the source tells: with the size, what identifies a finished copy when config gives no sha256. */
    etag?: string;
}

const attempts = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 20_000, retryable: isTransientStoreError };

function s3Parts(uri: string): { Bucket: string; Key: string } | undefined {
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    return m ? { Bucket: m[1], Key: m[2] } : undefined;
}

function s3Client(options: SourceOptions) {
    const { S3Client } = require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
    // followRegionRedirects: the bucket may be in any region of the credentials' partition.
    return new S3Client({ region: process.env.AWS_REGION ?? "us-east-1", followRegionRedirects: true, ...options.s3 });
}

/** Size and ETag of the artifact: HeadObject for S3, HEAD for https (a URL presigned for GET refuses HEAD; then nothing is known). */
export async function describeSource(uri: string, options: SourceOptions): Promise<SourceFacts> {
    const s3 = s3Parts(uri);
    if (s3) {
        const { HeadObjectCommand } = require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
        const client = s3Client(options);
        try {
            const head = await retry(() => client.send(new HeadObjectCommand(s3)), { ...attempts, clock: options.clock });
            return { size: head.ContentLength, etag: head.ETag };
        } finally {
            client.destroy();
        }
    }
    const head = await retry(async () => {
        const response = await fetch(uri, { method: "HEAD" });
        if (response.status >= 500 || response.status === 429) {
            throw Object.assign(new Error(`HEAD ${withoutQuery(uri)} answered ${response.status}`), { statusCode: response.status });
        }
        return response;
    }, { ...attempts, clock: options.clock });
    if (!head.ok) {
        return {};
    }
    const length = head.headers.get("content-length");
    return { ...(length === null ? {} : { size: Number(length) }), ...(head.headers.get("etag") ? { etag: head.headers.get("etag") as string } : {}) };
}

/** Opens the artifact for reading from its first byte. */
export async function openSource(uri: string, options: SourceOptions): Promise<Readable> {
    const s3 = s3Parts(uri);
    if (s3) {
        const { GetObjectCommand } = require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
        const client = s3Client(options);
        const object = await retry(() => client.send(new GetObjectCommand(s3)), { ...attempts, clock: options.clock });
        const body = object.Body as Readable;
        body.once("close", () => client.destroy());
        return body;
    }
    const { Readable: NodeReadable } = require("stream") as typeof import("stream");
    const response = await retry(async () => {
        const answer = await fetch(uri);
        if (!answer.ok || answer.body === null) {
            await answer.body?.cancel();
            throw Object.assign(new Error(`GET ${withoutQuery(uri)} answered ${answer.status}`), { statusCode: answer.status });
        }
        return answer;
    }, { ...attempts, clock: options.clock });
    return NodeReadable.fromWeb(response.body as import("stream/web").ReadableStream<Uint8Array>);
}
