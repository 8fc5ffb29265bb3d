/**
 * Drives the real stack program, under mocks as the offline plan does (tools/plan-run.ts), through a
 * sequence of stack configs, and diffs each plan with the one before it with the plan command's own
 * diff (tools/plan-diff.ts): what `pulumi up` would do at each step of a release's life.
 */
import * as fs from "fs";
import * as path from "path";
import { CliConfig, parseStackConfig } from "../../tools/stack-config";
import { PlanRun, runPlan } from "../../tools/plan-run";
import { diffRuns, PlanDiff } from "../../tools/plan-diff";

const namespace = "image-publisher";

/** The stack config's keys without the namespace, structured values parsed: what a step edits. */
export type ConfigValues = Record<string, unknown> & { releases: Record<string, unknown>[] };

/** One release entry of the config, by version. */
export function entry(values: ConfigValues, version: string): Record<string, unknown> {
    const found = values.releases.find((r) => String(r.version) === version);
    if (!found) {
        throw new Error(`release ${version} is not in the config`);
    }
    return found;
}

function toValues(config: CliConfig): ConfigValues {
    return Object.fromEntries(Object.entries(config.values)
        .filter(([k]) => k.startsWith(`${namespace}:`))
        .map(([k, v]) => [k.slice(namespace.length + 1), /^\s*[[{]/.test(v) ? JSON.parse(v) : v])) as ConfigValues;
}

function toConfig(values: ConfigValues, base: CliConfig): CliConfig {
    const own = Object.fromEntries(Object.entries(values).map(([k, v]) => [`${namespace}:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
    const others = Object.fromEntries(Object.entries(base.values).filter(([k]) => !k.startsWith(`${namespace}:`)));
    return { values: { ...others, ...own }, secretKeys: base.secretKeys };
}

/** What one step does, counted by `op type`, such as "replace aws:ec2/ami:Ami" → 2; refusals by `refuse type`. */
export function tally(diff: PlanDiff): Record<string, number> {
    const counts: Record<string, number> = {};
    const add = (key: string) => { counts[key] = (counts[key] ?? 0) + 1; };
    diff.resources.forEach((r) => add(`${r.op} ${r.type}`));
    new Set(diff.refusals.map((r) => `${r.type}::${r.resource}`)).forEach((k) => add(`refuse ${k.split("::")[0]}`));
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** A stack moving through configs: each step plans the new config and diffs it with the last plan. */
export class Timeline {
    private values: ConfigValues;
    private readonly base: CliConfig;
    private last?: PlanRun;

    /** Starts from a committed stack file (Pulumi.prod.yaml), first edited by `start`. */
    constructor(private readonly stack: "dev" | "prod", file: string, start: (values: ConfigValues) => void = () => undefined) {
        this.base = parseStackConfig(fs.readFileSync(path.join(__dirname, "..", "..", file), "utf8"), file);
        this.values = toValues(this.base);
        start(this.values);
    }

    /** Plans the starting config on this day; the first step diffs with it. */
    async begin(now: Date): Promise<PlanRun> {
        this.last = await runPlan(this.stack, toConfig(this.values, this.base), { now });
        return this.last;
    }

    /** Edits the config, plans it on this day and diffs it with the plan before. */
    async step(now: Date, edit: (values: ConfigValues) => void = () => undefined): Promise<PlanDiff> {
        if (!this.last) {
            throw new Error("begin() the timeline first");
        }
        const values = JSON.parse(JSON.stringify(this.values)) as ConfigValues;
        edit(values);
        const run = await runPlan(this.stack, toConfig(values, this.base), { now });
        const diff = diffRuns(this.last, run, this.stack);
        this.values = values;
        this.last = run;
        return diff;
    }

    /** Diffs an edit with the plan before, without making it the timeline's next step. */
    async peek(now: Date, edit: (values: ConfigValues) => void): Promise<PlanDiff> {
        const before = { values: this.values, last: this.last };
        try {
            return await this.step(now, edit);
        } finally {
            this.values = before.values;
            this.last = before.last;
        }
    }

    /** The plan of the current config. */
    get plan(): PlanRun {
        if (!this.last) {
            throw new Error("begin() the timeline first");
        }
        return this.last;
    }
}
