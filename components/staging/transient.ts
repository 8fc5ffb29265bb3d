/** Which errors of the source and target stores are worth another attempt. */
import { isTransientHttpError } from "../dynamic/retry";

/**
 * Throttling, a 5xx, a timeout or a dropped connection, as the three SDKs report them: the AWS SDK
 * with `$metadata.httpStatusCode`, @google-cloud/storage with a numeric `code`, ali-oss with `status`
 * (negative when no answer came: -1 request error, -2 timeout).
 */
export function isTransientStoreError(error: unknown): boolean {
    const e = error as { name?: string; code?: unknown; status?: unknown };
    if (e?.name === "IntegrityError") {
        return false;
    }
    if (typeof e?.code === "number" && (e.code === 429 || e.code === 408 || e.code >= 500)) {
        return true;
    }
    if (typeof e?.status === "number" && e.status < 0) {
        return true;
    }
    return isTransientHttpError(error)
        || ["RequestError", "ResponseError", "ConnectionTimeoutError", "ResponseTimeoutError", "SocketError"].includes(String(e?.name ?? ""));
}
