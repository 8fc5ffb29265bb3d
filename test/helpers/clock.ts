/**
 * A simulated clock for tests: it implements the {@link Clock} of components/dynamic/retry.ts, never
 * really waits, records every wait asked of it, and moves its time on only when something sleeps on
 * it or a test moves it. Its methods are closures over its own state, with no `this`, so a provider
 * that holds one still survives Pulumi's closure serialisation.
 */
import { Clock } from "../../components/dynamic/retry";

/** A clock that only moves when someone sleeps on it, or when a test moves it on. */
export class FakeClock implements Clock {
    /** Every sleep asked for, in order. */
    public readonly sleeps: number[] = [];
    /** The simulated time. */
    public readonly now: () => number;
    /** Records the sleep and moves the simulated time on at once. */
    public readonly sleep: (ms: number) => Promise<void>;
    /** Moves the simulated time on without recording a sleep. */
    public readonly advance: (ms: number) => void;
    /** How far the simulated time has moved since the clock was made. */
    public readonly elapsed: () => number;

    /** A clock whose time starts at `start` milliseconds (1 January 2026 by default). */
    constructor(start = Date.UTC(2026, 0, 1)) {
        let current = start;
        const sleeps = this.sleeps;
        this.now = () => current;
        this.sleep = async (ms: number) => {
            sleeps.push(ms);
            current += ms;
        };
        this.advance = (ms: number) => {
            current += ms;
        };
        this.elapsed = () => current - start;
    }
}
