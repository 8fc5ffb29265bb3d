/**
 * The simulated publish: the real program under mocks where each resource takes its typical
 * duration, scaled down. Prints {wallMs, criticalMs, sequentialMs, resources, chain} as JSON.
 */
import { runPlan } from "../tools/plan-run";
import { runUnderMocks } from "../tools/mocks";
import { benchFixtures, prodWithReleases } from "./scenario";
import { latencyMs } from "./latency";
import { criticalPath } from "./critical-path";

async function main(): Promise<void> {
    const releases = Number(process.argv[2] ?? 1);
    // "images-only" leaves the marketplaces out, so that the hours of review do not hide the other steps.
    const config = prodWithReleases(releases, { marketplaces: process.argv[3] !== "images-only" });
    const now = new Date("2026-11-22T00:00:00Z");
    await runPlan("prod", config, { now, fixtures: benchFixtures() }); // load every module first, so the wall time is the run's own
    const { publish } = await import("../stacks/program");
    const start = process.hrtime.bigint();
    const run = await runUnderMocks(() => publish({ now }), {
        stack: "prod",
        config: config.values,
        secretKeys: config.secretKeys,
        fixtures: benchFixtures(),
        latency: (type) => latencyMs(type),
    });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    const path = criticalPath(run.resources, (r) => latencyMs(r.type));
    process.stdout.write(`${JSON.stringify({ wallMs, criticalMs: path.critical, sequentialMs: path.sequential, resources: run.resources.length, chain: path.chain })}\n`);
}

main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
});
