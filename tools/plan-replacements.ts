import table from "./plan-replacement-table.json";

/** What a provider does when an input of one resource type changes, and where that fact comes from. */
export interface ReplacementFacts {
    /** Top-level inputs whose change replaces the resource. */
    replaces: string[];
    /** Top-level inputs the provider's diff leaves alone: a change of them is no change, and the published value stays. */
    keeps?: string[];
    /** Top-level inputs whose change away from this old value the provider's diff leaves alone (the state keeps the old value). */
    keepsFrom?: Record<string, unknown>;
    /** Whether the provider deletes the old resource before it creates the new one. */
    deleteBeforeReplace?: boolean;
    /** The provider schema or source that says so. */
    source: string;
}

/** The committed table, by type token (tools/plan-replacement-table.json). */
export const replacementTable: Record<string, ReplacementFacts> = table.types;

/** The facts of a type; a type missing from the table is an error, so that no new type slips through unclassified. */
export function replacementFacts(type: string): ReplacementFacts {
    const facts = replacementTable[type];
    if (facts === undefined) {
        throw new Error(`${type} is not in tools/plan-replacement-table.json; add the inputs that force its replacement, with their source`);
    }
    return facts;
}

/** Whether a change at this input path (dotted, from the top-level input) replaces a resource of this type. */
export function replacesAt(type: string, path: string): boolean {
    const top = path.split(/[.[]/)[0];
    return replacementFacts(type).replaces.includes(top);
}

/**
 * Whether the provider of this type leaves a change at this input path alone (its diff reports no change):
 * always for a `keeps` input, and for a `keepsFrom` input when its old value is the one kept.
 */
export function keptAt(type: string, path: string, oldValue?: unknown): boolean {
    const top = path.split(/[.[]/)[0];
    const facts = replacementFacts(type);
    if ((facts.keeps ?? []).includes(top)) {
        return true;
    }
    return path === top && facts.keepsFrom !== undefined && top in facts.keepsFrom && facts.keepsFrom[top] === oldValue;
}
