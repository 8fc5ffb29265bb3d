/**
 * Pure renderers of the stack outputs: Markdown tables in the shape of a distribution's wiki AMI
 * table (| Region | x86_64 | arm64 | per cloud, version and, when configured, variant), CSV, and a
 * flat JSON manifest. Outputs without variants render exactly as they did before variants existed.
 * The same input always renders to the same bytes: every list is sorted, nothing depends on locale, and
 * time only through the `now` the caller gives (a deprecation date after it reads as scheduled).
 */
import {
    Architecture, Cloud, StackOutputs, architectureOrder, cloudOrder, compareStrings, hasVariants, variantEntries, versionsNewestFirst,
} from "../components/outputs";

/** One image of the flat manifest. */
export interface ManifestEntry {
    /** The release version. */
    version: string;
    /** The cloud. */
    cloud: Cloud;
    /** The variant; absent for an entry without a variant level. */
    variant?: string;
    /** The architecture. */
    arch: Architecture;
    /** The region key: a region, "global" for GCP, "<cloud-name>/<region>" for OpenStack. */
    region: string;
    /** The image ID in that region. */
    id: string;
}

/** One table: the images of one release (and variant) in one cloud. */
export interface RegionTable {
    /** The release version. */
    version: string;
    /** The cloud. */
    cloud: Cloud;
    /** The variant; absent for an entry without a variant level. */
    variant?: string;
    /** The architectures that have images, in their listed order. */
    architectures: Architecture[];
    /** One row per region, sorted by region: the ID per architecture, absent where there is none. */
    rows: { region: string; ids: Partial<Record<Architecture, string>> }[];
}

/** How each cloud is titled in Markdown. */
export const cloudTitles: Record<Cloud, string> = {
    aws: "AWS",
    azure: "Azure",
    gcp: "GCP",
    alicloud: "Alibaba Cloud",
    openstack: "OpenStack",
};

/** The tables of the outputs, clouds in their listed order, newest release first within each cloud, then variants by name. */
export function regionTables(outputs: StackOutputs): RegionTable[] {
    const tables: RegionTable[] = [];
    for (const cloud of cloudOrder) {
        for (const version of versionsNewestFirst(outputs)) {
            for (const { variant, perArch } of variantEntries(outputs.images[version][cloud])) {
                const archs = architectureOrder.filter((a) => Object.keys(perArch[a] ?? {}).length > 0);
                if (archs.length === 0) {
                    continue;
                }
                const regions = [...new Set(archs.flatMap((a) => Object.keys(perArch[a] ?? {})))].sort(compareStrings);
                const rows = regions.map((region) => ({
                    region,
                    ids: Object.fromEntries(archs.flatMap((a) => {
                        const id = (perArch[a] as Record<string, string> | undefined)?.[region];
                        return id === undefined ? [] : [[a, id]];
                    })) as Partial<Record<Architecture, string>>,
                }));
                tables.push({ version, cloud, ...(variant !== undefined ? { variant } : {}), architectures: archs, rows });
            }
        }
    }
    return tables;
}

/** Every image as one entry: newest release first, then cloud, variant, architecture and region. */
export function manifestEntries(outputs: StackOutputs): ManifestEntry[] {
    const entries: ManifestEntry[] = [];
    for (const version of versionsNewestFirst(outputs)) {
        for (const cloud of cloudOrder) {
            for (const { variant, perArch } of variantEntries(outputs.images[version][cloud])) {
                for (const arch of architectureOrder) {
                    const ids = (perArch[arch] ?? {}) as Record<string, string>;
                    for (const region of Object.keys(ids).sort(compareStrings)) {
                        entries.push({ version, cloud, ...(variant !== undefined ? { variant } : {}), arch, region, id: ids[region] });
                    }
                }
            }
        }
    }
    return entries;
}

/** The flat JSON manifest, two-space indented, with a final newline. */
export function renderManifest(outputs: StackOutputs): string {
    return `${JSON.stringify(manifestEntries(outputs), null, 2)}\n`;
}

/** Escapes text for a GitHub-flavoured Markdown table cell. */
export function markdownText(text: string): string {
    return text.replace(/[\\`*_[\]<>|#~]/g, (c) => `\\${c}`).replace(/\r?\n/g, " ");
}

/** Text as a Markdown code span that survives any backticks in it, escaped for a table cell. */
export function markdownCode(text: string): string {
    const flat = text.replace(/\r?\n/g, " ");
    const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
    const fence = "`".repeat(longest + 1);
    const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
    return `${fence}${pad}${flat.replace(/\|/g, "\\|")}${pad}${fence}`;
}

/** "deprecated from DATE" once the date has come, "deprecation scheduled for DATE" before it; every date has come when `now` is absent. */
export function deprecationNote(date: string, now?: Date): string {
    const at = Date.parse(/T/.test(date) ? date : `${date}T00:00:00Z`);
    return now !== undefined && now.getTime() < at ? `deprecation scheduled for ${date}` : `deprecated from ${date}`;
}

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
    /** The day the page is made: a deprecation date after it reads as scheduled. */
    now?: Date;
}

/** The Azure community lines of one release and variant (`undefined`: the entry without a variant level). */
function communityLines(outputs: StackOutputs, version: string, variant: string | undefined): string[] {
    return variantEntries(outputs.community?.[version]?.azure)
        .filter((entry) => entry.variant === variant)
        .flatMap((entry) => architectureOrder.flatMap((arch) => {
            const id = entry.perArch[arch];
            const label = entry.variant !== undefined ? `${markdownText(entry.variant)}, ${arch}` : arch;
            return id === undefined ? [] : [`Community image (${label}): ${markdownCode(id)}`, ""];
        }));
}

/**
 * The Markdown page: one section per cloud, one | Region | x86_64 | arm64 | table per release and,
 * where the outputs have variants, one "Variant NAME" table per variant under the release.
 */
export function renderMarkdown(outputs: StackOutputs, options: MarkdownOptions = {}): string {
    const lines: string[] = ["# Images", ""];
    const tables = regionTables(outputs);
    if (tables.length === 0) {
        lines.push("No images are published.", "");
    }
    let cloud: Cloud | undefined;
    let version: string | undefined;
    tables.forEach((table, i) => {
        if (table.cloud !== cloud) {
            cloud = table.cloud;
            version = undefined;
            lines.push(`## ${cloudTitles[cloud]}`, "");
        }
        if (table.version !== version) {
            version = table.version;
            const deprecated = outputs.deprecated?.[table.version];
            lines.push(`### ${markdownText(table.version)}${deprecated ? ` (${markdownText(deprecationNote(deprecated, options.now))})` : ""}`, "");
        }
        if (table.variant !== undefined) {
            lines.push(`#### Variant ${markdownText(table.variant)}`, "");
        }
        lines.push(`| Region | ${table.architectures.join(" | ")} |`);
        lines.push(`| --- |${table.architectures.map(() => " --- |").join("")}`);
        for (const row of table.rows) {
            const cells = table.architectures.map((a) => {
                const id = row.ids[a];
                return id === undefined ? "—" : markdownCode(id);
            });
            lines.push(`| ${markdownText(row.region)} | ${cells.join(" | ")} |`);
        }
        lines.push("");
        if (table.cloud === "azure") {
            lines.push(...communityLines(outputs, table.version, table.variant));
            // Community IDs of a variant without an Azure table of its own still get listed, after the release's last table.
            const next = tables[i + 1];
            if (next?.cloud !== "azure" || next.version !== table.version) {
                const shown = new Set(tables.filter((t) => t.cloud === "azure" && t.version === table.version).map((t) => t.variant));
                lines.push(...variantEntries(outputs.community?.[table.version]?.azure)
                    .filter((entry) => !shown.has(entry.variant))
                    .flatMap((entry) => communityLines(outputs, table.version, entry.variant)));
            }
        }
    });
    return `${lines.join("\n").replace(/\n+$/, "")}\n`;
}

/** One CSV field as RFC 4180 wants it: quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
export function csvField(value: string): string {
    return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, "\"\"")}"` : value;
}

/**
 * The CSV table: version, cloud, region and a column per architecture, plus a variant column after
 * cloud when the outputs have variants; CRLF line ends (RFC 4180).
 */
export function renderCsv(outputs: StackOutputs): string {
    const variants = hasVariants(outputs);
    const header = ["version", "cloud", ...(variants ? ["variant"] : []), "region", ...architectureOrder];
    const rows = regionTables(outputs).flatMap((table) =>
        table.rows.map((row) => [table.version, table.cloud, ...(variants ? [table.variant ?? ""] : []), row.region, ...architectureOrder.map((a) => row.ids[a] ?? "")]));
    return [header, ...rows].map((fields) => `${fields.map(csvField).join(",")}\r\n`).join("");
}
