/**
 * Bounded retry with exponential backoff, and polling until a state: the one place the dynamic
 * providers take these from. Both take their clock and sleep as options, so tests can run hours of
 * simulated waiting in milliseconds.
 */

/** How long to wait and how to tell time; real time unless a test says otherwise. */
export interface Clock {
    /** Waits this many milliseconds. */
    sleep: (ms: number) => Promise<void>;
    /** The current time in milliseconds. */
    now: () => number;
}

/** The real clock. */
export const realClock: Clock = {
    sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
};

/** Options of {@link retry}. */
export interface RetryOptions {
    /** How many attempts in all, the first included. */
    attempts: number;
    /** The delay before the first retry. */
    baseDelayMs: number;
    /** The longest delay between two attempts. */
    maxDelayMs: number;
    /** Whether an error is worth another attempt; other errors are thrown at once. */
    retryable: (error: unknown) => boolean;
    /** Called before each wait, with the error, the attempt that failed (from 1) and the delay. */
    onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
    /** The clock; real time by default. */
    clock?: Clock;
    /** A number in [0, 1) for jitter; Math.random by default. */
    random?: () => number;
}

/** The delay before retry number `attempt` (from 1): exponential, capped, with up to 20 % jitter. */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exponential * (0.8 + 0.2 * random()));
}

/** Thrown when every attempt failed; `cause` is the last error. */
export class RetriesExhaustedError extends Error {
    constructor(public readonly attempts: number, public readonly cause: unknown) {
        super(`gave up after ${attempts} attempts: ${cause instanceof Error ? cause.message : String(cause)}`);
        this.name = "RetriesExhaustedError";
    }
}

/** Runs `fn` until it succeeds, a non-retryable error is thrown, or the attempts run out. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
    const clock = options.clock ?? realClock;
    for (let attempt = 1; ; attempt++) {
        try {
            return await fn(attempt);
        } catch (error) {
            if (!options.retryable(error)) {
                throw error;
            }
            if (attempt >= options.attempts) {
                throw new RetriesExhaustedError(attempt, error);
            }
            const delay = backoffDelay(attempt, options.baseDelayMs, options.maxDelayMs, options.random);
            options.onRetry?.(error, attempt, delay);
            await clock.sleep(delay);
        }
    }
}

/** Options of {@link pollUntil}. */
export interface PollOptions<T> {
    /** Reads the current state. */
    check: () => Promise<T>;
    /** True once the state is final. */
    done: (state: T) => boolean;
    /** A short description of what is awaited, for the timeout message. */
    what: string;
    /** The first wait between two checks. */
    initialDelayMs: number;
    /** The longest wait between two checks. */
    maxDelayMs: number;
    /** How much each wait grows; 2 doubles it. */
    factor?: number;
    /** Give up after this long. */
    timeoutMs: number;
    /** The clock; real time by default. */
    clock?: Clock;
}

/** Thrown when a poll does not reach a final state in time. */
export class PollTimeoutError extends Error {
    constructor(what: string, timeoutMs: number, public readonly lastState: unknown) {
        super(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}; last state: ${JSON.stringify(lastState)}`);
        this.name = "PollTimeoutError";
    }
}

/** Checks, then waits with growing delays, until `done` says the state is final or the time is up. */
export async function pollUntil<T>(options: PollOptions<T>): Promise<T> {
    const clock = options.clock ?? realClock;
    const start = clock.now();
    let delay = options.initialDelayMs;
    for (;;) {
        const state = await options.check();
        if (options.done(state)) {
            return state;
        }
        const left = start + options.timeoutMs - clock.now();
        if (left <= 0) {
            throw new PollTimeoutError(options.what, options.timeoutMs, state);
        }
        await clock.sleep(Math.min(delay, left));
        delay = Math.min(options.maxDelayMs, delay * (options.factor ?? 2));
    }
}

/** Whether an error from an HTTP API is worth retrying: throttling, a 5xx, or a dropped connection. */
export function isTransientHttpError(error: unknown): boolean {
    const e = error as { statusCode?: number; status?: number; code?: string; name?: string; $metadata?: { httpStatusCode?: number } };
    const status = e?.statusCode ?? e?.status ?? e?.$metadata?.httpStatusCode;
    if (status === 429 || (status !== undefined && status >= 500)) {
        return true;
    }
    const code = e?.code ?? e?.name ?? "";
    return ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ThrottlingException", "TooManyRequestsException",
        "Throttling", "RequestLimitExceeded", "ServiceUnavailable", "InternalServerException"].includes(code);
}
