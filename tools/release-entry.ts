/**
 * What `release add` and `release deprecate` write: the new entry, where it goes, and the checks
 * on versions and dates that come before any edit.
 */
import { compareVersions, versionPattern } from "../components/outputs";
import { EntryData, entryVersion } from "./release-yaml";

/** A new release entry and its place in the list. */
export interface NewEntry {
    /** The entry, as written. */
    entry: EntryData;
    /** Its index in the releases list (kept in version order). */
    index: number;
    /** The version whose entry it was made from. */
    like: string;
}

/** Thrown for input the command refuses; the CLI prints the message and exits 1. */
export class ReleaseInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ReleaseInputError";
    }
}

function checkVersion(version: string): void {
    if (!versionPattern.test(version)) {
        throw new ReleaseInputError(`version ${JSON.stringify(version)} is not a valid version; allowed: MAJOR.MINOR or MAJOR.MINOR.PATCH, digits only, no "v" prefix`);
    }
}

function known(entries: EntryData[]): string {
    return entries.map(entryVersion).join(", ");
}

/** The index of a configured release; unknown versions are refused with the list of known ones. */
export function findEntry(entries: EntryData[], version: string): number {
    checkVersion(version);
    const index = entries.findIndex((e) => entryVersion(e) === version);
    if (index === -1) {
        throw new ReleaseInputError(`release ${version} is not in the stack config; allowed: ${known(entries)}`);
    }
    return index;
}

/**
 * The entry for a new release, made from the naming of an earlier one: the same artifact URI
 * templates and architectures, no deprecation, and release notes only when given. A version that
 * exists is refused; so is one older than the newest, unless it is a backport.
 */
export function newEntry(entries: EntryData[], version: string, options: { like?: string; backport?: boolean; notes?: string }): NewEntry {
    checkVersion(version);
    if (entries.some((e) => entryVersion(e) === version)) {
        throw new ReleaseInputError(`release ${version} is already in the stack config; allowed: a version not yet configured (configured: ${known(entries)})`);
    }
    const versions = entries.map(entryVersion);
    const newest = [...versions].sort(compareVersions).at(-1)!;
    if (compareVersions(version, newest) < 0 && !options.backport) {
        throw new ReleaseInputError(`release ${version} is older than the newest configured release ${newest}; allowed: a newer version, or --backport to add an older one`);
    }
    let like: string;
    if (options.like !== undefined) {
        like = versions[findEntry(entries, options.like)];
    } else {
        // The closest earlier release; a backport older than every release takes after the oldest.
        const older = versions.filter((v) => compareVersions(v, version) < 0).sort(compareVersions);
        like = older.at(-1) ?? [...versions].sort(compareVersions)[0];
    }
    const model = entries[versions.indexOf(like)];
    const entry: EntryData = {
        version,
        architectures: model.architectures ?? ["x86_64", "arm64"],
        artifacts: renameArtifacts(model.artifacts as Record<string, unknown>, like, version),
    };
    if (options.notes !== undefined) {
        entry.releaseNotes = options.notes;
    }
    // Kept in version order: after the last entry that is older.
    const index = versions.filter((v) => compareVersions(v, version) < 0).length === 0
        ? 0
        : Math.max(...versions.map((v, i) => (compareVersions(v, version) < 0 ? i : -1))) + 1;
    return { entry, index, like };
}

/**
 * The artifacts of an earlier release, named for a new one: URI templates are kept, a version
 * written out in a URI becomes the new version, and what was recorded of the earlier release's
 * files (sha256, size) is dropped.
 */
function renameArtifacts(artifacts: Record<string, unknown>, from: string, to: string): Record<string, unknown> {
    const rename = (value: unknown): unknown => {
        if (typeof value === "string") {
            return value.split(from).join(to);
        }
        if (value !== null && typeof value === "object") {
            const map = value as Record<string, unknown>;
            if (typeof map.uri === "string") {
                return rename(map.uri);
            }
            return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, rename(v)]));
        }
        return value;
    };
    return rename(artifacts) as Record<string, unknown>;
}

/** Today in UTC, as YYYY-MM-DD. */
export function todayUtc(now: Date = new Date()): string {
    return now.toISOString().slice(0, 10);
}

/** A real calendar date written YYYY-MM-DD, or undefined. */
export function parseDate(text: string): Date | undefined {
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) {
        return undefined;
    }
    const date = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text) ? date : undefined;
}

/**
 * The deprecation date to write on a release. A date in the past is refused: the clouds refuse a
 * deprecation time in the past (EC2 EnableImageDeprecation does), and a past date would claim a
 * deprecation that never happened. A deprecation already in force is not moved.
 */
export function deprecationDate(entry: EntryData, on: string, today: string): string {
    const version = entryVersion(entry);
    if (parseDate(on) === undefined) {
        throw new ReleaseInputError(`--on ${on} is not a date; allowed: YYYY-MM-DD, today (${today}) or later`);
    }
    if (on < today) {
        throw new ReleaseInputError(`--on ${on} is in the past; allowed: today (${today}) or later`);
    }
    const current = entry.deprecated;
    if (current === true) {
        throw new ReleaseInputError(`release ${version} is already deprecated (deprecated: true); allowed: a release that is not deprecated yet, or one deprecated from a future date`);
    }
    if (typeof current === "string" && current <= today) {
        throw new ReleaseInputError(`release ${version} is already deprecated since ${current}; allowed: a release that is not deprecated yet, or one deprecated from a future date`);
    }
    if (current === on) {
        throw new ReleaseInputError(`release ${version} is already deprecated from ${on}; nothing to change`);
    }
    return on;
}
