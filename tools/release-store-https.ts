import { retry } from "../components/dynamic/retry";
import { HeadObject, s3FullObjectSha256, sha256FromBase64 } from "./release-store";

/** Thrown when the server answers something other than the object or its absence. */
class HttpStatusError extends Error {
    constructor(public readonly status: number, uri: string) {
        super(`HEAD ${uri} answered ${status}`);
        this.name = "HttpStatusError";
    }
}

/**
 * An HTTPS HEAD of the artifact URL. The sha256 comes from S3's x-amz-checksum-sha256 (asked for
 * with x-amz-checksum-mode: ENABLED, full-object checksums only) or from an RFC 9530 Repr-Digest
 * sha-256. 404 and 410 mean missing; 429 and 5xx are retried with a bounded backoff; anything
 * else (such as 403 from a private S3 object, which S3 also answers for a missing key when the
 * caller may not list the bucket) is an error.
 */
export function httpsHead(options: { attempts?: number; baseDelayMs?: number; fetch?: typeof fetch } = {}): HeadObject {
    const get = options.fetch ?? fetch;
    return async (uri) => {
        const res = await retry(async () => {
            const r = await get(uri, { method: "HEAD", headers: { "x-amz-checksum-mode": "ENABLED" }, redirect: "follow" });
            if (r.status === 429 || r.status >= 500) {
                throw new HttpStatusError(r.status, uri);
            }
            return r;
        }, {
            attempts: options.attempts ?? 5,
            baseDelayMs: options.baseDelayMs ?? 500,
            maxDelayMs: 10_000,
            retryable: (e) => e instanceof HttpStatusError || e instanceof TypeError,
        });
        if (res.status === 404 || res.status === 410) {
            return undefined;
        }
        if (!res.ok) {
            throw new HttpStatusError(res.status, uri);
        }
        const length = res.headers.get("content-length");
        if (length === null) {
            throw new Error(`HEAD ${uri} gave no Content-Length`);
        }
        const digest = /(?:^|,)\s*sha-256=:([A-Za-z0-9+/=]+):/.exec(res.headers.get("repr-digest") ?? "");
        const sha256 = s3FullObjectSha256(res.headers.get("x-amz-checksum-sha256") ?? undefined, res.headers.get("x-amz-checksum-type") ?? undefined)
            ?? sha256FromBase64(digest?.[1]);
        return { size: Number(length), ...(sha256 ? { sha256 } : {}) };
    };
}
