import { StagedArtifactInputs, StagingProviderOptions } from "../../components/staging/provider";
import { FakeClock } from "./clock";
import { GcsServer } from "../servers/gcs";
import { OssServer } from "../servers/oss";
import { S3Source } from "../servers/s3-source";

const KiB = 1024;
/** The S3 key of the GCP artifact the staging tests copy. */
export const GCP_KEY = "1592.4/acmelinux-1592.4-x86_64-gcpimage.tar.gz";
/** The S3 key of the AliCloud artifact the staging tests copy. */
export const ALI_KEY = "1592.4/acmelinux-1592.4-x86_64.qcow2";

/**
 * The StagedArtifact provider's options against the local S3 source, GCS and OSS servers: GCS chunks
 * of 256 KiB and OSS parts of 200 KiB one at a time, retries without waits; `gcsRetries` adds to
 * the GCS client's retry options (such as maxRetries: 0).
 */
export function localStagingOptions(s3: S3Source, gcs: GcsServer, oss: OssServer, clock: FakeClock, gcsRetries: Record<string, number> = {}): StagingProviderOptions {
    return {
        source: { s3: s3.config },
        gcs: {
            storage: { apiEndpoint: gcs.endpoint, projectId: "acmelinux-images", retryOptions: { retryDelayMultiplier: 1, maxRetryDelay: 1, totalTimeout: 60, ...gcsRetries } },
            chunkSize: 256 * KiB,
        },
        oss: { endpoint: oss.endpoint, accessKeyId: "LTAI-test-key", accessKeySecret: "test-secret", partSize: 200 * KiB, parallelism: 1 },
        clock,
    };
}

/** Inputs that stage the GCP artifact from S3 into the local GCS bucket. */
export const gcsInputs = (extra: Partial<StagedArtifactInputs> = {}): StagedArtifactInputs => ({
    source: `s3://acmelinux-artifacts/${GCP_KEY}`, store: "gcs", bucket: "acmelinux-staging", key: GCP_KEY, ...extra,
});

/** Inputs that stage the AliCloud artifact from S3 into the local OSS bucket in eu-central-1. */
export const ossInputs = (extra: Partial<StagedArtifactInputs> = {}): StagedArtifactInputs => ({
    source: `s3://acmelinux-artifacts/${ALI_KEY}`, store: "oss", bucket: "acmelinux-staging-eu", key: ALI_KEY, region: "eu-central-1", ...extra,
});
