import { MockRun, MockRunOptions, RecordedResource, runUnderMocks } from "../tools/mocks";
import { Fixtures, defaultFixtures } from "../tools/fixtures";

export { RecordedResource, MockRun, defaultFixtures, Fixtures };

/** Turns un-namespaced config values into what the CLI hands the program: namespaced, JSON for structured values. */
export function cliConfig(values: Record<string, unknown>, namespace = "image-publisher"): Record<string, string> {
    return Object.fromEntries(
        Object.entries(values).map(([k, v]) => [`${namespace}:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

/** Runs `fn` under Pulumi mocks as stack `stack`, with the given un-namespaced config, and records what it registers. */
export function runMocked<T>(
    fn: () => Promise<T> | T,
    options: { stack?: string; config?: Record<string, unknown>; secretKeys?: string[]; fixtures?: Fixtures } = {},
): Promise<MockRun<T>> {
    const run: MockRunOptions = {
        stack: options.stack ?? "dev",
        config: cliConfig(options.config ?? {}),
        secretKeys: options.secretKeys,
        fixtures: options.fixtures,
    };
    return runUnderMocks(fn, run);
}

/** The recorded resources of one type. */
export function ofType(run: { resources: RecordedResource[] }, type: string): RecordedResource[] {
    return run.resources.filter((r) => r.type === type);
}

/** The one recorded resource with this name; fails when there is none. */
export function named(run: { resources: RecordedResource[] }, name: string): RecordedResource {
    const found = run.resources.find((r) => r.name === name);
    if (!found) {
        throw new Error(`no resource named ${name}; have: ${run.resources.map((r) => r.name).join(", ")}`);
    }
    return found;
}
