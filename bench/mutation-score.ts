/**
 * The mutation score of the last Stryker runs (`npm run mutate`), read from their JSON reports
 * (reports/mutation/*.json, mutation-testing-report-schema: mutation.json for a run over everything,
 * <area>.json for a run of one MUTATE_AREA; where two reports hold the same file, the newer one
 * counts). The score is Stryker's:
 * killed and timed-out mutants over those plus the survivors and the mutants no test reaches;
 * ignored mutants and ones that do not compile do not count.
 */
import * as fs from "fs";
import * as path from "path";

/** One area's mutants. */
export interface MutationArea {
    /** The area's name. */
    name: string;
    /** How many files of the area the report holds: a run may mutate only some. */
    files: number;
    /** Killed or timed out. */
    detected: number;
    /** Survived or not covered. */
    undetected: number;
    /** detected / (detected + undetected), in percent; undefined when there is no mutant. */
    score?: number;
}

/** The reports' date and the score of each area, or undefined when there is no report. */
export interface MutationScore {
    /** The report files read. */
    report: string;
    /** When the newest report was written. */
    modified: string;
    /** Each area. */
    areas: MutationArea[];
}

interface ReportMutant { status: string }
interface Report { files: Record<string, { mutants: ReportMutant[] }> }

const detectedStatuses = new Set(["Killed", "Timeout"]);
const undetectedStatuses = new Set(["Survived", "NoCoverage"]);

/** The areas the issue sets targets for: the components, their config, and the dynamic providers. */
export const mutationAreas: Record<string, RegExp> = {
    "components/": /^components\//,
    "components/config/": /^components\/config\//,
    // The code that runs inside a dynamic provider: the providers, their API clients, the VHD copier
    // and the staging copy (components/staging/ is the StagedArtifact provider and what it calls).
    "dynamic providers": /^components\/(dynamic\/|.*-provider\.ts$|staging\/|azure\/vhd-|alicloud\/(import-image|community-share|ecs-client)\.ts$|gcp\/compute-client\.ts$|aws\/marketplace-|azure\/partner-center-client\.ts$)/,
    "stacks/": /^stacks\//,
    "AWS Marketplace provider": /^components\/aws\/marketplace-/,
    "GCP deprecation and ARM64 image providers": /^components\/gcp\/(deprecation-provider|arm-image-provider|compute-client)\.ts$/,
    "AliCloud import-image and community-share providers": /^components\/alicloud\/(import-image|community-share|ecs-client)\.ts$/,
    "Azure community sharing and Partner Center providers": /^components\/azure\/(community-sharing-provider|partner-center-provider|partner-center-client)\.ts$/,
};

/** The JSON reports at `file`: the file itself, or every .json file of the directory. */
function reportFiles(file: string): string[] {
    if (!fs.statSync(file).isDirectory()) {
        return [file];
    }
    return fs.readdirSync(file).filter((name) => name.endsWith(".json")).map((name) => path.join(file, name));
}

/** Each mutated file's mutants, from the newest report that holds the file. */
function mergedFiles(files: string[]): Record<string, { mutants: ReportMutant[] }> {
    const merged: Record<string, { mutants: ReportMutant[] }> = {};
    const byAge = [...files].sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
    for (const file of byAge) {
        const report = JSON.parse(fs.readFileSync(file, "utf8")) as Report;
        for (const [name, entry] of Object.entries(report.files)) {
            const relative = (path.isAbsolute(name) ? path.relative(process.cwd(), name) : name).split(path.sep).join("/");
            merged[relative] = entry;
        }
    }
    return merged;
}

/**
 * The score of every area of the report at `file`, or of the reports in the directory `file` (paths
 * relative to the working directory); undefined when there is none.
 */
export function mutationScore(file: string, areas: Record<string, RegExp> = mutationAreas): MutationScore | undefined {
    const reports = fs.existsSync(file) ? reportFiles(file) : [];
    if (reports.length === 0) {
        return undefined;
    }
    const merged = mergedFiles(reports);
    const scored = Object.entries(areas).map(([area, pattern]) => {
        let files = 0;
        let detected = 0;
        let undetected = 0;
        for (const [relative, { mutants }] of Object.entries(merged)) {
            if (!pattern.test(relative)) {
                continue;
            }
            files++;
            detected += mutants.filter((m) => detectedStatuses.has(m.status)).length;
            undetected += mutants.filter((m) => undetectedStatuses.has(m.status)).length;
        }
        const total = detected + undetected;
        return { name: area, files, detected, undetected, ...(total > 0 ? { score: (100 * detected) / total } : {}) };
    });
    const newest = Math.max(...reports.map((report) => fs.statSync(report).mtimeMs));
    return { report: reports.join(", "), modified: new Date(newest).toISOString(), areas: scored };
}
