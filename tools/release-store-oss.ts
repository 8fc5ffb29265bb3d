import OSS from "ali-oss";
import { bucketAndKey } from "../components/config/model";
import { retry } from "../components/dynamic/retry";
import { HeadObject } from "./release-store";

/** Makes an OSS client for one bucket. */
export type OssClientFactory = (bucket: string) => OSS;

/**
 * OSS HeadObject of an oss:// URI. OSS keeps a CRC-64 and an MD5, never a sha256, so only the
 * size is recorded. A missing object is 404 (NoSuchKey). ali-oss does not retry, so 5xx and
 * throttling are retried here with a bounded backoff.
 */
export function ossHead(client: OssClientFactory, options: { attempts?: number; baseDelayMs?: number } = {}): HeadObject {
    return async (uri) => {
        const { bucket, key } = bucketAndKey(uri);
        const oss = client(bucket);
        try {
            const res = await retry(() => oss.head(key), {
                attempts: options.attempts ?? 5,
                baseDelayMs: options.baseDelayMs ?? 500,
                maxDelayMs: 10_000,
                retryable: (e) => { const s = (e as { status?: number }).status ?? 0; return s === 429 || s >= 500; },
            });
            const headers = res.res.headers as Record<string, string>;
            return { size: Number(headers["content-length"]) };
        } catch (error) {
            const status = (error as { status?: number; cause?: { status?: number } }).status ?? (error as { cause?: { status?: number } }).cause?.status;
            if (status === 404) {
                return undefined;
            }
            throw error;
        }
    };
}

/**
 * The OSS client of the artifact checks: the bucket's region is alicloud.sourceRegion (an import
 * reads from a bucket in its own region), credentials from ALIBABA_CLOUD_ACCESS_KEY_ID and
 * ALIBABA_CLOUD_ACCESS_KEY_SECRET.
 */
export function defaultOssClient(region: string): OssClientFactory {
    return (bucket) => {
        const accessKeyId = process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
        const accessKeySecret = process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
        if (!accessKeyId || !accessKeySecret) {
            throw new Error("ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set; allowed: a read-only OSS identity, or --no-check");
        }
        return new OSS({ bucket, region: `oss-${region}`, accessKeyId, accessKeySecret, secure: true });
    };
}
