/**
 * Reading the source artifact over HTTP(S): its size, and one byte range of it. Works with S3
 * presigned URLs, which are signed for GET only, so the size falls back to a one-byte ranged GET
 * when HEAD is refused.
 */
import { byteRange, CopyRange } from "./vhd-ranges";
import { messageOf, transferError, withoutQuery } from "./vhd-errors";

/** How a request is bounded in time. */
export interface RequestLimits {
    /** Abandon one request after this many milliseconds. */
    requestTimeoutMs: number;
    /** Makes the signal that aborts a request after a time; `AbortSignal.timeout` unless a test controls it. */
    abortAfter: (ms: number) => AbortSignal;
}

/** Sends one request, turning network failures and timeouts into errors with a code. */
async function send(url: string, init: RequestInit, limits: RequestLimits, what: string): Promise<Response> {
    try {
        return await fetch(url, { ...init, signal: limits.abortAfter(limits.requestTimeoutMs) });
    } catch (error) {
        throw failure(error, what);
    }
}

/** The error for a request that got no (complete) answer. */
function failure(error: unknown, what: string): Error {
    const e = error as { name?: string; cause?: { code?: string; message?: string } };
    if (e?.name === "TimeoutError" || e?.name === "AbortError") {
        return transferError(`${what}: no complete answer in time`, { code: "ETIMEDOUT" });
    }
    const cause = e?.cause;
    return transferError(`${what}: ${cause?.message ?? messageOf(error)}`, { code: cause?.code ?? "ECONNRESET" });
}

/** The error for an answer with an unexpected status. */
async function statusError(response: Response, what: string): Promise<Error> {
    await response.body?.cancel();
    return transferError(`${what} answered ${response.status} ${response.statusText}`.trimEnd(), { statusCode: response.status });
}

/** The size of the source in bytes: from HEAD, or from the Content-Range of `GET bytes=0-0` when HEAD is refused. */
export async function sourceSize(url: string, limits: RequestLimits): Promise<number> {
    const where = withoutQuery(url);
    const head = await send(url, { method: "HEAD" }, limits, `HEAD ${where}`);
    const length = head.headers.get("content-length");
    if (head.ok && length !== null) {
        return Number(length);
    }
    // A presigned GET URL is refused for HEAD (403, or 405/501 by some servers): ask for one byte instead.
    if (!head.ok && ![403, 405, 501].includes(head.status)) {
        throw await statusError(head, `HEAD ${where}`);
    }
    await head.body?.cancel();
    const what = `GET ${where} (bytes=0-0)`;
    const probe = await send(url, { headers: { Range: "bytes=0-0" } }, limits, what);
    if (!probe.ok) {
        throw await statusError(probe, what);
    }
    await probe.body?.cancel();
    const total = /\/(\d+)$/.exec(probe.headers.get("content-range") ?? "")?.[1] ?? (probe.status === 200 ? probe.headers.get("content-length") : null);
    if (total === null || total === undefined) {
        throw transferError(`${what} gave no size (no Content-Range or Content-Length)`, {});
    }
    return Number(total);
}

/** Reads one range of the source; the answer must be a 206 with exactly that many bytes. */
export async function readSourceRange(url: string, range: CopyRange, limits: RequestLimits): Promise<Buffer> {
    const what = `GET ${withoutQuery(url)} (${byteRange(range)})`;
    const response = await send(url, { headers: { Range: byteRange(range) } }, limits, what);
    if (response.status !== 206) {
        if (response.status === 200) {
            await response.body?.cancel();
            throw transferError(`${what} answered 200 with the whole file: the source must support Range requests`, {});
        }
        throw await statusError(response, what);
    }
    let data: Buffer;
    try {
        data = Buffer.from(await response.arrayBuffer());
    } catch (error) {
        throw failure(error, what);
    }
    if (data.length !== range.count) {
        throw transferError(`${what} returned ${data.length} bytes instead of ${range.count}`, { code: "ECONNRESET" });
    }
    return data;
}
