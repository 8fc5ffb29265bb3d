/**
 * npm run bench: plan scale, simulated publish, VHD copy throughput, staging throughput and marketplace polling.
 * Prints a table and writes bench/results.json. `npm run bench -- e2e` runs only the end-to-end plan
 * part and replaces only its figures and targets in bench/results.json. Each figure is the median of several runs
 * (BENCH_RUNS, default 3); the ratios are taken within one run, so that they hold on a noisy
 * machine where absolute times do not.
 */
import * as fs from "fs";
import * as path from "path";
import { median, runWorker } from "./run-worker";
import { marketplacePolling } from "./marketplace-polling";
import { vhdCopyThroughput } from "./vhd-copy";
import { planEndToEnd } from "./plan-e2e";
import { mutationScore } from "./mutation-score";
import { stagingThroughput } from "./staging-copy";

interface PlanSample { wallMs: number; maxRssKb: number; resources: number }
interface PublishSample { wallMs: number; criticalMs: number; sequentialMs: number; resources: number; chain: string[] }

const runs = Number(process.env.BENCH_RUNS ?? 3);
const releaseCounts = (process.env.BENCH_RELEASES ?? "1,5,20").split(",").map(Number);

function row(cells: (string | number)[]): string {
    return `| ${cells.map((c) => (typeof c === "number" ? (Number.isInteger(c) ? String(c) : c.toFixed(2)) : c)).join(" | ")} |`;
}

async function planScale() {
    const results = [];
    for (const n of releaseCounts) {
        const plans: PlanSample[] = [];
        const floors: PlanSample[] = [];
        for (let i = 0; i < runs; i++) {
            plans.push(await runWorker<PlanSample>("plan-worker.ts", ["plan", String(n)]));
            floors.push(await runWorker<PlanSample>("plan-worker.ts", ["floor", String(n)]));
        }
        results.push({
            releases: n,
            resources: plans[0].resources,
            planMs: median(plans.map((p) => p.wallMs)),
            floorMs: median(floors.map((p) => p.wallMs)),
            planPeakRssMiB: median(plans.map((p) => p.maxRssKb / 1024)),
            floorPeakRssMiB: median(floors.map((p) => p.maxRssKb / 1024)),
            resourcesPerSecond: plans[0].resources / (median(plans.map((p) => p.wallMs)) / 1000),
            planToFloor: median(plans.map((p, i) => p.wallMs / floors[i].wallMs)),
            samples: { plan: plans.map((p) => p.wallMs), floor: floors.map((p) => p.wallMs) },
        });
    }
    return results;
}

async function simulatedPublish(scenario: "with-marketplaces" | "images-only") {
    const samples: PublishSample[] = [];
    for (let i = 0; i < runs; i++) {
        samples.push(await runWorker<PublishSample>("publish-worker.ts", ["1", scenario]));
    }
    return {
        scenario,
        releases: 1,
        resources: samples[0].resources,
        wallMs: median(samples.map((s) => s.wallMs)),
        criticalPathMs: samples[0].criticalMs,
        sequentialMs: samples[0].sequentialMs,
        wallToCriticalPath: median(samples.map((s) => s.wallMs / s.criticalMs)),
        criticalChain: samples[0].chain,
    };
}

/** The table of the end-to-end plan part. */
function endToEndLines(endToEnd: Awaited<ReturnType<typeof planEndToEnd>>): string[] {
    return [
        `Offline plan of Pulumi.prod.yaml, process start to exit (node ${[...endToEnd.nodeFlags, "tools/plan-cli.js"].join(" ")}, compiled once):`,
        row(["figure", "ms", "ratio", "target"]), row(["---", "---", "---", "---"]),
        row(["the plan's own work in that process (runPlan)", endToEnd.planWorkMs, "", ""]),
        row(["in-process plan, warm (a second runPlan in one process)", endToEnd.inProcessPlanMs, "", ""]),
        row(["plan, end to end, over its own work", endToEnd.planMs, endToEnd.planToPlanWork, "<= 2 x the plan's own work"]),
        row(["plan, end to end, over the warm in-process plan", endToEnd.planMs, endToEnd.planToInProcess, ""]),
        row(["diff, end to end", endToEnd.diffMs, endToEnd.diffToPlan, "<= 1.5 x plan"]),
        row(["--help", endToEnd.helpMs, "", ""]),
    ];
}

/** Runs the end-to-end plan part alone and replaces its figures in results.json, keeping the rest. */
async function endToEndOnly(): Promise<void> {
    const endToEnd = await planEndToEnd(runs);
    const file = path.join(__dirname, "results.json");
    const results = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown> & { targets: Record<string, unknown> };
    results.planEndToEnd = { date: new Date().toISOString().slice(0, 10), node: process.version, runs, ...endToEnd };
    results.targets.planEndToEndToPlanWork = { limit: 2, value: endToEnd.planToPlanWork };
    results.targets.planEndToEndToWarmInProcess = { value: endToEnd.planToInProcess };
    delete results.targets.planEndToEndToInProcess;
    results.targets.diffToPlan = { limit: 1.5, value: endToEnd.diffToPlan };
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${[`Medians of ${runs} runs, Node ${process.version}.`, "", ...endToEndLines(endToEnd)].join("\n")}\n`);
}

async function main(): Promise<void> {
    process.chdir(path.join(__dirname, ".."));
    if (process.argv.includes("e2e")) {
        return endToEndOnly();
    }
    const endToEnd = await planEndToEnd(runs);
    const scale = await planScale();
    const publish = await simulatedPublish("with-marketplaces");
    const imagesOnly = await simulatedPublish("images-only");
    const copy = await vhdCopyThroughput(runs, 100);
    const staging = await stagingThroughput(runs);
    const polling = await marketplacePolling(4);
    // Read, not run: `npm run mutate` takes far longer than the bench.
    const mutation = mutationScore("reports/mutation");

    const one = scale.find((s) => s.releases === 1);
    const twenty = scale.find((s) => s.releases === 20);
    const twentyToOne = one && twenty ? twenty.planMs / one.planMs : undefined;
    const targets = {
        planToFloor: { limit: 1.2, worst: Math.max(...scale.map((s) => s.planToFloor)) },
        twentyToOne: { limit: 20.5, value: twentyToOne },
        wallToCriticalPath: { limit: 1.1, value: publish.wallToCriticalPath },
        wallToCriticalPathImagesOnly: { value: imagesOnly.wallToCriticalPath },
        parallelCopySpeedup: { limit: 4, value: copy.speedup },
        stagingGcsToPlainCopy: { value: staging.gcsToPlain },
        stagingOssToPlainCopy: { value: staging.ossToPlain },
        pollsIn4Hours: { limit: 60, value: polling.describes },
        noticeDelayShare: { limit: 0.05, value: polling.noticeDelayShare },
        planEndToEndToPlanWork: { limit: 2, value: endToEnd.planToPlanWork },
        planEndToEndToWarmInProcess: { value: endToEnd.planToInProcess },
        diffToPlan: { limit: 1.5, value: endToEnd.diffToPlan },
        mutationScoreComponents: { limit: 80, value: mutation?.areas.find((a) => a.name === "components/")?.score },
        mutationScoreConfig: { limit: 90, value: mutation?.areas.find((a) => a.name === "components/config/")?.score },
        mutationScoreDynamicProviders: { limit: 90, value: mutation?.areas.find((a) => a.name === "dynamic providers")?.score },
    };
    const results = { runs, date: new Date().toISOString().slice(0, 10), node: process.version, planEndToEnd: endToEnd, planScale: scale, simulatedPublish: [publish, imagesOnly], vhdCopy: copy, stagingCopy: staging, marketplacePolling: polling, mutation: mutation ?? null, targets };
    fs.writeFileSync(path.join(__dirname, "results.json"), `${JSON.stringify(results, null, 2)}\n`);

    const lines = [
        `Medians of ${runs} runs, Node ${process.version}.`, "",
        ...endToEndLines(endToEnd), "",
        "Plan scale (prod stack, 2 architectures, every cloud and region):",
        row(["releases", "resources", "plan ms", "floor ms", "plan/floor", "resources/s", "peak RSS MiB"]),
        row(["---", "---", "---", "---", "---", "---", "---"]),
        ...scale.map((s) => row([s.releases, s.resources, s.planMs, s.floorMs, s.planToFloor, s.resourcesPerSecond, s.planPeakRssMiB])),
        `20 releases cost ${twentyToOne?.toFixed(2)} x the plan of 1 (target <= 20.5).`, "",
        "Simulated publish (1 release, typical durations scaled down):",
        row(["scenario", "resources", "wall ms", "critical path ms", "sequential ms", "wall/critical"]),
        row(["---", "---", "---", "---", "---", "---"]),
        ...[publish, imagesOnly].map((p) => row([p.scenario, p.resources, p.wallMs, p.criticalPathMs, p.sequentialMs, p.wallToCriticalPath])),
        ...[publish, imagesOnly].map((p) => `Critical chain (${p.scenario}): ${p.criticalChain.join(" -> ")}`), "",
        `VHD copy (${copy.sizeMiB} MiB sparse, stream mode, ${copy.latencyMs} ms per source request):`,
        row(["mode", "MiB/s"]), row(["---", "---"]),
        row(["serial", copy.serialMiBps]), row([`parallel (${copy.parallelism})`, copy.parallelMiBps]),
        `Speed-up ${copy.speedup.toFixed(2)} x (target >= 4).`, "",
        `Staging copy (${staging.sizeMiB} MiB from s3rver) against a plain s3 -> local file copy of the same object:`,
        row(["copy", "MiB/s", "over plain"]), row(["---", "---", "---"]),
        row(["s3 -> local file", staging.plainMiBps, 1]),
        row(["s3 -> GCS (resumable, 16 MiB chunks)", staging.gcsMiBps, staging.gcsToPlain]),
        row(["s3 -> OSS (multipart, 16 MiB parts, 4 at once)", staging.ossMiBps, staging.ossToPlain]), "",
        `Marketplace polling over a ${polling.reviewHours} h review: ${polling.describes} DescribeChangeSet calls, ` +
        `longest gap ${polling.longestGapMinutes.toFixed(1)} min, SUCCEEDED noticed ${polling.noticeDelayMinutes.toFixed(1)} min late ` +
        `(${(polling.noticeDelayShare * 100).toFixed(1)} %).`, "",
        ...(mutation === undefined
            ? ["Mutation score: no report (run npm run mutate first)."]
            : [
                `Mutation score (the last npm run mutate of each area, newest ${mutation.modified}; targets: components/ >= 80 %, config and dynamic providers >= 90 %):`,
                row(["area", "files in the report", "killed", "survived or not covered", "score %"]), row(["---", "---", "---", "---", "---"]),
                ...mutation.areas.map((a) => row([a.name, a.files, a.detected, a.undetected, a.score === undefined ? "no mutants" : a.score.toFixed(1)])),
            ]),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
});
