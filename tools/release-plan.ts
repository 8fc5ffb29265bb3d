/**
 * The offline plan diff of one edit of a stack file: the plan of the text before the edit against
 * the plan of the text after it, both with the current program. Kept apart from tools/plan.ts so
 * that the release commands depend only on the plan's building blocks.
 */
import { checkResources } from "../policy/rules";
import { diffRuns, resourcesOfReleases, unpublishedVersions } from "./plan-diff";
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from "./plan-diff-render";
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
    // A release marked unpublish is unprotected on purpose: the policy that protects prod exempts it.
    const unpublished = resourcesOfReleases(current.plan, unpublishedVersions(afterConfig.values));
    const violations = checkResources(current.recorded.map((r) => ({
        type: r.type, name: r.name, inputs: r.inputs, options: r.options, ...(unpublished.has(r.name) ? { unpublished: true } : {}),
    })), environment).map((v) => `[${v.policy}] ${v.resource}: ${v.message}`);
    const diff = diffRuns(old, current, environment);
    // A refusal of the diff (a protected resource deleted or replaced, public access revoked in prod)
    // stops the edit like a policy violation.
    violations.push(...diff.refusals.map((r) => `[refusal] ${r.resource}: ${r.reason}`));
    const text = options.format === "json" ? renderDiffJson(diff) : options.format === "markdown" ? renderDiffMarkdown(diff) : renderDiffText(diff);
    return { text, violations };
}
