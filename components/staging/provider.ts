/**
 * The dynamic provider behind {@link StagedArtifact}: copies an artifact from S3 or HTTPS into the
 * GCS or OSS bucket that the cloud's import reads (see copy.ts), records size and checksums, and
 * deletes the staged object with the resource unless `retain` is set. It holds no secret: every
 * store's credentials come from the runner's environment.
 *
 * Everything is imported at module level from small local files of plain functions, or loaded
 * inside the functions (the SDKs), so that `pulumi.runtime.serializeFunction` can carry it.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Clock } from "../dynamic/retry";
import { stageArtifactCopy } from "./copy";
import { gcsTarget, GcsOptions } from "./gcs-target";
import { ossTarget, OssOptions } from "./oss-target";
import { withoutQuery } from "./location";
import type { SourceOptions } from "./source";
import type { StagingTarget } from "./target";

/** The settled inputs. */
export interface StagedArtifactInputs {
    /** The artifact: s3://bucket/key or an https:// URL. */
    source: string;
    /** Its sha256 from config, lower-case hex. */
    sha256?: string;
    /** "gcs" or "oss". */
    store: "gcs" | "oss";
    /** The staging bucket. */
    bucket: string;
    /** The object key. */
    key: string;
    /** The OSS bucket's region (an ECS region ID); only for OSS. */
    region?: string;
    /** Keep the staged object when the resource is deleted. */
    retain?: boolean;
}

/** What the state keeps. */
export interface StagedArtifactOutputs extends StagedArtifactInputs {
    /** The staged object: gs://bucket/key or oss://bucket/key. */
    uri: string;
    /** Its size in bytes. */
    size: number;
    /** Its sha256, when known. */
    sha256?: string;
    /** The store's checksum: GCS md5Hash, OSS ETag. */
    checksum?: string;
    /** Bytes copied by the run that made it: 0 when a finished copy was found. */
    bytesCopied: number;
}

/** Where the provider's clients point; the defaults are the real services. */
export interface StagingProviderOptions {
    /** How the source is read. */
    source?: SourceOptions;
    /** How GCS is reached. */
    gcs?: GcsOptions;
    /** How OSS is reached. */
    oss?: OssOptions;
    /** The clock of every retry. */
    clock?: Clock;
}

/** The marker the engine puts in place of a value that is not known yet (during preview). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The inputs whose change means another object: replaced. */
const replacing = ["source", "sha256", "store", "bucket", "key", "region"] as const;

/** Drops undefined fields, which the engine's protobuf structs cannot carry. */
function defined<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The provider; `options` aims its clients at other endpoints (tests, the bench). */
export function stagingProvider(options: StagingProviderOptions = {}): pulumi.dynamic.ResourceProvider<StagedArtifactInputs, StagedArtifactOutputs> {
    const targetOf = (inputs: StagedArtifactInputs): StagingTarget => inputs.store === "gcs"
        ? gcsTarget(inputs.bucket, inputs.key, { ...options.gcs, clock: options.clock })
        : ossTarget(inputs.region ?? "", inputs.bucket, inputs.key, { ...options.oss, clock: options.clock });

    return {
        async check(_olds, news) {
            const failures: pulumi.dynamic.CheckFailure[] = [];
            const known = (v: unknown) => v !== undefined && v !== UNKNOWN;
            if (known(news.source) && !/^(s3:\/\/[^/\s]+\/\S+|https:\/\/\S+)$/.test(news.source)) {
                failures.push({ property: "source", reason: "is not an artifact to stage; allowed: s3://bucket/key or an https:// URL" });
            }
            if (known(news.sha256) && !/^[0-9a-fA-F]{64}$/.test(String(news.sha256))) {
                failures.push({ property: "sha256", reason: "is not a sha256; allowed: 64 hex digits" });
            }
            if (!["gcs", "oss"].includes(String(news.store))) {
                failures.push({ property: "store", reason: "allowed: \"gcs\" or \"oss\"" });
            }
            // A region not known yet (preview) is not missing: the run checks it again once it is known.
            if (news.store === "oss" && news.region === undefined) {
                failures.push({ property: "region", reason: "is missing: an OSS target needs the bucket's region" });
            }
            const sha256 = typeof news.sha256 === "string" && news.sha256 !== UNKNOWN ? news.sha256.toLowerCase() : news.sha256;
            return { inputs: defined({ ...news, sha256 }), failures };
        },

        async diff(_id, olds, news) {
            // Only these inputs count, so the resourceKind that a copy staged before it had its type token
            // (staging:StagedArtifact) still holds in the state changes nothing.
            const replaces = replacing.filter((k) => k === "source"
                ? withoutQuery(String(news.source)) !== olds.source
                : k === "sha256" ? news.sha256 !== undefined && news.sha256 !== olds.sha256 : news[k] !== olds[k]);
            const retainChanged = (news.retain ?? false) !== (olds.retain ?? false);
            // The replacement writes the same key when it stays in the same bucket, so the old one goes first.
            const moved = news.bucket !== olds.bucket || news.key !== olds.key || news.store !== olds.store;
            return { changes: replaces.length > 0 || retainChanged, replaces: [...replaces], deleteBeforeReplace: !moved };
        },

        async create(inputs) {
            const target = targetOf(inputs);
            const result = await stageArtifactCopy({
                source: inputs.source,
                ...(inputs.sha256 ? { sha256: inputs.sha256 } : {}),
                target,
                sourceOptions: { ...options.source, clock: options.clock },
            });
            const outs: StagedArtifactOutputs = defined({
                ...inputs,
                source: withoutQuery(inputs.source),
                uri: result.uri,
                size: result.size,
                sha256: result.sha256,
                checksum: result.checksum,
                bytesCopied: result.bytesCopied,
            });
            return { id: result.uri, outs };
        },

        async update(_id, olds, news) {
            return { outs: { ...olds, retain: news.retain } };
        },

        async read(id, props) {
            if (props === undefined) {
                throw new Error(`cannot read ${id} without its state`);
            }
            const found = await targetOf(props).existing();
            if (found === undefined) {
                // An empty ID tells the engine the object is gone, so the next run stages it again.
                return { id: "", props: {} as StagedArtifactOutputs };
            }
            return { id, props: { ...props, size: found.size } };
        },

        async delete(_id, props) {
            if (props.retain) {
                return;
            }
            await targetOf(props).remove();
        },
    };
}
