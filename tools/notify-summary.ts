/**
 * The release summary a chat channel receives: per release, which clouds and architectures got
 * images in how many regions with a compact list of IDs, the community IDs, and the marketplace states;
 * each line names its variant when the outputs have one.
 * Plain text with `code` spans, which Mattermost and Slack both render.
 */
import {
    Cloud, CloudEntry, PerArch, StackOutputs, architectureOrder, cloudOrder, compareStrings, variantEntries, versionsNewestFirst,
} from "../components/outputs";
import { cloudTitles, deprecationNote } from "./tables-render";

export { deprecationNote } from "./tables-render";

/** Options of {@link renderSummary}. */
export interface SummaryOptions {
    /** The releases to describe; all of them, newest first, when absent. */
    versions?: string[];
    /** The first line of the message. */
    title?: string;
    /** How many regions an architecture lists by name before it says "and N more". */
    listLimit?: number;
    /** The time of the message: a deprecation date after it reads as scheduled; every date reads as passed when absent. */
    now?: Date;
}

/** Thrown when a requested release is not in the outputs. */
export class UnknownVersionError extends Error {
    constructor(version: string, known: string[]) {
        super(`release ${version} is not in the outputs; they have ${known.length === 0 ? "none" : known.join(", ")}`);
        this.name = "UnknownVersionError";
    }
}

/** `text` as an inline code span. */
function code(text: string): string {
    return `\`${text.replace(/`/g, "'")}\``;
}

/** The IDs of one architecture in a few words: one ID everywhere, a short list, or the first few and a count. */
export function compactIds(ids: Record<string, string>, listLimit: number): string {
    const regions = Object.keys(ids).sort(compareStrings);
    const distinct = new Set(regions.map((r) => ids[r]));
    if (regions.length === 1) {
        return `${code(ids[regions[0]])} (${regions[0]})`;
    }
    if (distinct.size === 1) {
        return `${code(ids[regions[0]])} (all ${regions.length} regions)`;
    }
    const shown = regions.slice(0, listLimit).map((r) => `${r} ${code(ids[r])}`).join(", ");
    const more = regions.length - Math.min(regions.length, listLimit);
    return more > 0 ? `${shown} and ${more} more` : shown;
}

/** " NAME" after a cloud's title for a variant, nothing for an entry without a variant level. */
function named(variant: string | undefined): string {
    return variant === undefined ? "" : ` ${variant}`;
}

/** The lines of one cloud (and variant) in one release, or none when it has no images. */
function cloudLines(perArch: PerArch<Record<string, string>>, cloud: Cloud, variant: string | undefined, listLimit: number): string[] {
    const archs = architectureOrder.filter((a) => Object.keys(perArch[a] ?? {}).length > 0);
    if (archs.length === 0) {
        return [];
    }
    const regions = new Set(archs.flatMap((a) => Object.keys(perArch[a] ?? {})));
    const where = cloud === "gcp" ? "global" : `${regions.size} region${regions.size === 1 ? "" : "s"}`;
    return [
        `- ${cloudTitles[cloud]}${named(variant)}: ${archs.join(", ")} in ${where}`,
        ...archs.map((a) => `  - ${a}: ${compactIds(perArch[a] ?? {}, listLimit)}`),
    ];
}

/** One marketplace's line: each variant's and architecture's listing, or none when it lists nothing. */
function marketplaceLine<L>(title: string, entry: CloudEntry<L> | undefined, describe: (listing: L) => string): string[] {
    const parts = variantEntries(entry).flatMap(({ variant, perArch }) => architectureOrder.flatMap((a) => {
        const l = perArch[a];
        return l ? [`${variant === undefined ? "" : `${variant} `}${a} ${describe(l)}`] : [];
    }));
    return entry ? [`- ${title}: ${parts.join("; ")}`] : [];
}

/** The marketplace and community lines of one release. */
function listingLines(outputs: StackOutputs, version: string): string[] {
    const lines: string[] = [];
    for (const { variant, perArch } of variantEntries(outputs.community?.[version]?.azure)) {
        for (const a of architectureOrder) {
            if (perArch[a]) {
                lines.push(`- Azure community${named(variant)} ${a}: ${code(perArch[a])}`);
            }
        }
    }
    lines.push(...marketplaceLine("AWS Marketplace", outputs.marketplace?.[version]?.aws,
        (l) => `${l.status} (${code(l.productId)}, change set ${code(l.changeSetId)})`));
    lines.push(...marketplaceLine("Azure Marketplace", outputs.marketplace?.[version]?.azure,
        (l) => `${l.state} (${code(`${l.offerId}/${l.planId}`)}, job ${l.status})`));
    return lines;
}

/** The summary message. Throws {@link UnknownVersionError} when a requested release is not in the outputs. */
export function renderSummary(outputs: StackOutputs, options: SummaryOptions = {}): string {
    const known = versionsNewestFirst(outputs);
    const versions = options.versions ?? known;
    for (const v of versions) {
        if (!known.includes(v)) {
            throw new UnknownVersionError(v, known);
        }
    }
    const listLimit = options.listLimit ?? 3;
    const lines = [`${options.title ?? "Image release"}: ${versions.length === 0 ? "no releases" : versions.join(", ")}`];
    for (const version of versions) {
        const deprecated = outputs.deprecated?.[version];
        lines.push("", `${version}${deprecated ? ` (${deprecationNote(deprecated, options.now)})` : ""}`);
        const body = [
            ...cloudOrder.flatMap((c) => variantEntries(outputs.images[version][c]).flatMap(({ variant, perArch }) => cloudLines(perArch, c, variant, listLimit))),
            ...listingLines(outputs, version),
        ];
        lines.push(...(body.length > 0 ? body : ["- no images"]));
    }
    return lines.join("\n");
}
