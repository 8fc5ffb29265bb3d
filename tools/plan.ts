import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { parseArgs } from "util";
import { CliConfig, parseStackConfig, readStackConfig } from "./stack-config";
import { Plan, runPlan } from "./plan-run";
import { diffPlans } from "./plan-diff";
import { renderDiff, renderJson, renderMarkdown, renderTree } from "./plan-render";
import { Violation, checkResources, galleryImageReplacementFields, galleryImageType } from "../policy/rules";
import { validateOutputs } from "../components/outputs";

const usage = `Usage: npm run plan -- --stack dev|prod [--format tree|markdown|json] [--config FILE] [--diff FILE|GIT-REVISION] [--now YYYY-MM-DD]

Runs the stack program offline, under Pulumi's mock runtime, and prints every resource it
would register and the stack outputs. No cloud and no credentials are needed.
  --stack    the stack whose Pulumi.<stack>.yaml is read
  --format   tree (default), markdown or json
  --config   read this config file instead of Pulumi.<stack>.yaml
  --diff     compare with the plan of another config file, or of the stack's config file at a
             git revision (such as origin/main), and print what is added, removed and changed
  --now      the day that "deprecated: true" counts from (default: today, UTC)

It runs the policy pack's rules (policy/) over what the program registered, prints each
violation on standard error and then exits 3. The stack outputs are checked against their
contract (docs/outputs.schema.json).`;

/** What the command writes to; tests pass their own. */
export interface PlanIo {
    /** Standard output. */
    out: (text: string) => void;
    /** Standard error. */
    err: (text: string) => void;
}

type Format = "tree" | "markdown" | "json";

function render(plan: Plan, format: Format): string {
    return format === "json" ? renderJson(plan) : format === "markdown" ? renderMarkdown(plan) : renderTree(plan);
}

/** The config to compare with: a file if one exists at that path, else the config file at a git revision. */
function otherConfig(other: string, configFile: string): CliConfig {
    if (fs.existsSync(other)) {
        return readStackConfig(other);
    }
    const root = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();
    const relative = path.relative(root, path.resolve(configFile)).split(path.sep).join("/");
    let text: string;
    try {
        text = execFileSync("git", ["show", `${other}:${relative}`], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch {
        throw new Error(`--diff ${other}: neither a file nor a git revision that has ${relative}`);
    }
    return parseStackConfig(text, `${other}:${relative}`);
}

/** A gallery image definition whose replacing fields change would be replaced: a definition in use must never be. */
function replacedDefinitions(changed: ReturnType<typeof diffPlans>["changed"]): Violation[] {
    const replacing = (field: string) => galleryImageReplacementFields.some((f) => field === `${f}` || field.startsWith(`${f}.`));
    return changed.filter((c) => c.type === galleryImageType && c.fields.some(replacing)).map((c) => ({
        policy: "no-gallery-image-definition-replacement",
        resource: c.name,
        message: `this change would replace the gallery image definition (${c.fields.filter(replacing).join(", ")}); add a new definition instead`,
    }));
}

/** Runs the plan command; returns the exit code. */
export async function main(argv: string[], io: PlanIo): Promise<number> {
    let args;
    try {
        args = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                format: { type: "string", default: "tree" },
                config: { type: "string" },
                diff: { type: "string" },
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
    const today = new Date();
    const now = args.now ? new Date(`${args.now}T00:00:00Z`) : new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
    if (Number.isNaN(now.getTime())) {
        io.err(`--now ${args.now} is not a date; allowed: YYYY-MM-DD\n`);
        return 2;
    }
    const configFile = args.config ?? `Pulumi.${args.stack}.yaml`;
    try {
        const config = readStackConfig(configFile);
        const current = await runPlan(args.stack, config, { now });
        validateOutputs(current.plan.outputs, `the outputs of stack ${args.stack}`);
        const environment = config.values["image-publisher:environment"] === "prod" ? "prod" : "dev";
        const violations = checkResources(current.recorded.map((r) => ({
            type: r.type, name: r.name, inputs: r.inputs, options: r.options,
        })), environment);
        if (args.diff) {
            const before = await runPlan(args.stack, otherConfig(args.diff, configFile), { now });
            const diff = diffPlans(before.plan, current.plan);
            io.out(renderDiff(args.stack, diff, format));
            violations.push(...replacedDefinitions(diff.changed));
        } else {
            io.out(render(current.plan, format));
        }
        if (violations.length > 0) {
            io.err(`${violations.length} policy violation${violations.length === 1 ? "" : "s"}:\n` +
                violations.map((v) => `  - [${v.policy}] ${v.resource}: ${v.message}\n`).join(""));
            return 3;
        }
        return 0;
    } catch (error) {
        io.err(`${(error as Error).message}\n`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) })
        .then((code) => { process.exitCode = code; })
        .catch((error) => {
            process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
            process.exitCode = 1;
        });
}
