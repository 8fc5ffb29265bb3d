/**
 * End-to-end plan and diff wall time, from process start to exit, beside the plan's own work:
 *   - plan: `node tools/plan-cli.js --stack prod --format json` (compiled JavaScript, built once before timing);
 *   - diff: the same with `--diff-file Pulumi.prod.yaml` (both plans, one process);
 *   - in-process: runPlan of the same config in a warm process (plan-worker.ts inprocess).
 */
import { execFileSync, spawnSync } from "child_process";
import * as path from "path";
import { median, runWorker } from "./run-worker";

const root = path.join(__dirname, "..");
const cli = path.join(root, "tools", "plan-cli.js");

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
        const inProcess = await runWorker<{ wallMs: number }>("plan-worker.ts", ["inprocess", "0"]);
        samples.push({ planMs, diffMs, helpMs, inProcessMs: inProcess.wallMs });
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
