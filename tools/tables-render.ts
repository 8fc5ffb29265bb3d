/**
 * Pure renderers of the stack outputs: Markdown tables in the shape of a distribution's wiki AMI
 * table (| Region | x86_64 | arm64 | per cloud and version), CSV, and a flat JSON manifest.
 * The same input always renders to the same bytes: every list is sorted, nothing depends on locale, and
 * time only through the `now` the caller gives (a deprecation date after it reads as scheduled).
 */
import {
    Architecture, Cloud, StackOutputs, architectureOrder, cloudOrder, compareStrings, versionsNewestFirst,
} from "../components/outputs";

/** One image of the flat manifest. */
export interface ManifestEntry {
    /** The release version. */
    version: string;
    /** The cloud. */
    cloud: Cloud;
    /** The architecture. */
    arch: Architecture;
    /** The region key: a region, "global" for GCP, "<cloud-name>/<region>" for OpenStack. */
    region: string;
    /** The image ID in that region. */
    id: string;
}

/** One table: the images of one release in one cloud. */
export interface RegionTable {
    /** The release version. */
    version: string;
    /** The cloud. */
    cloud: Cloud;
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

/** The tables of the outputs, clouds in their listed order, newest release first within each cloud. */
export function regionTables(outputs: StackOutputs): RegionTable[] {
    const tables: RegionTable[] = [];
    for (const cloud of cloudOrder) {
        for (const version of versionsNewestFirst(outputs)) {
            const perArch = outputs.images[version][cloud] ?? {};
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
            tables.push({ version, cloud, architectures: archs, rows });
        }
    }
    return tables;
}

/** Every image as one entry: newest release first, then cloud, architecture and region. */
export function manifestEntries(outputs: StackOutputs): ManifestEntry[] {
    const entries: ManifestEntry[] = [];
    for (const version of versionsNewestFirst(outputs)) {
        for (const cloud of cloudOrder) {
            const perArch = outputs.images[version][cloud] ?? {};
            for (const arch of architectureOrder) {
                const ids = (perArch[arch] ?? {}) as Record<string, string>;
                for (const region of Object.keys(ids).sort(compareStrings)) {
                    entries.push({ version, cloud, arch, region, id: ids[region] });
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

/** The Markdown page: one section per cloud, one | Region | x86_64 | arm64 | table per release. */
export function renderMarkdown(outputs: StackOutputs, options: MarkdownOptions = {}): string {
    const lines: string[] = ["# Images", ""];
    const tables = regionTables(outputs);
    if (tables.length === 0) {
        lines.push("No images are published.", "");
    }
    let cloud: Cloud | undefined;
    for (const table of tables) {
        if (table.cloud !== cloud) {
            cloud = table.cloud;
            lines.push(`## ${cloudTitles[cloud]}`, "");
        }
        const deprecated = outputs.deprecated?.[table.version];
        lines.push(`### ${markdownText(table.version)}${deprecated ? ` (${markdownText(deprecationNote(deprecated, options.now))})` : ""}`, "");
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
        const community = table.cloud === "azure" ? outputs.community?.[table.version]?.azure : undefined;
        for (const arch of architectureOrder) {
            const id = community?.[arch];
            if (id !== undefined) {
                lines.push(`Community image (${arch}): ${markdownCode(id)}`, "");
            }
        }
    }
    return `${lines.join("\n").replace(/\n+$/, "")}\n`;
}

/** One CSV field as RFC 4180 wants it: quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
export function csvField(value: string): string {
    return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, "\"\"")}"` : value;
}

/** The CSV table: version, cloud, region and a column per architecture; CRLF line ends (RFC 4180). */
export function renderCsv(outputs: StackOutputs): string {
    const header = ["version", "cloud", "region", ...architectureOrder];
    const rows = regionTables(outputs).flatMap((table) =>
        table.rows.map((row) => [table.version, table.cloud, row.region, ...architectureOrder.map((a) => row.ids[a] ?? "")]));
    return [header, ...rows].map((fields) => `${fields.map(csvField).join(",")}\r\n`).join("");
}
