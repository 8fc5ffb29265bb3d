import { Plan, PlanResource } from "./plan-run";

/** The plan as the JSON that reviewers and tools read: `{stack, resources, outputs}`. */
export function renderJson(plan: Plan): string {
    return `${JSON.stringify(plan, null, 2)}\n`;
}

function summary(inputs: Record<string, unknown>, width = 160): string {
    const text = JSON.stringify(inputs);
    return text.length > width ? `${text.slice(0, width - 3)}...` : text;
}

function children(plan: Plan): Map<string | null, PlanResource[]> {
    const byParent = new Map<string | null, PlanResource[]>();
    const names = new Set(plan.resources.map((r) => r.name));
    for (const r of plan.resources) {
        const parent = r.parent !== null && names.has(r.parent) ? r.parent : null;
        byParent.set(parent, [...(byParent.get(parent) ?? []), r]);
    }
    return byParent;
}

/** The plan as an indented tree of components and their resources. */
export function renderTree(plan: Plan): string {
    const lines = [`Stack ${plan.stack}: ${plan.resources.length} resources`];
    const byParent = children(plan);
    const walk = (parent: string | null, depth: number) => {
        for (const r of byParent.get(parent) ?? []) {
            const indent = "  ".repeat(depth);
            const extra = [r.provider ? `provider=${r.provider}` : "", r.dependsOn.length ? `after ${r.dependsOn.join(", ")}` : ""]
                .filter(Boolean).join("; ");
            lines.push(`${indent}${r.type} ${r.name}${extra ? `  (${extra})` : ""}`);
            if (Object.keys(r.inputs).length > 0) {
                lines.push(`${indent}    ${summary(r.inputs)}`);
            }
            walk(r.name, depth + 1);
        }
    };
    walk(null, 0);
    lines.push("", "Outputs:", JSON.stringify(plan.outputs, null, 2));
    return `${lines.join("\n")}\n`;
}

function countsByType(resources: PlanResource[]): [string, number][] {
    const counts = new Map<string, number>();
    resources.forEach((r) => counts.set(r.type, (counts.get(r.type) ?? 0) + 1));
    return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** The plan as Markdown: counts by type, every resource, and the outputs. */
export function renderMarkdown(plan: Plan): string {
    const lines = [
        `## Offline plan of stack \`${plan.stack}\``, "",
        `${plan.resources.length} resources.`, "",
        "| Type | Count |", "| --- | ---: |",
        ...countsByType(plan.resources).map(([t, n]) => `| \`${t}\` | ${n} |`), "",
        "<details><summary>Every resource</summary>", "",
        "| Name | Type | Parent | Provider | Inputs |", "| --- | --- | --- | --- | --- |",
        ...plan.resources.map((r) => `| ${cell(r.name)} | \`${r.type}\` | ${cell(r.parent ?? "")} | ${cell(r.provider ?? "")} | \`${cell(summary(r.inputs, 120))}\` |`),
        "", "</details>", "",
        "### Outputs", "", "```json", JSON.stringify(plan.outputs, null, 2), "```",
    ];
    return `${lines.join("\n")}\n`;
}
