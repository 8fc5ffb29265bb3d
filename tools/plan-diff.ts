import { Plan, PlanResource, PlanRun } from "./plan-run";
import { keptAt, replacementFacts, replacesAt } from "./plan-replacements";
import { Environment, publicExposure } from "../policy/rules";
import { mockId } from "./mocks";
import { mockState } from "./mock-state";

/** What the engine would do to one resource. */
export type ResourceOp = "create" | "update" | "replace" | "delete";

/** One input that differs, with both values; `undefined` on a side prints as absent. */
export interface PropertyChange {
    /** The dotted path of the input, or "parent" / "provider" / "dependsOn". */
    path: string;
    /** The value before (absent when the resource is new or the input was not set). */
    old?: unknown;
    /** The value after (absent when the resource goes or the input is no longer set). */
    new?: unknown;
    /** Whether this change alone makes the provider replace the resource. */
    replaces: boolean;
}

/** One resource the diff touches. */
export interface ResourceChange {
    /** The type token. */
    type: string;
    /** The logical name. */
    name: string;
    /** What the engine would do. */
    op: ResourceOp;
    /** Whether the resource is protected (before, for a delete or replace; after, for a create). */
    protect: boolean;
    /** The inputs that differ; for a create every input, for a delete none. */
    properties: PropertyChange[];
    /** For a replace: whether the old resource goes before the new one exists (not in the JSON contract). */
    deleteFirst?: boolean;
    /** For a delete: the resource was retained on delete, so it only leaves the stack and stays in the cloud. */
    retained?: boolean;
    /** For a delete: its release was marked `unpublish: true`, so deleting and revoking it is deliberate. */
    unpublished?: boolean;
}

/** Changes the engine ignores on one resource of a release: it keeps what it was published with. */
export interface KeptChange {
    /** The release component's logical name, such as release-1577.2. */
    release: string;
    /** The type token. */
    type: string;
    /** The logical name. */
    name: string;
    /** The ignored inputs, with the value kept and the value a new release would get. */
    properties: { path: string; old?: unknown; new?: unknown }[];
}

/** A change of protect and retainOnDelete on resources of one release, such as `retire: true` applied. */
export interface LifecycleChange {
    /** The release component's logical name. */
    release: string;
    /** The options before. */
    old: { protect: boolean; retainOnDelete: boolean };
    /** The options after. */
    new: { protect: boolean; retainOnDelete: boolean };
    /** How many resources of the release change so. */
    resources: number;
}

/** One stack output path that differs. */
export interface OutputChange {
    /** The dotted path in the outputs. */
    path: string;
    /** Whether the path is new, gone or has another value. */
    op: "added" | "removed" | "changed";
    /** The value before. */
    old?: unknown;
    /** The value after. */
    new?: unknown;
}

/** Why `pulumi up` must not run as the diff stands. */
export interface Refusal {
    /** The resource's logical name. */
    resource: string;
    /** Its type token. */
    type: string;
    /** What is wrong, in a sentence. */
    reason: string;
}

/** The diff of two plans of one stack: the README's JSON contract, plus what the renderings need. */
export interface PlanDiff {
    /** The stack. */
    stack: string;
    /** Why this change must not be applied, first. */
    refusals: Refusal[];
    /** Every resource created, updated, replaced or deleted, in plan order (deletes last). */
    resources: ResourceChange[];
    /** Every stack output path added, removed or changed. */
    outputs: OutputChange[];
    /** Resources that make an image public after the change and did not before (not in the JSON contract). */
    exposureAdded: string[];
    /** Resources that made an image public before the change and do not after (not in the JSON contract). */
    exposureRemoved: string[];
    /** Stack-wide setting changes that existing releases keep out of (ignoreChanges) and new releases take. */
    kept: KeptChange[];
    /** Releases whose resources change protect or retainOnDelete. */
    lifecycle: LifecycleChange[];
}

/** Options of the new plan's resources that decide what the engine does; not part of the printed plan. */
export interface EngineOptions {
    /** Input paths whose changes the engine ignores. */
    ignoreChanges?: string[];
    /** Whether a replacement deletes before it creates. */
    deleteBeforeReplace?: boolean;
}

/** What the diff needs beyond the two plans. */
export interface DiffContext {
    /** The stack's environment: revoking public access is refused in prod only. */
    environment: Environment;
    /** The engine options of the new plan's resources, by `type::name`. */
    options?: Map<string, EngineOptions>;
}

/** The key of a resource in both plans. */
export const resourceKey = (r: { type: string; name: string }) => `${r.type}::${r.name}`;

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Leaf paths that differ, with both values; a key only on one side is reported whole. */
function differences(a: unknown, b: unknown, path: string, into: { path: string; old?: unknown; new?: unknown }[]): void {
    if (same(a, b)) {
        return;
    }
    if (isMap(a) && isMap(b)) {
        const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
        for (const k of [...keys].sort()) {
            differences(a[k], b[k], path ? `${path}.${k}` : k, into);
        }
        return;
    }
    into.push({ path: path || "(root)", ...(a === undefined ? {} : { old: a }), ...(b === undefined ? {} : { new: b }) });
}

/** An input path such as `ebsBlockDevices[0].volumeSize` as keys and indexes. */
function segments(path: string): (string | number)[] {
    return path.split(".").flatMap((part) => {
        const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
        if (!m) {
            return [part];
        }
        const indexes = [...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
        return [...(m[1] ? [m[1]] : []), ...indexes];
    });
}

/** The value at an input path, or undefined. */
function valueAt(inputs: unknown, path: string): unknown {
    let v: unknown = inputs;
    for (const k of segments(path)) {
        if (v === null || typeof v !== "object") {
            return undefined;
        }
        v = (v as Record<string | number, unknown>)[k];
    }
    return v;
}

/** A copy of the inputs without the values at these paths, as the engine compares them. */
function withoutPaths(inputs: Record<string, unknown>, paths: string[]): Record<string, unknown> {
    const copy = JSON.parse(JSON.stringify(inputs)) as Record<string, unknown>;
    for (const path of paths.filter((p) => p !== "*")) {
        const keys = segments(path);
        let v: unknown = copy;
        for (const k of keys.slice(0, -1)) {
            v = v !== null && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined;
        }
        if (v !== null && typeof v === "object") {
            delete (v as Record<string | number, unknown>)[keys[keys.length - 1]];
        }
    }
    return copy;
}

/** For each resource of a plan, the logical name of the Release component above it, if any. */
export function releasesOf(plan: Plan): Map<string, string> {
    const byName = new Map(plan.resources.map((r) => [r.name, r]));
    const result = new Map<string, string>();
    for (const r of plan.resources) {
        for (let p: PlanResource | undefined = r; p !== undefined; p = p.parent === null ? undefined : byName.get(p.parent)) {
            if (p.type === releaseType) {
                result.set(r.name, p.name);
                break;
            }
        }
    }
    return result;
}

/** The resources of a plan whose release is one of these versions (stacks/program.ts names each release-<version>). */
export function resourcesOfReleases(plan: Plan, versions: string[]): Set<string> {
    const wanted = new Set(versions.map((v) => `release-${v}`));
    return new Set([...releasesOf(plan).entries()].filter(([, release]) => wanted.has(release)).map(([name]) => name));
}

/** The versions of the config's release entries marked `unpublish: true`, from the values the CLI hands the program. */
export function unpublishedVersions(values: Record<string, string>): string[] {
    try {
        const releases = JSON.parse(values["image-publisher:releases"] ?? "[]") as { version?: unknown; unpublish?: unknown }[];
        return Array.isArray(releases) ? releases.filter((r) => r?.unpublish === true).map((r) => String(r.version)) : [];
    } catch {
        return [];
    }
}

/** The type token of the component of one release. */
export const releaseType = "image-publisher:index:Release";

/** Whether a type token is one of the program's own components, which the engine does not create in a cloud. */
const isComponent = (type: string) => type.startsWith("image-publisher:");

/** Whether the engine ignores changes at this path: an ignoreChanges entry equal to it or above it, or "*". */
function ignored(path: string, ignoreChanges: string[] | undefined): boolean {
    return (ignoreChanges ?? []).some((p) => p === "*" || path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
}

/** Every input of a new resource, as changes from nothing. */
function creation(r: PlanResource): PropertyChange[] {
    return Object.keys(r.inputs).sort().map((k) => ({ path: k, new: r.inputs[k], replaces: false }));
}

function exposure(r: PlanResource): string | undefined {
    return publicExposure({ type: r.type, name: r.name, inputs: r.inputs, options: {} });
}

/** The strings by which other resources refer to this one: its ID and the outputs a provider computes (ARN, selfLink, URL). */
function identities(r: PlanResource): string[] {
    const computed = Object.entries(mockState(r.type, r.name, r.inputs))
        .filter(([k, v]) => typeof v === "string" && v.length >= 8 && r.inputs[k] !== v).map(([, v]) => v as string);
    return [mockId(r.type, r.name, r.inputs), ...computed];
}

/** Input paths of a resource whose values carry one of these identities. */
function referring(inputs: unknown, ids: string[], path: string, into: { path: string; value: unknown }[]): void {
    if (typeof inputs === "string") {
        if (ids.some((id) => inputs.includes(id))) {
            into.push({ path, value: inputs });
        }
    } else if (Array.isArray(inputs)) {
        inputs.forEach((v, i) => referring(v, ids, `${path}[${i}]`, into));
    } else if (isMap(inputs)) {
        Object.keys(inputs).sort().forEach((k) => referring(inputs[k], ids, path ? `${path}.${k}` : k, into));
    }
}

/** Compares two plan runs as the plan command does: the new run's deleteBeforeReplace and ignoreChanges decide what the engine does. */
export function diffRuns(before: PlanRun, after: PlanRun, environment: Environment): PlanDiff {
    const options = new Map(after.recorded.map((r) => [resourceKey(r), { ignoreChanges: r.options.ignoreChanges, deleteBeforeReplace: r.options.deleteBeforeReplace }]));
    return diffPlans(before.plan, after.plan, { environment, options });
}

/** Compares two plans of the same stack as the engine would: create, update, replace or delete, and why it must not run. */
export function diffPlans(before: Plan, after: Plan, context: DiffContext): PlanDiff {
    const old = new Map(before.resources.map((r) => [resourceKey(r), r]));
    const now = new Map(after.resources.map((r) => [resourceKey(r), r]));
    const resources: ResourceChange[] = [];
    const refusals: Refusal[] = [];
    const refuse = (r: PlanResource, reason: string) => refusals.push({ resource: r.name, type: r.type, reason });
    const kept: KeptChange[] = [];
    const lifecycle: LifecycleChange[] = [];
    const afterReleases = releasesOf(after);
    const beforeReleases = releasesOf(before);
    const ignoreOf = (r: PlanResource) => [...new Set([...(r.ignoreChanges ?? []), ...(context.options?.get(resourceKey(r))?.ignoreChanges ?? [])])];
    // A prod release whose every resource was unprotected and not retained was marked `unpublish: true`
    // (a published prod release is protected whole, a retired one retained whole: components/lifecycle.ts).
    const unpublishedReleases = new Set<string>();
    if (context.environment === "prod") {
        const custom = before.resources.filter((r) => !isComponent(r.type) && beforeReleases.has(r.name));
        for (const release of new Set(custom.map((r) => beforeReleases.get(r.name) as string))) {
            if (custom.filter((r) => beforeReleases.get(r.name) === release).every((r) => !r.protect && !r.retainOnDelete)) {
                unpublishedReleases.add(release);
            }
        }
    }

    // What differs in each resource that stays, as the engine sees it (ignoreChanges honoured, and what
    // the provider's own diff leaves alone left out).
    const changes = new Map<string, PropertyChange[]>();
    for (const r of after.resources) {
        const o = old.get(resourceKey(r));
        if (!o) {
            continue;
        }
        const ignoreChanges = ignoreOf(r);
        const found: { path: string; old?: unknown; new?: unknown }[] = [];
        differences(withoutPaths(o.inputs, ignoreChanges), withoutPaths(r.inputs, ignoreChanges), "", found);
        const properties: PropertyChange[] = found
            .filter((p) => !ignored(p.path, ignoreChanges) && !keptAt(r.type, p.path, p.old))
            .map((p) => ({ ...p, replaces: replacesAt(r.type, p.path) }));
        // An input this resource ignored before and no longer does (its release now says reapplySettings)
        // is what it was published with in the cloud, which the offline plan cannot know: where it
        // forces replacement, the replacement is shown, so that a reviewer decides.
        for (const path of (o.ignoreChanges ?? []).filter((p) => p !== "*" && !ignoreChanges.includes(p) && replacesAt(r.type, p))) {
            if (!properties.some((p) => p.path === path || p.path === path.split(/[.[]/)[0]) && valueAt(r.inputs, path) !== undefined) {
                properties.push({ path, old: "[as published: unknown offline]", new: valueAt(r.inputs, path), replaces: true });
            }
        }
        const release = afterReleases.get(r.name);
        const held = ignoreChanges.filter((p) => p !== "*" && !same(valueAt(o.inputs, p), valueAt(r.inputs, p)));
        if (release !== undefined && held.length > 0) {
            kept.push({
                release, type: r.type, name: r.name,
                properties: held.map((p) => ({ path: p, ...(valueAt(o.inputs, p) === undefined ? {} : { old: valueAt(o.inputs, p) }), ...(valueAt(r.inputs, p) === undefined ? {} : { new: valueAt(r.inputs, p) }) })),
            });
        }
        if (release !== undefined && !isComponent(r.type) && (o.protect !== r.protect || o.retainOnDelete !== r.retainOnDelete)) {
            const from = { protect: o.protect, retainOnDelete: o.retainOnDelete };
            const to = { protect: r.protect, retainOnDelete: r.retainOnDelete };
            const entry = lifecycle.find((l) => l.release === release && same(l.old, from) && same(l.new, to));
            if (entry) {
                entry.resources += 1;
            } else {
                lifecycle.push({ release, old: from, new: to, resources: 1 });
            }
        }
        // A new parent changes the URN, so the engine creates the resource anew and deletes the old one;
        // so does a move to another provider.
        for (const field of ["parent", "provider"] as const) {
            if (o[field] !== r[field]) {
                properties.push({ path: field, old: o[field], new: r[field], replaces: true });
            }
        }
        changes.set(resourceKey(r), properties);
    }
    // A resource that keeps an ignored input keeps the outputs made from it (a blob keeps its URL, an
    // image its name). The mock runtime computes outputs from the new inputs, so a dependent's
    // replace-forcing input that differs only by such a kept value (the version's blob URL, the IAM
    // member's image name) is the same to the engine: kept too, not a replacement. Inputs that update
    // in place, such as tags, come from config directly and stay changes.
    const keptValues = new Map<string, [string, string][]>();
    for (const k of kept) {
        keptValues.set(k.name, k.properties.filter((p) => typeof p.old === "string" && typeof p.new === "string" && p.old !== "")
            .map((p) => [p.old as string, p.new as string]));
    }
    for (let pass = 0; pass < 4 && keptValues.size > 0; pass++) {
        for (const r of after.resources) {
            const properties = changes.get(resourceKey(r));
            const pairs = r.dependsOn.flatMap((d) => keptValues.get(d) ?? []);
            if (!properties || pairs.length === 0) {
                continue;
            }
            const follows = (p: PropertyChange) => p.replaces && typeof p.old === "string" && typeof p.new === "string" &&
                pairs.some(([from, to]) => (p.old as string).includes(from) && (p.old as string).split(from).join(to) === p.new);
            const held = properties.filter(follows);
            if (held.length === 0) {
                continue;
            }
            changes.set(resourceKey(r), properties.filter((p) => !follows(p)));
            const release = afterReleases.get(r.name);
            if (release !== undefined) {
                kept.push({ release, type: r.type, name: r.name, properties: held.map((p) => ({ path: p.path, old: p.old, new: p.new })) });
            }
            keptValues.set(r.name, [...(keptValues.get(r.name) ?? []), ...held.map((p): [string, string] => [p.old as string, p.new as string])]);
        }
    }
    // A replaced resource gets a new ID: every input that refers to it changes too, and may replace
    // its holder in turn (a new snapshot replaces the AMI, which replaces its copies and grants).
    // The mock runtime's IDs come from names and cannot show this, so it is followed here.
    const replaced = (key: string) => (changes.get(key) ?? []).some((p) => p.replaces);
    let frontier = after.resources.filter((r) => replaced(resourceKey(r)));
    const done = new Set<string>();
    while (frontier.length > 0) {
        const next: PlanResource[] = [];
        for (const source of frontier) {
            done.add(resourceKey(source));
            const ids = identities(old.get(resourceKey(source)) ?? source);
            for (const r of after.resources) {
                const key = resourceKey(r);
                if (!r.dependsOn.includes(source.name) || !changes.has(key)) {
                    continue;
                }
                const found: { path: string; value: unknown }[] = [];
                referring(old.get(key)?.inputs, ids, "", found);
                const properties = changes.get(key) as PropertyChange[];
                const was = replaced(key);
                for (const f of found.filter((x) => !ignored(x.path, ignoreOf(r)) && !properties.some((p) => p.path === x.path))) {
                    properties.push({ path: f.path, old: f.value, new: `[known after ${source.name} is replaced]`, replaces: replacesAt(r.type, f.path) });
                }
                if (!was && replaced(key) && !done.has(key)) {
                    next.push(r);
                }
            }
        }
        frontier = next;
    }

    for (const r of after.resources) {
        const o = old.get(resourceKey(r));
        if (!o) {
            resources.push({ type: r.type, name: r.name, op: "create", protect: r.protect, properties: creation(r) });
            continue;
        }
        const properties = changes.get(resourceKey(r)) ?? [];
        if (properties.length === 0) {
            continue;
        }
        const options = context.options?.get(resourceKey(r)) ?? {};
        const replace = properties.some((p) => p.replaces);
        const protect = o.protect || r.protect;
        const first = replace && (options.deleteBeforeReplace ?? replacementFacts(r.type).deleteBeforeReplace ?? false);
        resources.push({
            type: r.type, name: r.name, op: replace ? "replace" : "update", protect: replace ? protect : r.protect, properties, ...(first ? { deleteFirst: true } : {}),
        });
        if (replace) {
            const inputs = properties.filter((p) => p.replaces).map((p) => p.path).join(", ");
            if (protect) {
                refuse(r, `would be replaced (${inputs} changes)${first ? ", deleting it first" : ""}, and it is protected: pulumi up fails on it`);
            }
            if (context.environment === "prod" && exposure(o) !== undefined && (first || exposure(r) === undefined)) {
                refuse(r, `would be replaced (${inputs} changes)${first ? ", deleting it first" : ""}, revoking public access (${exposure(o)}) in prod`);
            }
        } else if (context.environment === "prod" && exposure(o) !== undefined && exposure(r) === undefined) {
            refuse(r, `would stop being public (${exposure(o)}) in prod: users who launch it lose access`);
        }
    }
    for (const o of before.resources) {
        if (now.has(resourceKey(o))) {
            continue;
        }
        const release = beforeReleases.get(o.name);
        const unpublished = release !== undefined && !isComponent(o.type) && unpublishedReleases.has(release);
        resources.push({
            type: o.type, name: o.name, op: "delete", protect: o.protect, properties: [],
            ...(o.retainOnDelete ? { retained: true } : {}), ...(unpublished ? { unpublished: true } : {}),
        });
        if (o.protect) {
            refuse(o, `would be deleted, and it is protected: pulumi up fails on it${o.retainOnDelete ? "" : " (and without protection it would be deleted from the cloud)"}`);
        }
        // Retained, it stays public; unpublished, revoking it is what the reviewed `unpublish: true` asked for.
        if (context.environment === "prod" && exposure(o) !== undefined && !o.retainOnDelete && !unpublished) {
            refuse(o, `would be deleted, revoking public access (${exposure(o)}) in prod`);
        }
    }
    const exposureAdded = after.resources.filter((r) => exposure(r) !== undefined)
        .filter((r) => { const o = old.get(resourceKey(r)); return o === undefined || exposure(o) === undefined; }).map((r) => r.name);
    const exposureRemoved = before.resources.filter((o) => exposure(o) !== undefined)
        .filter((o) => { const r = now.get(resourceKey(o)); return r === undefined ? !o.retainOnDelete : exposure(r) === undefined; }).map((o) => o.name);
    const outputs: OutputChange[] = [];
    const found: { path: string; old?: unknown; new?: unknown }[] = [];
    differences(before.outputs, after.outputs, "", found);
    for (const f of found) {
        const op = !("old" in f) ? "added" : !("new" in f) ? "removed" : "changed";
        outputs.push({ path: f.path, op, ...("old" in f ? { old: f.old } : {}), ...("new" in f ? { new: f.new } : {}) });
    }
    return { stack: after.stack, refusals, resources, outputs, exposureAdded, exposureRemoved, kept, lifecycle };
}
