/**
 * The mutation score of the last Stryker run (`npm run mutate`), read from its JSON report
 * (reports/mutation/mutation.json, mutation-testing-report-schema). The score is Stryker's:
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

/** The report's date and the score of each area, or undefined when there is no report. */
export interface MutationScore {
    /** The report file. */
    report: string;
    /** When the report was written. */
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
    "dynamic providers": /^components\/(dynamic\/|.*-provider\.ts$|azure\/vhd-|alicloud\/(import-image|community-share|ecs-client)\.ts$|gcp\/compute-client\.ts$|aws\/marketplace-|azure\/partner-center-client\.ts$)/,
    "stacks/": /^stacks\//,
};

/** The score of every area of the report at `file` (paths relative to the working directory); undefined when there is none. */
export function mutationScore(file: string, areas: Record<string, RegExp> = mutationAreas): MutationScore | undefined {
    if (!fs.existsSync(file)) {
        return undefined;
    }
    const report = JSON.parse(fs.readFileSync(file, "utf8")) as Report;
    const scored = Object.entries(areas).map(([area, pattern]) => {
        let files = 0;
        let detected = 0;
        let undetected = 0;
        for (const [name, { mutants }] of Object.entries(report.files)) {
            const relative = (path.isAbsolute(name) ? path.relative(process.cwd(), name) : name).split(path.sep).join("/");
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
    return { report: file, modified: fs.statSync(file).mtime.toISOString(), areas: scored };
}
