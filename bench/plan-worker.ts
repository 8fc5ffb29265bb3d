/**
 * One measurement, in its own process so that peak RSS is its own:
 *   plan-worker.ts plan N   the real program, prod config with N releases
 *   plan-worker.ts floor N  the same resources, same types and inputs, created bare in a loop
 * Prints {wallMs, maxRssKb, resources} as JSON.
 */
import * as pulumi from "@pulumi/pulumi";
import { runPlan } from "../tools/plan-run";
import { runUnderMocks, RecordedResource } from "../tools/mocks";
import { benchFixtures, prodWithReleases } from "./scenario";
import { constructorFor } from "./constructors";

const now = new Date("2026-11-22T00:00:00Z");

/** A dynamic resource with nothing of its own. */
class BareDynamic extends pulumi.dynamic.Resource {}
/** A provider resource with nothing of its own. */
class BareProvider extends pulumi.ProviderResource {}

async function floor(recorded: RecordedResource[]): Promise<number> {
    const trivial: pulumi.dynamic.ResourceProvider = { create: async () => ({ id: "x", outs: {} }) };
    const run = await runUnderMocks(async () => {
        for (const r of recorded) {
            const inputs = { ...r.inputs };
            if (!r.custom) {
                new pulumi.ComponentResource(r.type, r.name, {}, {});
            } else if (r.type === "pulumi-nodejs:dynamic:Resource") {
                new BareDynamic(trivial, r.name, inputs, {});
            } else if (r.type.startsWith("pulumi-nodejs:dynamic/")) {
                const [module, type] = r.type.slice("pulumi-nodejs:dynamic/".length).split(":");
                new BareDynamic(trivial, r.name, inputs, {}, module, type);
            } else if (r.type.startsWith("pulumi:providers:")) {
                new BareProvider(r.type.slice("pulumi:providers:".length), r.name, inputs, {});
            } else {
                const Ctor = constructorFor(r.type);
                new Ctor(r.name, inputs, {});
            }
        }
        return {};
    }, { stack: "prod" });
    return run.resources.length;
}

async function main(): Promise<void> {
    const [mode, n] = [process.argv[2], Number(process.argv[3])];
    const config = prodWithReleases(n);
    // Warm up: load every module and run the program once, so both modes time only the work.
    const warm = await runPlan("prod", config, { now, fixtures: benchFixtures() });
    const start = process.hrtime.bigint();
    let resources: number;
    if (mode === "plan") {
        resources = (await runPlan("prod", config, { now, fixtures: benchFixtures() })).recorded.length;
    } else {
        resources = await floor(warm.recorded);
    }
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    process.stdout.write(`${JSON.stringify({ wallMs, maxRssKb: process.resourceUsage().maxRSS, resources })}\n`);
}

main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
});
