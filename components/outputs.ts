/**
 * The stack outputs: the contract between the program and every tool that reads its results.
 * docs/outputs.md describes it, docs/outputs.schema.json states it as JSON Schema (draft 2020-12),
 * and the zod schema below mirrors that file; test/tables.test.ts proves the two agree.
 */
import { z } from "zod";
import { architectures, clouds } from "./config/schema";

/** A release version as the config allows it: MAJOR.MINOR or MAJOR.MINOR.PATCH. */
export const versionPattern = /^[0-9]+\.[0-9]+(\.[0-9]+)?$/;
/** A community gallery image version ID. */
export const communityImagePattern = /^\/CommunityGalleries\/[^/]+\/Images\/[^/]+\/Versions\/[^/]+$/;
/** A date or an RFC 3339 timestamp. */
export const isoDatePattern = /^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))?$/;
/** A region key: lower-case letters, digits and hyphens, as every cloud but OpenStack names them. */
export const regionPattern = /^[a-z0-9][a-z0-9-]*$/;
/** An OpenStack region key: "<cloud-name>/<region>". */
export const openstackRegionPattern = /^[a-z0-9][a-z0-9-]*\/[^/\s]+$/;
/** The states of an Azure Marketplace plan version. */
export const azureMarketplaceStates = ["draft", "preview", "live", "deprecated"] as const;

const nonEmpty = z.string().min(1, { error: "must not be empty" });
const version = z.string().regex(versionPattern, { error: "is not a release version; allowed: MAJOR.MINOR or MAJOR.MINOR.PATCH" });

/** A variant name: lower-case letters, digits and hyphens, 1 to 24 characters, starting with a letter, never an architecture name. */
export const variantNamePattern = /^(?!(?:arm64|x86_64)$)[a-z][a-z0-9-]{0,23}$/;
/** What a variant name may be, as error messages say it. */
const variantNameAllowed = "lower-case letters, digits and hyphens, at most 24, starting with a letter, and not x86_64 or arm64";

/** Per-architecture values; no other keys. */
const perArch = <T extends z.ZodType>(value: T) => z.partialRecord(z.enum(architectures), value);

const isArchitecture = (key: string): key is Architecture => (architectures as readonly string[]).includes(key);

/**
 * One cloud's entry of a release: per architecture, or, when the stack configures variants, per
 * variant and then per architecture. Either shape is accepted, never a mix of the two in one entry
 * (the JSON Schema states the same as `anyOf`). When neither fits, the errors are those of the shape
 * the entry is closest to: its architecture keys, or values that are an architecture's (a misspelt
 * architecture such as aarch64), make it the per-architecture shape.
 */
function cloudEntry<T extends z.ZodType>(value: T) {
    const plain = perArch(value);
    const variants = z.record(z.string().regex(variantNamePattern, { error: `is not a variant name; allowed: ${variantNameAllowed}` }), plain);
    return z.unknown().transform((entry, ctx): z.output<typeof plain> | z.output<typeof variants> => {
        const asPlain = plain.safeParse(entry);
        if (asPlain.success) {
            return asPlain.data;
        }
        const asVariants = variants.safeParse(entry);
        if (asVariants.success) {
            return asVariants.data;
        }
        // Only a plain object has keys and values to go by; null, an array or a scalar has none.
        const record = entry !== null && typeof entry === "object" && !Array.isArray(entry) ? entry as Record<string, unknown> : {};
        const keys = Object.keys(record);
        const archKeys = keys.filter(isArchitecture);
        if (archKeys.length > 0 && archKeys.length < keys.length) {
            const others = keys.filter((k) => !isArchitecture(k)).map((k) => JSON.stringify(k)).join(", ");
            ctx.addIssue({ code: "custom", input: entry, message: `mixes architectures (${archKeys.join(", ")}) with variants (${others}); allowed: only architectures (x86_64, arm64), or only variant names, each holding architectures` });
            return z.NEVER;
        }
        const values = Object.values(record);
        const archShaped = archKeys.length > 0 || values.some((v) => value.safeParse(v).success);
        for (const issue of (archShaped ? asPlain : asVariants).error.issues) {
            ctx.addIssue(issue as z.core.$ZodRawIssue);
        }
        return z.NEVER;
    });
}

/** Region -> image ID. */
const regionIds = (pattern: RegExp, allowed: string) => z.record(z.string().regex(pattern, { error: `is not a region key; allowed: ${allowed}` }), nonEmpty);
const cloudRegion = "lower-case letters, digits and hyphens";

/** The images of one release, per cloud. */
const releaseImages = z.strictObject({
    aws: cloudEntry(regionIds(regionPattern, cloudRegion)).optional(),
    azure: cloudEntry(regionIds(regionPattern, cloudRegion)).optional(),
    gcp: cloudEntry(z.strictObject({ global: nonEmpty })).optional(),
    alicloud: cloudEntry(regionIds(regionPattern, cloudRegion)).optional(),
    openstack: cloudEntry(regionIds(openstackRegionPattern, "<cloud-name>/<region>")).optional(),
});

const awsListing = z.strictObject({
    productId: nonEmpty,
    changeSetId: nonEmpty,
    status: nonEmpty,
    deliveryOptionId: nonEmpty.optional(),
});

const azureListing = z.strictObject({
    offerId: nonEmpty,
    planId: nonEmpty,
    jobId: nonEmpty,
    status: nonEmpty,
    state: z.enum(azureMarketplaceStates),
});

/** The zod schema of the stack outputs; it mirrors docs/outputs.schema.json. */
export const outputsSchema = z.looseObject({
    images: z.record(version, releaseImages),
    community: z.record(version, z.strictObject({
        azure: cloudEntry(z.string().regex(communityImagePattern, { error: "is not a community image ID; allowed: /CommunityGalleries/{publicName}/Images/{definition}/Versions/{version}" })).optional(),
    })).optional(),
    marketplace: z.record(version, z.strictObject({
        aws: cloudEntry(awsListing).optional(),
        azure: cloudEntry(azureListing).optional(),
    })).optional(),
    deprecated: z.record(version, z.string().regex(isoDatePattern, { error: "is not a date; allowed: YYYY-MM-DD or an RFC 3339 timestamp" })).optional(),
});

/** x86_64 or arm64. */
export type Architecture = (typeof architectures)[number];
/** aws, azure, gcp, alicloud or openstack. */
export type Cloud = (typeof clouds)[number];
/** Region -> image ID. */
export type RegionIds = Record<string, string>;
/** Values per architecture. */
export type PerArch<T> = Partial<Record<Architecture, T>>;
/** One cloud's entry: per architecture, or, with variants configured, per variant and then per architecture. */
export type CloudEntry<T> = PerArch<T> | Record<string, PerArch<T>>;
/** The images of one release: cloud -> [variant ->] architecture -> region -> ID. */
export type ReleaseImages = Partial<Record<Cloud, CloudEntry<RegionIds>>>;
/** One AWS Marketplace version of one architecture. */
export type AwsListing = z.output<typeof awsListing>;
/** One Azure Marketplace plan version of one architecture. */
export type AzureListing = z.output<typeof azureListing>;
/** The stack outputs, validated. */
export type StackOutputs = z.output<typeof outputsSchema>;

/** Thrown when a document is not the stack outputs; the message names the source and every problem. */
export class OutputsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "OutputsError";
    }
}

/** A path such as images["9.6"].aws.x86_64: plain names after dots, anything else quoted in brackets. */
export function formatPath(path: readonly PropertyKey[]): string {
    if (path.length === 0) {
        return "(top level)";
    }
    return path.map((key, i) => {
        if (typeof key === "number") {
            return `[${key}]`;
        }
        const name = String(key);
        return /^[A-Za-z_$][\w$]*$/.test(name) ? `${i === 0 ? "" : "."}${name}` : `[${JSON.stringify(name)}]`;
    }).join("");
}

/** One problem with a document, as "path: problem"; a bad record key says what is wrong with it. */
function describeIssue(issue: z.core.$ZodIssue): string {
    if (issue.code === "invalid_key") {
        const key = String(issue.path[issue.path.length - 1]);
        const why = issue.issues.map((i) => i.message).join("; ");
        return `${formatPath(issue.path.slice(0, -1))}: key ${JSON.stringify(key)} ${why}`;
    }
    return `${formatPath(issue.path)}: ${issue.message}`;
}

/**
 * Takes the stack outputs out of a parsed JSON document and validates them. Three shapes are read:
 * `pulumi stack output --json` (the outputs object itself), the offline plan's JSON
 * (`{stack, resources, outputs}`, whose `outputs` is taken), and `pulumi stack output images --json`
 * (the images map alone, recognised by version keys).
 * Throws {@link OutputsError} naming the path and problem of each mismatch.
 */
export function validateOutputs(json: unknown, source = "outputs"): StackOutputs {
    const result = outputsSchema.safeParse(unwrapOutputs(json));
    if (!result.success) {
        throw new OutputsError(`${source}: not the stack outputs:\n${result.error.issues.map((i) => `  ${describeIssue(i)}`).join("\n")}`);
    }
    return result.data;
}

/** The outputs object inside any of the accepted document shapes; other values are returned as they are. */
export function unwrapOutputs(json: unknown): unknown {
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
        return json;
    }
    const doc = json as Record<string, unknown>;
    if ("resources" in doc) {
        return doc.outputs;
    }
    const keys = Object.keys(doc);
    if (!("images" in doc) && keys.length > 0 && keys.every((k) => versionPattern.test(k))) {
        return { images: doc };
    }
    return doc;
}

/** Parses text as JSON and validates it; errors name `source` ("<file>: not JSON: ..."). */
export function parseOutputs(text: string, source: string): StackOutputs {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (error) {
        throw new OutputsError(`${source}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    return validateOutputs(json, source);
}

/** Compares two versions number by number: negative when a is older. */
export function compareVersions(a: string, b: string): number {
    const pa = a.split(".").map(Number);
    const pb = b.split(".").map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const d = (pa[i] ?? -1) - (pb[i] ?? -1);
        if (d !== 0) {
            return d;
        }
    }
    return 0;
}

/** The versions of the outputs, newest first. */
export function versionsNewestFirst(outputs: StackOutputs): string[] {
    return Object.keys(outputs.images).sort((a, b) => compareVersions(b, a));
}

/** Plain code-unit order, the same on every machine and locale. */
export function compareStrings(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** The clouds in their listed order. */
export const cloudOrder: readonly Cloud[] = clouds;
/** The architectures in their listed order. */
export const architectureOrder: readonly Architecture[] = architectures;

/** One variant of a cloud entry. */
export interface VariantEntry<T> {
    /** The variant's name; absent for an entry without a variant level. */
    variant?: string;
    /** The values per architecture. */
    perArch: PerArch<T>;
}

/** Whether a cloud entry has a variant level: it has keys, and none of them is an architecture. */
export function hasVariantLevel<T>(entry: CloudEntry<T> | undefined): entry is Record<string, PerArch<T>> {
    const keys = Object.keys(entry ?? {});
    return keys.length > 0 && !keys.some(isArchitecture);
}

/**
 * A cloud entry walked the same way whatever its shape: one item per variant, sorted by name, or a
 * single item without a name when the entry has no variant level; nothing when the entry is absent.
 */
export function variantEntries<T>(entry: CloudEntry<T> | undefined): VariantEntry<T>[] {
    if (entry === undefined) {
        return [];
    }
    if (!hasVariantLevel(entry)) {
        return [{ perArch: entry as PerArch<T> }];
    }
    return Object.keys(entry).sort(compareStrings).map((variant) => ({ variant, perArch: entry[variant] }));
}

/** Whether any cloud entry of the outputs (images, community or marketplace) has a variant level. */
export function hasVariants(outputs: StackOutputs): boolean {
    const sections = [outputs.images, outputs.community ?? {}, outputs.marketplace ?? {}] as Record<string, Record<string, CloudEntry<unknown>>>[];
    return sections.some((section) => Object.values(section).some((release) => Object.values(release).some((entry) => hasVariantLevel(entry))));
}
