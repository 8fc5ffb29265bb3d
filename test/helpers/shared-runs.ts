/**
 * Runs of the whole program under mocks that several tests assert on. A run of a stack takes
 * seconds, so each one is made once per mocha process and shared by the tests (of any file) that
 * read the same plan; tests only read what it recorded.
 *
 * Under Stryker (its global `__stryker__` is set) nothing is shared: each test must run the
 * program itself, so that it sees the mutant active for it and per-test coverage credits it.
 */
import { MockRun } from "../../tools/mocks";
import { main } from "../../tools/plan";
import { PlanRun, runPlan } from "../../tools/plan-run";
import { readStackConfig } from "../../tools/stack-config";
import { StackOutputs } from "../../stacks/program";

const runs = new Map<string, Promise<unknown>>();

/** What `make` resolves to, made once under `key` and shared after that. */
export function sharedRun<T>(key: string, make: () => Promise<T>): Promise<T> {
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
    return run as Promise<T>;
}

/** The offline plan (tools/plan-run.ts) of a committed stack file (Pulumi.<stack>.yaml) on a day, 2026-11-22 unless given. */
export function committedPlan(stack: "dev" | "prod", now = "2026-11-22"): Promise<PlanRun> {
    return sharedRun(`committed-${stack}-${now}`, () => runPlan(stack, readStackConfig(`Pulumi.${stack}.yaml`), { now: new Date(`${now}T00:00:00Z`) }));
}

/** The resources and outputs of {@link committedPlan}'s run, as the program recorded them. */
export async function committedStackRun(stack: "dev" | "prod", now = "2026-11-22"): Promise<Pick<MockRun<StackOutputs>, "resources" | "outputs">> {
    const run = await committedPlan(stack, now);
    return { resources: run.recorded, outputs: run.plan.outputs as unknown as StackOutputs };
}

/** What one run of the plan command (tools/plan.ts) printed and returned. */
export interface PlanCommandRun {
    /** The exit code. */
    code: number;
    /** Standard output. */
    out: string;
    /** Standard error. */
    err: string;
}

/** Runs the plan command in-process with these arguments, once per process; it must read no file that a test changes. */
export function sharedPlanCommand(...argv: string[]): Promise<PlanCommandRun> {
    return sharedRun(`plan-command ${JSON.stringify(argv)}`, () => planCommand(...argv));
}

/** Runs the plan command in-process, afresh, and captures what it prints. */
export async function planCommand(...argv: string[]): Promise<PlanCommandRun> {
    let out = "";
    let err = "";
    const code = await main(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
    return { code, out, err };
}
