/**
 * The two concurrency pieces of a copy: a small worker pool over numbered ranges, and a sha256
 * that hashes ranges in order although they arrive out of order.
 */
import { createHash } from "crypto";

/**
 * Runs `work(0..count-1)` with at most `parallelism` calls in flight, in order of index. After the
 * first failure no new index is started; the calls in flight finish, and then that failure is thrown.
 */
export async function runPool(count: number, parallelism: number, work: (index: number) => Promise<void>): Promise<void> {
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async (): Promise<void> => {
        while (failure === undefined && next < count) {
            const index = next++;
            try {
                await work(index);
            } catch (error) {
                failure ??= { error };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(parallelism, count)) }, worker));
    if (failure !== undefined) {
        throw failure.error;
    }
}

/** A sha256 over numbered parts that are handed over in any order and hashed in index order. */
export interface OrderedHasher {
    /** Waits until part `index` may be read: at most `window` parts ahead of the hashing, which bounds memory. */
    admit: (index: number) => Promise<void>;
    /** Hands over part `index`; it is hashed once every earlier part has been. */
    add: (index: number, data: Uint8Array) => void;
    /** Releases every waiting `admit` with an error, after a failure elsewhere. */
    abort: () => void;
    /** The hex digest; fails unless all `count` parts were added. */
    digest: () => string;
}

/** Makes an {@link OrderedHasher} for `count` parts that holds at most `window` parts ahead of the hashing. */
export function orderedHasher(count: number, window: number): OrderedHasher {
    const hash = createHash("sha256");
    const waiting = new Map<number, Uint8Array>();
    let hashed = 0;
    let aborted = false;
    let wakers: Array<() => void> = [];
    const wake = (): void => {
        const current = wakers;
        wakers = [];
        current.forEach((w) => w());
    };
    return {
        admit: async (index) => {
            while (!aborted && index >= hashed + window) {
                await new Promise<void>((resolve) => wakers.push(resolve));
            }
            if (aborted) {
                throw new Error("the copy was stopped by an earlier failure");
            }
        },
        add: (index, data) => {
            waiting.set(index, data);
            for (let part = waiting.get(hashed); part !== undefined; part = waiting.get(hashed)) {
                hash.update(part);
                waiting.delete(hashed);
                hashed++;
            }
            wake();
        },
        abort: () => {
            aborted = true;
            wake();
        },
        digest: () => {
            if (hashed !== count) {
                throw new Error(`only ${hashed} of ${count} parts were hashed`);
            }
            return hash.digest("hex");
        },
    };
}
