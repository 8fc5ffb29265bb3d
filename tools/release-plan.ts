/**
 * The offline plan diff of one edit of a stack file: the plan of the text before the edit against
 * the plan of the text after it, both with the current program. Kept apart from tools/plan.ts so
 * that the release commands depend only on the plan's building blocks.
 */
import { checkResources } from "../policy/rules";
import { diffPlans } from "./plan-diff";
import { renderDiff } from "./plan-render";
import { runPlan } from "./plan-run";
import { parseStackConfig } from "./stack-config";

/** What an edit does to the plan. */
export interface EditPlan {
    /** The rendered diff. */
    text: string;
    /** Policy violations of the plan after the edit, one line each. */
    violations: string[];
}

/** Compares the plans of the stack file's text before and after an edit. */
export async function planEdit(stack: string, before: string, after: string, options: { source: string; now: Date; format: "tree" | "markdown" | "json" }): Promise<EditPlan> {
    const old = await runPlan(stack, parseStackConfig(before, `${options.source} (before)`), { now: options.now });
    const afterConfig = parseStackConfig(after, options.source);
    const current = await runPlan(stack, afterConfig, { now: options.now });
    const environment = afterConfig.values["image-publisher:environment"] === "prod" ? "prod" : "dev";
    const violations = checkResources(current.recorded.map((r) => ({
        type: r.type, name: r.name, inputs: r.inputs, options: r.options,
    })), environment).map((v) => `[${v.policy}] ${v.resource}: ${v.message}`);
    return { text: renderDiff(stack, diffPlans(old.plan, current.plan), options.format), violations };
}
