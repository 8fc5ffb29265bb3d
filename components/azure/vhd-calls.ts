/**
 * How every request of a copy is made: bounded in time, retried through retry.ts on throttling, 5xx,
 * dropped connections and timeouts, and failing with a message that names the request.
 */
import { Clock, realClock, retry } from "../dynamic/retry";
import { isRetryableTransferError, messageOf, transferError } from "./vhd-errors";
import { RequestLimits } from "./vhd-source";

/** Retry and timeout settings of a copy. */
export interface CallSettings extends RequestLimits {
    /** Attempts per request, the first included. */
    attempts: number;
    /** The delay before the first retry. */
    baseDelayMs: number;
    /** The longest delay between two attempts. */
    maxDelayMs: number;
    /** The clock that the waits between attempts use. */
    clock: Clock;
}

/** The defaults: 5 attempts, 0.5 s doubling up to 20 s (at most about 8 s of waiting per request), 5 minutes per request. */
export const defaultCallSettings: CallSettings = {
    attempts: 5,
    baseDelayMs: 500,
    maxDelayMs: 20_000,
    clock: realClock,
    requestTimeoutMs: 300_000,
    abortAfter: (ms: number) => AbortSignal.timeout(ms),
};

/** Runs `fn` under the bounded retry of `settings`. */
export function attempt<T>(settings: CallSettings, fn: () => Promise<T>): Promise<T> {
    return retry(fn, {
        attempts: settings.attempts,
        baseDelayMs: settings.baseDelayMs,
        maxDelayMs: settings.maxDelayMs,
        retryable: isRetryableTransferError,
        clock: settings.clock,
    });
}

/**
 * Calls the Azure SDK with an abort signal bounded by the request timeout, and turns its RestError or
 * AbortError into an error that names the request and keeps the status and code for the retry decision.
 */
export async function azureCall<T>(settings: CallSettings, what: string, fn: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    try {
        return await fn(settings.abortAfter(settings.requestTimeoutMs));
    } catch (error) {
        const e = error as { name?: string; statusCode?: number; code?: string; response?: { headers?: { get?: (name: string) => string | undefined } } };
        if (e?.name === "AbortError" || e?.name === "TimeoutError") {
            throw transferError(`${what}: no answer in time`, { code: "ETIMEDOUT" });
        }
        // A HEAD answer (Get Blob Properties) has no body: its error code is only in the x-ms-error-code header.
        const errorCode = e?.code ?? e?.response?.headers?.get?.("x-ms-error-code");
        const status = e?.statusCode === undefined ? "" : ` ${e.statusCode}`;
        const code = errorCode === undefined ? "" : ` ${errorCode}`;
        const detail = messageOf(error).split("\n")[0];
        throw transferError(`${what} failed:${status}${code}${detail === "" ? "" : ` ${detail}`}`, {
            ...(e?.statusCode === undefined ? {} : { statusCode: e.statusCode }),
            ...(errorCode === undefined ? {} : { code: errorCode }),
        });
    }
}
