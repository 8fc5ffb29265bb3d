/**
 * How often and how long the Marketplace version provider waits: the poll schedule of a change set,
 * and the retry schedules of throttled or failed calls and of a busy product. Exported so that tests
 * and benchmarks reuse the very numbers the provider runs with.
 */

/** Settings of the change set poll, in the shape `pollUntil` takes. */
export interface MarketplacePollSettings {
    /** The wait before the second DescribeChangeSet. */
    initialDelayMs: number;
    /** The longest wait between two DescribeChangeSet calls. */
    maxDelayMs: number;
    /** How much each wait grows. */
    factor: number;
    /** How long to wait for a change set before giving up (it keeps running; a later run resumes it). */
    timeoutMs: number;
}

/**
 * The change set poll: 30 s, doubling, capped at 10 min, for up to 8 h. A change set that stays
 * APPLYING for 4 h costs 29 DescribeChangeSet calls, and its end is seen at most 10 min (4.2 % of
 * 4 h) late; the cap bounds the lateness of any change set longer than 3.3 h to 5 %.
 */
export const MARKETPLACE_POLL_DEFAULTS: MarketplacePollSettings = {
    initialDelayMs: 30_000,
    maxDelayMs: 600_000,
    factor: 2,
    timeoutMs: 8 * 3_600_000,
};

/** Settings of a bounded retry, in the shape `retry` takes (without its predicate). */
export interface MarketplaceRetrySettings {
    /** Attempts in all, the first included. */
    attempts: number;
    /** The delay before the first retry. */
    baseDelayMs: number;
    /** The longest delay between two attempts. */
    maxDelayMs: number;
}

/**
 * Retries of one call on throttling (429), a 5xx or a dropped connection: 6 attempts, 1 s doubling
 * to at most 30 s, so at most about 31 s of waiting. The SDK's own retries are switched off so that
 * this is the only retry loop and it runs on the injected clock.
 */
export const MARKETPLACE_TRANSIENT_RETRY: MarketplaceRetrySettings = {
    attempts: 6,
    baseDelayMs: 1_000,
    maxDelayMs: 30_000,
};

/**
 * Retries of StartChangeSet while another change set holds the product (ResourceInUseException):
 * 10 attempts, 2 min doubling to at most 30 min, so at most 3 h of waiting, which covers a review
 * or scan of another version that is already running.
 */
export const MARKETPLACE_BUSY_RETRY: MarketplaceRetrySettings = {
    attempts: 10,
    baseDelayMs: 120_000,
    maxDelayMs: 1_800_000,
};

/** What polling a change set that ends after `durationMs` costs under `settings`. */
export interface PollCost {
    /** DescribeChangeSet calls, the first and the last included. */
    describes: number;
    /** When the end is seen, from the start of the poll. */
    noticedAtMs: number;
}

/** The cost of polling a change set that ends `durationMs` after the first DescribeChangeSet. */
export function pollCost(durationMs: number, settings: MarketplacePollSettings = MARKETPLACE_POLL_DEFAULTS): PollCost {
    let at = 0;
    let delay = settings.initialDelayMs;
    let describes = 1;
    while (at < durationMs) {
        at += delay;
        describes += 1;
        delay = Math.min(settings.maxDelayMs, delay * settings.factor);
    }
    return { describes, noticedAtMs: at };
}
