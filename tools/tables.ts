/**
 * Renders the stack outputs' images as wiki tables.
 *
 *   ts-node --transpile-only tools/tables.ts [FILE|-] [--format markdown|csv|json] [--out DIR] [--previous FILE] [--now YYYY-MM-DD]
 *
 * Reads `pulumi stack output --json` (or the offline plan's JSON) from FILE, or stdin when FILE is
 * absent or "-". Without --out it prints the chosen format; with --out it writes images.md,
 * images.csv and images.json into DIR. With --previous, the releases of an earlier published outputs
 * file that the current outputs lack (retired releases, dropped from the stack and still public)
 * stay in the tables. In Markdown a deprecation date after --now (default today, UTC) reads as
 * scheduled. Exit codes: 0 done, 1 bad input, 2 bad usage.
 */
import * as path from "node:path";
import { CliIo, parseCommandLine, processIo, readOutputs } from "./tables-io";
import { renderCsv, renderManifest, renderMarkdown } from "./tables-render";
import { withRetiredReleases } from "./tables-merge";

export type { ManifestEntry, RegionTable } from "./tables-render";
export { csvField, manifestEntries, markdownCode, markdownText, regionTables, renderCsv, renderManifest, renderMarkdown } from "./tables-render";

/** The output formats, and the file each is written to under --out. */
export const formats = {
    markdown: { file: "images.md", render: renderMarkdown },
    csv: { file: "images.csv", render: renderCsv },
    json: { file: "images.json", render: renderManifest },
} as const;

/** A format name. */
export type Format = keyof typeof formats;

const usage = "usage: tables [FILE|-] [--format markdown|csv|json] [--out DIR] [--previous FILE] [--now YYYY-MM-DD]\n";

/** Runs the tool; resolves to the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
    const args = parseCommandLine("tables", usage, argv, {
        format: { type: "string", default: "markdown" },
        out: { type: "string" },
        previous: { type: "string" },
        now: { type: "string" },
    }, io);
    if (typeof args === "number") {
        return args;
    }
    const format = args.values.format as string;
    if (!(format in formats) || args.positionals.length > 1) {
        io.stderr(`tables: ${args.positionals.length > 1 ? "more than one input file" : `unknown format "${format}"`}\n${usage}`);
        return 2;
    }
    const today = new Date();
    const now = args.values.now !== undefined ? new Date(`${String(args.values.now)}T00:00:00Z`)
        : new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
    if (Number.isNaN(now.getTime()) || (args.values.now !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(args.values.now)))) {
        io.stderr(`tables: --now ${String(args.values.now)} is not a date; allowed: YYYY-MM-DD\n${usage}`);
        return 2;
    }
    let outputs;
    try {
        outputs = await readOutputs(args.positionals[0], io);
        if (args.values.previous !== undefined) {
            outputs = withRetiredReleases(outputs, await readOutputs(args.values.previous, io));
        }
    } catch (error) {
        io.stderr(`${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
    }
    const out = args.values.out;
    if (out === undefined) {
        io.stdout(formats[format as Format].render(outputs, { now }));
        return 0;
    }
    for (const { file, render } of Object.values(formats)) {
        const target = path.join(out, file);
        await io.writeFile(target, render(outputs, { now }));
        io.stdout(`wrote ${target}\n`);
    }
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2), processIo()).then(
        (code) => { process.exitCode = code; },
        (error: unknown) => {
            process.stderr.write(`tables: ${error instanceof Error ? error.message : String(error)}\n`);
            process.exitCode = 1;
        },
    );
}
