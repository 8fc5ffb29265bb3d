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

/** Per-architecture values; no other keys. */
const perArch = <T extends z.ZodType>(value: T) => z.partialRecord(z.enum(architectures), value);

/** Region -> image ID. */
const regionIds = (pattern: RegExp, allowed: string) => z.record(z.string().regex(pattern, { error: `is not a region key; allowed: ${allowed}` }), nonEmpty);
const cloudRegion = "lower-case letters, digits and hyphens";

/** The images of one release, per cloud. */
const releaseImages = z.strictObject({
    aws: perArch(regionIds(regionPattern, cloudRegion)).optional(),
    azure: perArch(regionIds(regionPattern, cloudRegion)).optional(),
    gcp: perArch(z.strictObject({ global: nonEmpty })).optional(),
    alicloud: perArch(regionIds(regionPattern, cloudRegion)).optional(),
    openstack: perArch(regionIds(openstackRegionPattern, "<cloud-name>/<region>")).optional(),
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
        azure: perArch(z.string().regex(communityImagePattern, { error: "is not a community image ID; allowed: /CommunityGalleries/{publicName}/Images/{definition}/Versions/{version}" })).optional(),
    })).optional(),
    marketplace: z.record(version, z.strictObject({
        aws: perArch(awsListing).optional(),
        azure: perArch(azureListing).optional(),
    })).optional(),
    deprecated: z.record(version, z.string().regex(isoDatePattern, { error: "is not a date; allowed: YYYY-MM-DD or an RFC 3339 timestamp" })).optional(),
});

/** x86_64 or arm64. */
export type Architecture = (typeof architectures)[number];
/** aws, azure, gcp, alicloud or openstack. */
export type Cloud = (typeof clouds)[number];
/** Region -> image ID. */
export type RegionIds = Record<string, string>;
/** The images of one release: cloud -> architecture -> region -> ID. */
export type ReleaseImages = Partial<Record<Cloud, Partial<Record<Architecture, RegionIds>>>>;
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
