/**
 * Runs of the whole program under mocks that several tests assert on. A run of a stack takes
 * seconds, so each one is made once per mocha process and shared by the tests that read the same
 * plan; tests only read what it recorded.
 *
 * Under Stryker (its global `__stryker__` is set) nothing is shared: each test must run the
 * program itself, so that it sees the mutant active for it and per-test coverage credits it.
 */
import { MockRun, runUnderMocks } from "../../tools/mocks";
import { readStackConfig } from "../../tools/stack-config";
import { StackOutputs, publish } from "../../stacks/program";

const runs = new Map<string, Promise<MockRun<unknown>>>();

/** The run that `make` returns, made once under `key` and shared after that. */
export function sharedRun<T>(key: string, make: () => Promise<MockRun<T>>): Promise<MockRun<T>> {
    if ((globalThis as { __stryker__?: unknown }).__stryker__ !== undefined) {
        return make();
    }
    let run = runs.get(key);
    if (run === undefined) {
        run = make();
        runs.set(key, run);
        // A failed run is not kept, so that the next test reports its own failure.
        run.catch(() => runs.delete(key));
    }
    return run as Promise<MockRun<T>>;
}

/** The program over a committed stack file (Pulumi.<stack>.yaml), as the offline plan runs it on 2026-11-22. */
export function committedStackRun(stack: "dev" | "prod", now = "2026-11-22"): Promise<MockRun<StackOutputs>> {
    return sharedRun(`committed-${stack}-${now}`, () => {
        const cfg = readStackConfig(`Pulumi.${stack}.yaml`);
        return runUnderMocks(() => publish({ now: new Date(`${now}T00:00:00Z`) }), { stack, config: cfg.values, secretKeys: cfg.secretKeys });
    });
}
