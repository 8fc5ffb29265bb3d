/**
 * End-to-end plan and diff wall time, from process start to exit, beside the plan's own work:
 *   - plan: `npm run plan`'s command without npm, `node <its flags> tools/plan-cli.js --stack prod
 *     --format json` (compiled JavaScript, built once before timing);
 *   - diff: the same with `--diff-file Pulumi.prod.yaml` (both plans, one process);
 *   - the plan's own work in that same process: the time inside runPlan, which plan-cli.js reports
 *     with IMAGE_PUBLISHER_PLAN_TIMING=1; the rest of the wall time is start-up and exit;
 *   - in-process, warm: runPlan of the same config run a second time in one process, from the same
 *     compiled JavaScript and node flags (plan-inprocess.js): the plan's work with V8 warmed up.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { median } from "./run-worker";

const root = path.join(__dirname, "..");
const cli = path.join(root, "tools", "plan-cli.js");
const inProcessWorker = path.join(__dirname, "plan-inprocess.js");

/** The node flags of `npm run plan` (package.json's `node <flags> tools/plan-cli.js`), so that the bench times what users run. */
export function planNodeFlags(): string[] {
    const script = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.plan;
    const words = script.split(/\s+/);
    if (words[0] !== "node" || words[words.length - 1] !== "tools/plan-cli.js") {
        throw new Error(`package.json's plan script is not "node [flags] tools/plan-cli.js": ${script}`);
    }
    return words.slice(1, -1);
}

/** The warm in-process plan time of plan-inprocess.js. */
function inProcessPlanMs(): number {
    const out = execFileSync(process.execPath, [...planNodeFlags(), inProcessWorker], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return (JSON.parse(out.trim().split("\n").pop() ?? "") as { wallMs: number }).wallMs;
}

/** Wall time of one plan command from process start to exit, and the time its plans took inside it. */
function wall(args: string[]): { ms: number; planWorkMs: number } {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [...planNodeFlags(), cli, ...args], {
        cwd: root, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, IMAGE_PUBLISHER_PLAN_TIMING: "1" },
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) {
        throw new Error(`plan-cli ${args.join(" ")} exited ${result.status}: ${String(result.stderr).slice(-500)}`);
    }
    const timing = String(result.stderr).trim().split("\n").reverse().find((l) => l.startsWith("{\"planWorkMs\""));
    return { ms, planWorkMs: timing === undefined ? NaN : (JSON.parse(timing) as { planWorkMs: number }).planWorkMs };
}

/** Medians of plan, diff and in-process plan times, and their ratios. */
export async function planEndToEnd(runs: number) {
    // Build once, outside the timing, as a developer's second run finds it.
    execFileSync(process.execPath, [...planNodeFlags(), cli, "--help"], { cwd: root, stdio: "ignore" });
    const now = ["--now", "2026-11-22"];
    const samples = [];
    for (let i = 0; i < runs; i++) {
        const plan = wall(["--stack", "prod", "--format", "json", ...now]);
        const diffMs = wall(["--stack", "prod", "--format", "markdown", "--diff-file", "Pulumi.prod.yaml", ...now]).ms;
        const helpMs = wall(["--help"]).ms;
        samples.push({ planMs: plan.ms, planWorkMs: plan.planWorkMs, diffMs, helpMs, inProcessMs: inProcessPlanMs() });
    }
    return {
        planMs: median(samples.map((s) => s.planMs)),
        diffMs: median(samples.map((s) => s.diffMs)),
        helpMs: median(samples.map((s) => s.helpMs)),
        planWorkMs: median(samples.map((s) => s.planWorkMs)),
        inProcessPlanMs: median(samples.map((s) => s.inProcessMs)),
        nodeFlags: planNodeFlags(),
        /** The target's figure: process start to exit over the plan's own work in that process. */
        planToPlanWork: median(samples.map((s) => s.planMs / s.planWorkMs)),
        /** Process start to exit over the plan's work in a warm process, where V8 has compiled and optimised it. */
        planToInProcess: median(samples.map((s) => s.planMs / s.inProcessMs)),
        diffToPlan: median(samples.map((s) => s.diffMs / s.planMs)),
        samples,
    };
}
