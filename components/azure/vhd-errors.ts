/**
 * Errors of a VHD copy: which ones are worth another attempt, and how a failed request is described
 * without leaking the credentials that a URL's query string may carry.
 */
import { isTransientHttpError } from "../dynamic/retry";

/** Codes of dropped connections and timeouts, from Node, undici and the Azure SDK, beyond those of retry.ts. */
const transientCodes = ["REQUEST_SEND_ERROR", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT",
    "UND_ERR_BODY_TIMEOUT", "ECONNABORTED", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ECONNRESET"];

/** Whether a failed range request is worth another attempt: throttling, a 5xx, a dropped connection or a timeout. */
export function isRetryableTransferError(error: unknown): boolean {
    const status = (error as { statusCode?: unknown })?.statusCode;
    if (status === 501 || status === 505) {
        // Not implemented (the emulator's answer to Put Page From URL): no attempt will change that.
        return false;
    }
    if (isTransientHttpError(error)) {
        return true;
    }
    const code = (error as { code?: unknown })?.code;
    return typeof code === "string" && transientCodes.includes(code);
}

/** An Error that carries an HTTP status or an error code, as {@link isRetryableTransferError} reads them. */
export function transferError(message: string, fields: { statusCode?: number; code?: string }): Error {
    return Object.assign(new Error(message), fields);
}

/** A URL with its query string and fragment removed: a presigned URL's or SAS URL's signature stays out of messages and state. */
export function withoutQuery(url: string): string {
    const parsed = new URL(url);
    parsed.search = "";
    parsed.hash = "";
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
