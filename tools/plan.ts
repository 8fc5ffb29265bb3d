import * as path from "path";
import { execFileSync } from "child_process";
import { parseArgs } from "util";
import type { CliConfig } from "./stack-config";
import type { Plan, PlanRun } from "./plan-run";
import type { PlanDiff } from "./plan-diff";
import type { Violation } from "../policy/rules";

const usage = `Usage: npm run plan -- --stack dev|prod [--format tree|markdown|json] [--config FILE] [--diff GIT-REVISION | --diff-file FILE] [--now YYYY-MM-DD]

Runs the stack program offline, under Pulumi's mock runtime, and prints every resource it
would register and the stack outputs. No cloud and no credentials are needed.
  --stack      the stack whose Pulumi.<stack>.yaml is read
  --format     tree (default), markdown or json
  --config     read this config file instead of Pulumi.<stack>.yaml
  --diff       compare with the same config file at this git revision (such as origin/main)
  --diff-file  compare with the plan of this other config file
  --now        the day the plan runs on, which decides which deprecation dates have passed
               (default: today, UTC); the plan is the same on any day until a date passes

With --diff or --diff-file it prints what the engine would create, update, replace and delete,
with old and new values, and exits 3 when the change would delete or replace a protected
resource or revoke public access in prod, listing why at the top. It runs the policy pack's
rules (policy/) over what the program registered, prints each violation on standard error and
then exits 3. The stack outputs are checked against their contract (docs/outputs.schema.json).`;

/** What the command writes to; tests pass their own. */
export interface PlanIo {
    /** Standard output. */
    out: (text: string) => void;
    /** Standard error. */
    err: (text: string) => void;
}

type Format = "tree" | "markdown" | "json";

// Loaded once the flags are known to be good, so that --help and a bad flag load no YAML parser;
// the program and its Pulumi SDKs are loaded later still (see main).
const stackConfig = () => require("./stack-config") as typeof import("./stack-config");

function git(args: string[], cwd: string): string {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** The config file at a git revision: the same path, in the repository that holds the file. */
export function configAtRevision(revision: string, configFile: string): CliConfig {
    if (revision.startsWith("-")) {
        throw new Error(`--diff ${revision}: not a git revision; allowed: a branch, tag or commit such as origin/main`);
    }
    const dir = path.dirname(path.resolve(configFile));
    let root: string;
    try {
        root = git(["rev-parse", "--show-toplevel"], dir).trim();
        git(["rev-parse", "--verify", "--quiet", `${revision}^{commit}`], dir);
    } catch {
        throw new Error(`--diff ${revision}: not a git revision of the repository that holds ${configFile}; allowed: a branch, tag or commit such as origin/main (use --diff-file for a file)`);
    }
    const relative = path.relative(root, path.resolve(configFile)).split(path.sep).join("/");
    try {
        return stackConfig().parseStackConfig(git(["show", `${revision}:${relative}`], root), `${revision}:${relative}`);
    } catch (error) {
        if ((error as { status?: number }).status !== undefined) {
            throw new Error(`--diff ${revision}: ${relative} does not exist at ${revision}`, { cause: error });
        }
        throw error;
    }
}

/**
 * A gallery image definition whose replacing fields change would be replaced: a definition in use must
 * never be. Its ignoreChanges hides the change from the engine, so the inputs are compared directly.
 */
function replacedDefinitions(before: Plan, after: Plan, galleryImageType: string, fields: readonly string[]): Violation[] {
    const old = new Map(before.resources.filter((r) => r.type === galleryImageType).map((r) => [r.name, r]));
    return after.resources.filter((c) => c.type === galleryImageType && old.has(c.name)).flatMap((c) => {
        const o = old.get(c.name) as Plan["resources"][number];
        const paths = fields.flatMap((f) => differingLeaves(o.inputs[f], c.inputs[f], f));
        return paths.length === 0 ? [] : [{
            policy: "no-gallery-image-definition-replacement",
            resource: c.name,
            message: `this change would replace the gallery image definition (${paths.join(", ")}); add a new definition instead`,
        }];
    });
}

/** The dotted paths of the leaves that differ between two values. */
function differingLeaves(a: unknown, b: unknown, path: string): string[] {
    if (JSON.stringify(a) === JSON.stringify(b)) {
        return [];
    }
    const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
    if (isMap(a) && isMap(b)) {
        return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().flatMap((k) => differingLeaves(a[k], b[k], `${path}.${k}`));
    }
    return [path];
}

/** How the command runs, beyond its flags. */
export interface PlanOptions {
    /**
     * False to skip serialising dynamic providers, which the plan never prints, and leave out what
     * only other commands use (see tools/plan-process.ts); only for a process that does nothing
     * else, as tools/plan-cli.js.
     */
    serialiseProviders?: boolean;
    /** Told, once the command is done, the ms its plans took inside runPlan (both, for a diff). */
    onPlanWork?: (ms: number) => void;
}

/** Runs the plan command; returns the exit code. */
export async function main(argv: string[], io: PlanIo, options: PlanOptions = {}): Promise<number> {
    let args;
    try {
        args = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                format: { type: "string", default: "tree" },
                config: { type: "string" },
                diff: { type: "string" },
                "diff-file": { type: "string" },
                now: { type: "string" },
                help: { type: "boolean", default: false },
            },
            strict: true,
        }).values;
    } catch (error) {
        io.err(`${(error as Error).message}\n${usage}\n`);
        return 2;
    }
    if (args.help) {
        io.out(`${usage}\n`);
        return 0;
    }
    const format = args.format as Format;
    if (!args.stack || !["tree", "markdown", "json"].includes(format)) {
        io.err(`${!args.stack ? "--stack is required" : `--format ${format} is not one of tree, markdown, json`}\n${usage}\n`);
        return 2;
    }
    if (args.diff !== undefined && args["diff-file"] !== undefined) {
        io.err(`--diff and --diff-file exclude each other: --diff takes a git revision, --diff-file a file\n${usage}\n`);
        return 2;
    }
    const today = new Date();
    const now = args.now ? new Date(`${args.now}T00:00:00Z`) : new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
    if (Number.isNaN(now.getTime())) {
        io.err(`--now ${args.now} is not a date; allowed: YYYY-MM-DD\n`);
        return 2;
    }
    const configFile = args.config ?? `Pulumi.${args.stack}.yaml`;
    try {
        const { readStackConfig } = stackConfig();
        const config = readStackConfig(configFile);
        // Read the other side before any plan runs, so that a bad revision or file fails at once.
        const other = args.diff !== undefined ? configAtRevision(args.diff, configFile)
            : args["diff-file"] !== undefined ? readStackConfig(args["diff-file"]) : undefined;
        // Loaded only now, after the arguments are known to be good: they pull in the program.
        if (options.serialiseProviders === false) {
            (await import("./plan-process")).setUpPlanOnlyProcess();
        }
        const { runPlan } = await import("./plan-run");
        const { validateOutputs } = await import("../components/outputs");
        const { checkResources, galleryImageReplacementFields, galleryImageType } = await import("../policy/rules");
        let planWorkMs = 0;
        const timedPlan = async (planned: CliConfig) => {
            const start = performance.now();
            try {
                return await runPlan(args.stack as string, planned, { now });
            } finally {
                planWorkMs += performance.now() - start;
            }
        };
        const current = await timedPlan(config);
        validateOutputs(current.plan.outputs, `the outputs of stack ${args.stack}`);
        const environment = config.values["image-publisher:environment"] === "prod" ? "prod" : "dev";
        const { resourcesOfReleases, unpublishedVersions } = await import("./plan-diff");
        // A release marked unpublish is unprotected on purpose: the policy that protects prod exempts it.
        const unpublished = resourcesOfReleases(current.plan, unpublishedVersions(config.values));
        const violations = checkResources(current.recorded.map((r) => ({
            type: r.type, name: r.name, inputs: r.inputs, options: r.options, ...(unpublished.has(r.name) ? { unpublished: true } : {}),
        })), environment);
        let refused = false;
        if (other !== undefined) {
            const before = await timedPlan(other);
            const diff = await diffOf(before, current, environment);
            io.out(await renderDiffAs(diff, format));
            violations.push(...replacedDefinitions(before.plan, current.plan, galleryImageType, galleryImageReplacementFields));
            refused = diff.refusals.length > 0;
        } else {
            io.out(await renderPlanAs(current.plan, format));
        }
        if (violations.length > 0) {
            io.err(`${violations.length} policy violation${violations.length === 1 ? "" : "s"}:\n` +
                violations.map((v) => `  - [${v.policy}] ${v.resource}: ${v.message}\n`).join(""));
        }
        options.onPlanWork?.(planWorkMs);
        return violations.length > 0 || refused ? 3 : 0;
    } catch (error) {
        io.err(`${(error as Error).message}\n`);
        return 1;
    }
}

async function diffOf(before: PlanRun, after: PlanRun, environment: "dev" | "prod"): Promise<PlanDiff> {
    const { diffRuns } = await import("./plan-diff");
    return diffRuns(before, after, environment);
}

async function renderDiffAs(diff: PlanDiff, format: Format): Promise<string> {
    const { renderDiffJson, renderDiffMarkdown, renderDiffText } = await import("./plan-diff-render");
    return format === "json" ? renderDiffJson(diff) : format === "markdown" ? renderDiffMarkdown(diff) : renderDiffText(diff);
}

async function renderPlanAs(plan: Plan, format: Format): Promise<string> {
    const { renderJson, renderMarkdown, renderTree } = await import("./plan-render");
    return format === "json" ? renderJson(plan) : format === "markdown" ? renderMarkdown(plan) : renderTree(plan);
}

if (require.main === module) {
    main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) })
        .then((code) => { process.exitCode = code; })
        .catch((error) => {
            process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
            process.exitCode = 1;
        });
}
