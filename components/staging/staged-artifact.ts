/**
 * StagedArtifact: a release artifact copied from S3 or HTTPS into the GCS or OSS bucket that the
 * cloud's import reads. The provider is in provider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { stagingProvider } from "./provider";
import { withFormerType } from "../dynamic/named-type";

/** Arguments of {@link StagedArtifact}. */
export interface StagedArtifactArgs {
    /** The artifact: s3://bucket/key or an https:// URL. */
    source: pulumi.Input<string>;
    /** Its sha256 from config; the copy fails, leaving no object, when the content differs. */
    sha256?: pulumi.Input<string>;
    /** "gcs" (GCP) or "oss" (AliCloud). */
    store: pulumi.Input<"gcs" | "oss">;
    /** The staging bucket. */
    bucket: pulumi.Input<string>;
    /** The object key. */
    key: pulumi.Input<string>;
    /** The OSS bucket's region, an ECS region ID; only for OSS. */
    region?: pulumi.Input<string>;
    /** Keep the staged object when this resource is deleted (default: delete it). */
    retain?: pulumi.Input<boolean>;
}

let defaultProvider: ReturnType<typeof stagingProvider> | undefined;

/**
 * A staged copy of an artifact, of type `pulumi-nodejs:dynamic/staging:StagedArtifact`, with an alias
 * to the type it had before; its ID is the staged object's URI.
 */
export class StagedArtifact extends pulumi.dynamic.Resource {
    /** The staged object: gs://bucket/key or oss://bucket/key. */
    declare public readonly uri: pulumi.Output<string>;
    /** Its size in bytes. */
    declare public readonly size: pulumi.Output<number>;
    /** Its sha256, when known. */
    declare public readonly sha256: pulumi.Output<string | undefined>;
    /** The store's checksum: GCS md5Hash, OSS ETag. */
    declare public readonly checksum: pulumi.Output<string | undefined>;
    /** Bytes copied by the run that made it. */
    declare public readonly bytesCopied: pulumi.Output<number>;

    constructor(name: string, args: StagedArtifactArgs, opts?: pulumi.CustomResourceOptions) {
        defaultProvider ??= stagingProvider();
        super(defaultProvider, name, {
            ...args,
            uri: undefined,
            size: undefined,
            checksum: undefined,
            bytesCopied: undefined,
        }, withFormerType(opts), "staging", "StagedArtifact");
    }
}
