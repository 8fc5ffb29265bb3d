import { z } from "zod";
import {
    alicloudSchema, architectures, awsSchema, azureSchema, clouds, gcpSchema, openstackSchema, releaseSchema,
    secretsSchema, stackConfigSchema, variantSchema,
} from "./schema";

/** x86_64 or arm64. */
export type Architecture = (typeof architectures)[number];
/** One of the clouds this program publishes to. */
export type Cloud = (typeof clouds)[number];
/** The stack config as the schema yields it. */
export type StackConfig = z.output<typeof stackConfigSchema>;
/** One release entry as the schema yields it. */
export type ReleaseEntry = z.output<typeof releaseSchema>;
/** The AWS target block. */
export type AwsTarget = z.output<typeof awsSchema>;
/** The Azure target block. */
export type AzureTarget = z.output<typeof azureSchema>;
/** The GCP target block. */
export type GcpTarget = z.output<typeof gcpSchema>;
/** The AliCloud target block. */
export type AliCloudTarget = z.output<typeof alicloudSchema>;
/** The OpenStack target block. */
export type OpenStackTarget = z.output<typeof openstackSchema>;
/** One variant entry as the schema yields it. */
export type VariantEntry = z.output<typeof variantSchema>;
/** The secrets block (plaintext here; wrap with pulumi.secret before use). */
export type Secrets = z.output<typeof secretsSchema>;

/** One artifact of a release, its templates filled in. */
export interface Artifact {
    /** Where the artifact is. */
    uri: string;
    /** Its sha256, when config gives one. */
    sha256?: string;
}

/** When a release is deprecated: a UTC day in config, and whether the run's clock has reached it. */
export interface Deprecation {
    /** The day from config, YYYY-MM-DD. */
    date: string;
    /** That day's midnight UTC, as an ISO timestamp such as 2027-03-31T00:00:00Z. */
    time: string;
    /**
     * True when the clock of this plan or run is at or after `time`. Clouds that schedule a deprecation
     * themselves get the date whatever this says; every other cloud changes the release only once it is true.
     */
    passed: boolean;
}

/** One release, resolved: templates filled in, artifacts per cloud and architecture. */
export interface Release {
    /** The release version, such as 1592.4 or 9.6.20250522. */
    version: string;
    /** The major version: the version's first number. */
    major: string;
    /** The architectures this release ships. */
    architectures: Architecture[];
    /** The artifacts of each cloud, per architecture (templates rendered without a variant). */
    artifacts: ReleaseArtifacts;
    /** When variants are configured: each variant's artifacts, its name filled in for {variant}. */
    variantArtifacts?: Record<string, ReleaseArtifacts>;
    /** Set when config gives the release a deprecation date, passed or not. */
    deprecation?: Deprecation;
    /** Release notes, for the marketplaces. */
    releaseNotes?: string;
    /** false when config leaves the release off AWS Marketplace on purpose. */
    awsMarketplace?: boolean;
    /** What removing the release from config does (see components/lifecycle.ts); absent means "published". */
    lifecycle?: ReleaseLifecycle;
    /** true when the release takes changed stack-wide settings too, rather than keeping what it was published with. */
    reapplySettings?: boolean;
    /** With variants: the variants the release ships, when config names them; every variant otherwise. */
    variants?: string[];
    /** With variants: true for a release published before the stack had them, which keeps its one image per cloud. */
    withoutVariants?: boolean;
}

/** The artifacts of a release: cloud → architecture → artifact. */
export type ReleaseArtifacts = Record<Cloud, Partial<Record<Architecture, Artifact>>>;

/**
 * What a release's resources are registered with: "published" (protected in prod), "retired"
 * (unprotected, retained on delete) or "unpublished" (unprotected, deleted with the entry).
 */
export type ReleaseLifecycle = "published" | "retired" | "unpublished";

/** The values a naming template can use. */
export interface TemplateValues {
    /** The product name. */
    product: string;
    /** The release version. */
    version: string;
    /** The architecture. */
    arch?: Architecture;
    /** The cloud. */
    cloud?: Cloud;
    /** The variant's name, when variants are configured. */
    variant?: string;
}

/** Fills in {product}, {version}, {major}, {minor} (the version's second number: 6 of 9.6.20250522), {arch}, {cloud} and {variant}. */
export function renderTemplate(template: string, values: TemplateValues): string {
    const [major, minor] = values.version.split(".");
    const table: Record<string, string | undefined> = { ...values, major, minor };
    return withoutVariant(template, values.variant).replace(/\{([a-z]+)\}/g, (whole, key: string) => table[key] ?? whole);
}

/**
 * A template rendered for no variant (a release published before the stack had variants) drops
 * {variant} with one separator beside it, so that "{product}-{version}-{variant}-{arch}" names it
 * as "{product}-{version}-{arch}" did. Without variants configured, validation refuses {variant}.
 */
function withoutVariant(template: string, variant: string | undefined): string {
    return variant !== undefined ? template : template.replace(/[-_.]\{variant\}|\{variant\}[-_.]?/g, "");
}

/** The artifact URI's file extension, lower case, such as "raw", "vhd" or "tar.gz". */
export function artifactExtension(uri: string): string {
    const file = uri.split("?")[0].split("/").pop() ?? "";
    const m = /\.(tar\.gz|[a-z0-9]+)$/i.exec(file);
    return m ? m[1].toLowerCase() : "";
}

/** Splits an s3://, gs:// or oss:// URI into bucket and key. */
export function bucketAndKey(uri: string): { bucket: string; key: string } {
    const m = /^[a-z0-9]+:\/\/([^/]+)\/(.+)$/.exec(uri);
    if (!m) {
        throw new Error(`not a bucket URI: ${uri}`);
    }
    return { bucket: m[1], key: m[2] };
}
