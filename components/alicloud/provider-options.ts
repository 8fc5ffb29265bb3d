import { Clock } from "../dynamic/retry";
import { EcsRetryOptions } from "./ecs-client";

/** How long the import of an image is awaited, and how often it is checked. */
export interface EcsPollOptions {
    /** The first wait between two checks. */
    initialDelayMs: number;
    /** The longest wait between two checks. */
    maxDelayMs: number;
    /** Give up after this long. */
    timeoutMs: number;
}

/** An import is checked after 15 s, then at most once a minute, for up to three hours. */
export const defaultImportPoll: EcsPollOptions = { initialDelayMs: 15000, maxDelayMs: 60000, timeoutMs: 3 * 60 * 60 * 1000 };

/** What an AliCloud dynamic provider is built with; the defaults use real time. */
export interface EcsProviderOptions {
    /** The clock that retries and polls wait on; real time by default. */
    clock?: Clock;
    /** The retry bounds of each ECS call. */
    retry?: EcsRetryOptions;
    /** The polling bounds of an import. */
    poll?: EcsPollOptions;
}
