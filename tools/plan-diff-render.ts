import { PlanDiff, PropertyChange, Refusal, ResourceChange, ResourceOp } from "./plan-diff";

/** GitHub refuses an issue or pull-request comment longer than this (characters). */
export const githubCommentLimit = 65536;

/** Refusals listed one by one in the summary; beyond this the summary counts them by release and cloud. */
const listedRefusals = 40;

const ops: ResourceOp[] = ["create", "update", "replace", "delete"];
const sign: Record<ResourceOp, string> = { create: "+", update: "~", replace: "+-", delete: "-" };
const title: Record<ResourceOp, string> = { create: "To create", update: "To update", replace: "To replace", delete: "To delete" };

/** The release a resource belongs to, from its logical name (`release-<version>-...`), else "(stack)". */
export function releaseOf(name: string): string {
    const m = /^release-(\d+(?:\.\d+)+)(?:-|$)/.exec(name);
    return m ? m[1] : "(stack)";
}

/** The cloud of a type token: aws, azure, gcp, alicloud, openstack, or the project's own components. */
export function cloudOf(type: string): string {
    const dynamic = /^pulumi-nodejs:dynamic\/([^:]+):/.exec(type);
    const pkg = dynamic ? dynamic[1] : type.startsWith("pulumi:providers:") ? type.slice("pulumi:providers:".length) : type.split(":")[0];
    if (pkg === "image-publisher") {
        return "(components)";
    }
    return pkg === "azure-native" ? "azure" : pkg;
}

const value = (v: unknown) => (v === undefined ? "(absent)" : JSON.stringify(v));

function propertyLine(p: PropertyChange, op: ResourceOp): string {
    if (op === "create") {
        return `    ${p.path}: ${value(p.new)}`;
    }
    return `    ${p.path}: ${value(p.old)} → ${value(p.new)}${p.replaces ? "  [forces replacement]" : ""}`;
}

function resourceLines(r: ResourceChange): string[] {
    const forcing = r.properties.filter((p) => p.replaces).map((p) => p.path);
    const notes = [
        r.op === "replace" ? `replaced: ${forcing.join(", ")} ${forcing.length === 1 ? "forces" : "force"} it` : "",
        r.deleteFirst ? "deleteBeforeReplace: the old one is deleted before the new one exists" : "",
        r.protect ? "protected" : "",
        r.retained ? "dropped from the stack, left in the cloud: retained on delete" : "",
        r.unpublished ? "unpublished: deleted and revoked on purpose, as its release's unpublish: true asked" : "",
    ].filter(Boolean);
    return [`${sign[r.op]} ${r.type} ${r.name}${notes.length ? `  (${notes.join("; ")})` : ""}`, ...r.properties.map((p) => propertyLine(p, r.op))];
}

function countTable(diff: PlanDiff, md: boolean): string[] {
    const rows = new Map<string, Record<ResourceOp, number>>();
    for (const r of diff.resources) {
        const key = `${releaseOf(r.name)}\0${cloudOf(r.type)}`;
        const row = rows.get(key) ?? { create: 0, update: 0, replace: 0, delete: 0 };
        row[r.op] += 1;
        rows.set(key, row);
    }
    if (rows.size === 0) {
        return [];
    }
    const sorted = [...rows.entries()].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }));
    if (!md) {
        return ["By release and cloud (create / update / replace / delete):",
            ...sorted.map(([k, c]) => `  ${k.replace("\0", " ")}: ${ops.map((o) => c[o]).join(" / ")}`), ""];
    }
    return ["| Release | Cloud | Create | Update | Replace | Delete |", "| --- | --- | ---: | ---: | ---: | ---: |",
        ...sorted.map(([k, c]) => `| ${k.split("\0")[0]} | ${k.split("\0")[1]} | ${ops.map((o) => c[o]).join(" | ")} |`), ""];
}

function refusalLine(r: Refusal, md: boolean): string {
    return md ? `- \`${r.resource}\` (\`${r.type}\`): ${r.reason}` : `  - ${r.resource} (${r.type}): ${r.reason}`;
}

function refusalSummary(refusals: Refusal[], md: boolean): string[] {
    if (refusals.length === 0) {
        return [md ? "No refusals." : "No refusals.", ""];
    }
    const head = `${md ? "**" : ""}Refused: ${refusals.length} reason${refusals.length === 1 ? "" : "s"} why \`pulumi up\` must not run as this stands.${md ? "**" : ""}`;
    if (refusals.length <= listedRefusals) {
        return [head, "", ...refusals.map((r) => refusalLine(r, md)), ""];
    }
    // Too many to list in the summary: count them by release, cloud and what happens, and list them in the details.
    const counts = new Map<string, number>();
    for (const r of refusals) {
        const what = r.reason.startsWith("would be deleted") ? "deleted" : r.reason.startsWith("would be replaced") ? "replaced" : "made private";
        const key = `${releaseOf(r.resource)}\0${cloudOf(r.type)}\0${what}${/revoking|public/.test(r.reason) ? " (public access revoked)" : " (protected)"}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const rows = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true })).map(([k, n]) => k.split("\0").concat(String(n)));
    return [head, "",
        ...(md ? ["| Release | Cloud | What | Count |", "| --- | --- | --- | ---: |", ...rows.map((c) => `| ${c.join(" | ")} |`)]
            : rows.map((c) => `  ${c[0]} ${c[1]}: ${c[2]}: ${c[3]}`)),
        "", "Every refusal is listed below.", ""];
}

function exposureSummary(diff: PlanDiff, md: boolean): string[] {
    const counts = (names: string[]) => {
        const byRelease = new Map<string, number>();
        names.forEach((n) => byRelease.set(releaseOf(n), (byRelease.get(releaseOf(n)) ?? 0) + 1));
        return [...byRelease.entries()].map(([release, n]) => `${n} in ${release === "(stack)" ? "the stack" : `release ${release}`}`).join(", ");
    };
    const line = (what: string, names: string[]) => `${md ? "- " : "  "}${what}: ${names.length}${names.length > 0 ? ` (${counts(names)})` : ""}`;
    return ["Public exposure:", line("resources that make an image public, added", diff.exposureAdded),
        line("resources that made an image public, removed or made private", diff.exposureRemoved), ""];
}

const flags = (o: { protect: boolean; retainOnDelete: boolean }) => `protect ${o.protect}, retainOnDelete ${o.retainOnDelete}`;

/** What a change of protect and retainOnDelete means once applied. */
function lifecycleMeaning(o: { protect: boolean; retainOnDelete: boolean }): string {
    if (o.protect) {
        return "removing the entry is refused";
    }
    return o.retainOnDelete ? "removing the entry later drops it from the stack and leaves it in the cloud, public"
        : "removing the entry later deletes it and revokes public access";
}

/** Releases whose protection changes, and setting changes that published releases keep out of: both per release. */
function releaseSummary(diff: PlanDiff, md: boolean): string[] {
    const item = md ? "- " : "  ";
    const lines: string[] = [];
    if (diff.lifecycle.length > 0) {
        lines.push("Release lifecycle (applied in state by this change; nothing in the cloud changes now):",
            ...diff.lifecycle.map((l) => `${item}${l.release}: ${l.resources} resource${l.resources === 1 ? "" : "s"} from ${flags(l.old)} to ${flags(l.new)}: ${lifecycleMeaning(l.new)}`), "");
    }
    const removed = new Map<string, { retained: number; unpublished: number }>();
    for (const r of diff.resources.filter((x) => x.op === "delete" && (x.retained || x.unpublished))) {
        const key = releaseOf(r.name);
        const row = removed.get(key) ?? { retained: 0, unpublished: 0 };
        row[r.retained ? "retained" : "unpublished"] += 1;
        removed.set(key, row);
    }
    for (const [release, n] of removed) {
        if (n.retained > 0) {
            lines.push(`${item}release ${release}: ${n.retained} resources dropped from the stack, left in the cloud (retired: its images stay public)`);
        }
        if (n.unpublished > 0) {
            lines.push(`${item}release ${release}: ${n.unpublished} resources deleted and public access revoked, deliberately (unpublish: true)`);
        }
    }
    if (removed.size > 0) {
        lines.push("");
    }
    if (diff.kept.length > 0) {
        const byRelease = new Map<string, Set<string>>();
        const counts = new Map<string, number>();
        for (const k of diff.kept) {
            const paths = byRelease.get(k.release) ?? new Set<string>();
            k.properties.forEach((p) => paths.add(`${k.type.split(":").pop()}.${p.path}`));
            byRelease.set(k.release, paths);
            counts.set(k.release, (counts.get(k.release) ?? 0) + 1);
        }
        lines.push("Setting changes kept by existing releases; applies to new releases:",
            ...[...byRelease.entries()].map(([release, paths]) => `${item}${release}: ${counts.get(release)} resources keep ${[...paths].sort().join(", ")}`), "");
    }
    return lines;
}

/** The summary: never cut. */
function summary(diff: PlanDiff, md: boolean): string[] {
    const count = (op: ResourceOp) => diff.resources.filter((r) => r.op === op).length;
    const outs = (op: string) => diff.outputs.filter((o) => o.op === op).length;
    return [
        md ? `## Plan diff of stack \`${diff.stack}\`` : `Plan diff of stack ${diff.stack}`, "",
        ...refusalSummary(diff.refusals, md),
        `${count("create")} to create, ${count("update")} to update, ${count("replace")} to replace, ${count("delete")} to delete. ` +
        `Outputs: ${outs("added")} added, ${outs("removed")} removed, ${outs("changed")} changed.`, "",
        ...countTable(diff, md),
        ...releaseSummary(diff, md),
        ...exposureSummary(diff, md),
    ];
}

/** The details, one block per resource, in the order a reviewer needs them: refusals, replacements, deletions, updates, creations, outputs. */
function detailBlocks(diff: PlanDiff, md: boolean): { heading: string; blocks: string[][] }[] {
    const sections: { heading: string; blocks: string[][] }[] = [];
    if (diff.refusals.length > listedRefusals) {
        sections.push({ heading: `Refusals (${diff.refusals.length})`, blocks: diff.refusals.map((r) => [refusalLine(r, md)]) });
    }
    for (const op of ["replace", "delete", "update", "create"] as const) {
        const rs = diff.resources.filter((r) => r.op === op);
        if (rs.length > 0) {
            sections.push({ heading: `${title[op]} (${rs.length})`, blocks: rs.map(resourceLines) });
        }
    }
    if (diff.kept.length > 0) {
        sections.push({
            heading: `Kept by existing releases; applies to new releases (${diff.kept.length})`,
            blocks: diff.kept.map((k) => [`= ${k.type} ${k.name}  (${k.release})`,
                ...k.properties.map((p) => `    ${p.path}: ${value(p.old)} kept; new releases get ${value(p.new)}`)]),
        });
    }
    if (diff.outputs.length > 0) {
        const mark = { added: "+", removed: "-", changed: "~" } as const;
        sections.push({
            heading: `Outputs (${diff.outputs.length})`,
            blocks: diff.outputs.map((o) => [`${mark[o.op]} ${o.path}: ${o.op === "added" ? value(o.new) : o.op === "removed" ? value(o.old) : `${value(o.old)} → ${value(o.new)}`}`]),
        });
    }
    return sections;
}

/** The diff as plain text: everything, nothing folded or cut. */
export function renderDiffText(diff: PlanDiff): string {
    const lines = summary(diff, false);
    for (const s of detailBlocks(diff, false)) {
        lines.push(`${s.heading}:`, ...s.blocks.flat(), "");
    }
    return `${lines.join("\n")}\n`;
}

/**
 * The diff as a Markdown comment: the summary first and whole, then the details folded, cut with a
 * note where the comment would pass `limit` characters (GitHub's, by default).
 */
export function renderDiffMarkdown(diff: PlanDiff, limit = githubCommentLimit): string {
    const head = `${summary(diff, true).join("\n")}\n`;
    const cutNote = (shown: number, total: number) =>
        `\n_Details cut to fit GitHub's comment limit: ${shown} of ${total} entries shown. The full diff is in the workflow's artifact, or run \`npm run plan -- --stack ${diff.stack} --diff <base>\`._\n`;
    const sections = detailBlocks(diff, true);
    const total = sections.reduce((n, s) => n + s.blocks.length, 0);
    // Room for the closing fences and the note, whatever is cut.
    const reserve = cutNote(total, total).length + 64;
    let text = head;
    let shown = 0;
    for (const s of sections) {
        const open = `\n<details><summary>${s.heading}</summary>\n\n\`\`\`diff\n`;
        const close = "```\n\n</details>\n";
        if (text.length + open.length + close.length + reserve > limit) {
            break;
        }
        text += open;
        let complete = true;
        for (const block of s.blocks) {
            const chunk = `${block.join("\n").replace(/```/g, "`\u200b``")}\n`;
            if (text.length + chunk.length + close.length + reserve > limit) {
                complete = false;
                break;
            }
            text += chunk;
            shown += 1;
        }
        text += close;
        if (!complete) {
            break;
        }
    }
    if (shown < total) {
        text += cutNote(shown, total);
    }
    return text;
}

/** The diff as the README's JSON contract. */
export function renderDiffJson(diff: PlanDiff): string {
    const resources = diff.resources.map((r) => ({
        type: r.type, name: r.name, op: r.op, protect: r.protect, properties: r.properties,
        ...(r.retained ? { retained: true } : {}), ...(r.unpublished ? { unpublished: true } : {}),
    }));
    return `${JSON.stringify({ stack: diff.stack, refusals: diff.refusals, resources, outputs: diff.outputs, kept: diff.kept, lifecycle: diff.lifecycle }, null, 2)}\n`;
}
