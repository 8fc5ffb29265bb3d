/**
 * The release summary a chat channel receives: per release, which clouds and architectures got
 * images in how many regions with a compact list of IDs, the community IDs, and the marketplace states.
 * Plain text with `code` spans, which Mattermost and Slack both render.
 */
import {
    Architecture, Cloud, StackOutputs, architectureOrder, cloudOrder, compareStrings, versionsNewestFirst,
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

/** The lines of one cloud in one release, or none when it has no images. */
function cloudLines(perArch: Partial<Record<Architecture, Record<string, string>>>, cloud: Cloud, listLimit: number): string[] {
    const archs = architectureOrder.filter((a) => Object.keys(perArch[a] ?? {}).length > 0);
    if (archs.length === 0) {
        return [];
    }
    const regions = new Set(archs.flatMap((a) => Object.keys(perArch[a] ?? {})));
    const where = cloud === "gcp" ? "global" : `${regions.size} region${regions.size === 1 ? "" : "s"}`;
    return [
        `- ${cloudTitles[cloud]}: ${archs.join(", ")} in ${where}`,
        ...archs.map((a) => `  - ${a}: ${compactIds(perArch[a] ?? {}, listLimit)}`),
    ];
}

/** The marketplace and community lines of one release. */
function listingLines(outputs: StackOutputs, version: string): string[] {
    const lines: string[] = [];
    const community = outputs.community?.[version]?.azure;
    if (community) {
        for (const a of architectureOrder) {
            if (community[a]) {
                lines.push(`- Azure community ${a}: ${code(community[a])}`);
            }
        }
    }
    const aws = outputs.marketplace?.[version]?.aws;
    if (aws) {
        const parts = architectureOrder.flatMap((a) => {
            const l = aws[a];
            return l ? [`${a} ${l.status} (${code(l.productId)}, change set ${code(l.changeSetId)})`] : [];
        });
        lines.push(`- AWS Marketplace: ${parts.join("; ")}`);
    }
    const azure = outputs.marketplace?.[version]?.azure;
    if (azure) {
        const parts = architectureOrder.flatMap((a) => {
            const l = azure[a];
            return l ? [`${a} ${l.state} (${code(`${l.offerId}/${l.planId}`)}, job ${l.status})`] : [];
        });
        lines.push(`- Azure Marketplace: ${parts.join("; ")}`);
    }
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
            ...cloudOrder.flatMap((c) => cloudLines((outputs.images[version][c] ?? {}) as Partial<Record<Architecture, Record<string, string>>>, c, listLimit)),
            ...listingLines(outputs, version),
        ];
        lines.push(...(body.length > 0 ? body : ["- no images"]));
    }
    return lines.join("\n");
}
