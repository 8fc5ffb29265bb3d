import { Plan, PlanResource } from "./plan-run";

/** One changed resource: which of its fields differ. */
export interface ChangedResource {
    /** The type token. */
    type: string;
    /** The logical name. */
    name: string;
    /** Dotted paths of the inputs that differ, and "parent", "provider" or "dependsOn" when those do. */
    fields: string[];
}

/** What one plan adds, removes and changes against another. */
export interface PlanDiff {
    /** Resources only in the new plan. */
    added: PlanResource[];
    /** Resources only in the old plan. */
    removed: PlanResource[];
    /** Resources in both whose inputs, parent, provider or dependencies differ. */
    changed: ChangedResource[];
    /** Stack output paths that differ. */
    outputs: string[];
}

const key = (r: PlanResource) => `${r.type}::${r.name}`;

function differingPaths(a: unknown, b: unknown, path: string, into: string[]): void {
    if (JSON.stringify(a) === JSON.stringify(b)) {
        return;
    }
    const isMap = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
    if (isMap(a) && isMap(b)) {
        const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
        for (const k of [...keys].sort()) {
            differingPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k, into);
        }
        return;
    }
    into.push(path || "(root)");
}

/** Compares two plans of the same stack. */
export function diffPlans(before: Plan, after: Plan): PlanDiff {
    const old = new Map(before.resources.map((r) => [key(r), r]));
    const now = new Map(after.resources.map((r) => [key(r), r]));
    const added = after.resources.filter((r) => !old.has(key(r)));
    const removed = before.resources.filter((r) => !now.has(key(r)));
    const changed: ChangedResource[] = [];
    for (const r of after.resources) {
        const o = old.get(key(r));
        if (!o) {
            continue;
        }
        const fields: string[] = [];
        differingPaths(o.inputs, r.inputs, "", fields);
        for (const f of ["parent", "provider", "dependsOn"] as const) {
            if (JSON.stringify(o[f]) !== JSON.stringify(r[f])) {
                fields.push(f);
            }
        }
        if (fields.length > 0) {
            changed.push({ type: r.type, name: r.name, fields: fields.map((f) => (f === "(root)" ? "inputs" : f)) });
        }
    }
    const outputs: string[] = [];
    differingPaths(before.outputs, after.outputs, "", outputs);
    return { added, removed, changed, outputs };
}
