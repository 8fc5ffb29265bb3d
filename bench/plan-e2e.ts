/**
 * End-to-end plan and diff wall time, from process start to exit, beside the plan's own work:
 *   - plan: `node tools/plan-cli.js --stack prod --format json` (compiled JavaScript, built once before timing);
 *   - diff: the same with `--diff-file Pulumi.prod.yaml` (both plans, one process);
 *   - in-process: runPlan of the same config in a warm process, from the same compiled JavaScript
 *     (plan-inprocess.js; under ts-node it was several times slower than the end-to-end plan itself).
 */
import { execFileSync, spawnSync } from "child_process";
import * as path from "path";
import { median } from "./run-worker";

const root = path.join(__dirname, "..");
const cli = path.join(root, "tools", "plan-cli.js");
const inProcessWorker = path.join(__dirname, "plan-inprocess.js");

/** The warm in-process plan time of plan-inprocess.js. */
function inProcessPlanMs(): number {
    const out = execFileSync(process.execPath, [inProcessWorker], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return (JSON.parse(out.trim().split("\n").pop() ?? "") as { wallMs: number }).wallMs;
}

function wall(args: string[]): number {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) {
        throw new Error(`plan-cli ${args.join(" ")} exited ${result.status}: ${String(result.stderr).slice(-500)}`);
    }
    return ms;
}

/** Medians of plan, diff and in-process plan times, and their ratios. */
export async function planEndToEnd(runs: number) {
    // Build once, outside the timing, as a developer's second run finds it.
    execFileSync(process.execPath, [cli, "--help"], { cwd: root, stdio: "ignore" });
    const now = ["--now", "2026-11-22"];
    const samples = [];
    for (let i = 0; i < runs; i++) {
        const planMs = wall(["--stack", "prod", "--format", "json", ...now]);
        const diffMs = wall(["--stack", "prod", "--format", "markdown", "--diff-file", "Pulumi.prod.yaml", ...now]);
        const helpMs = wall(["--help"]);
        samples.push({ planMs, diffMs, helpMs, inProcessMs: inProcessPlanMs() });
    }
    return {
        planMs: median(samples.map((s) => s.planMs)),
        diffMs: median(samples.map((s) => s.diffMs)),
        helpMs: median(samples.map((s) => s.helpMs)),
        inProcessPlanMs: median(samples.map((s) => s.inProcessMs)),
        planToInProcess: median(samples.map((s) => s.planMs / s.inProcessMs)),
        diffToPlan: median(samples.map((s) => s.diffMs / s.planMs)),
        samples,
    };
}
