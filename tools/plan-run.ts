import { runUnderMocks, RecordedResource } from "./mocks";
import { CliConfig } from "./stack-config";
import { Fixtures, defaultFixtures, fixturePermissions } from "./fixtures";

/** One resource of a plan. */
export interface PlanResource {
    /** The type token. */
    type: string;
    /** The logical name. */
    name: string;
    /** The parent's logical name, or null. */
    parent: string | null;
    /** The explicit provider's logical name, or null for the default provider. */
    provider: string | null;
    /** The inputs, keys sorted, secrets shown as "[secret]". */
    inputs: Record<string, unknown>;
    /** The logical names it depends on, sorted. */
    dependsOn: string[];
    /** Whether the engine refuses to delete or replace it. */
    protect: boolean;
    /** Whether deleting it only drops it from the stack and leaves the cloud resource in place. */
    retainOnDelete: boolean;
    /** Input paths whose changes the engine ignores, such as the stack-wide settings a published release keeps. */
    ignoreChanges?: string[];
}

/** The offline plan of a stack. */
export interface Plan {
    /** The stack name. */
    stack: string;
    /** Every registered resource, in registration order. */
    resources: PlanResource[];
    /** The stack outputs. */
    outputs: Record<string, unknown>;
}

/** A plan with the registration options the policies look at. */
export interface PlanRun {
    /** The plan as printed. */
    plan: Plan;
    /** The recorded resources, options included. */
    recorded: RecordedResource[];
}

/** Sorts object keys deeply, so that the same input always prints the same bytes. */
export function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortKeys);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
    }
    return value;
}

/** Runs the real stack program under mocks with the given config and records its plan. */
export async function runPlan(stack: string, config: CliConfig, options: { now: Date; fixtures?: Fixtures }): Promise<PlanRun> {
    // Loaded here, after the caller has had the chance to fail on bad arguments, because the
    // program pulls in every cloud's SDK.
    const { publish } = await import("../stacks/program");
    const run = await runUnderMocks(() => publish({ now: options.now, azurePermissions: fixturePermissions(options.fixtures ?? defaultFixtures()) }), {
        stack,
        config: config.values,
        secretKeys: config.secretKeys,
        fixtures: options.fixtures,
    });
    const resources: PlanResource[] = run.resources.map((r) => ({
        type: r.type,
        name: r.name,
        parent: r.parent ?? null,
        provider: r.provider ?? null,
        inputs: sortKeys(r.inputs) as Record<string, unknown>,
        dependsOn: r.dependsOn,
        protect: r.options.protect === true,
        retainOnDelete: r.options.retainOnDelete === true,
        ignoreChanges: r.options.ignoreChanges ?? [],
    }));
    return {
        plan: { stack, resources, outputs: sortKeys(run.outputs) as Record<string, unknown> },
        recorded: run.resources,
    };
}
