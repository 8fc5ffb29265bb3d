/** Resolved releases for component tests. */
import { Architecture, Artifact, Cloud, Release } from "../../components/config/model";

/** A resolved release of both architectures with artifacts in one cloud only; `overrides` replace whole fields. */
export function releaseIn(cloud: Cloud, version: string, artifacts: Partial<Record<Architecture, Artifact>>, overrides: Partial<Release> = {}): Release {
    return {
        version,
        major: version.split(".")[0],
        architectures: ["x86_64", "arm64"],
        artifacts: { aws: {}, azure: {}, gcp: {}, alicloud: {}, openstack: {}, [cloud]: artifacts },
        ...overrides,
    };
}

/** Release 1592.4 with GCP artifacts of both architectures in gs://images-bucket. */
export function gcpRelease(overrides: Partial<Release> = {}): Release {
    return releaseIn("gcp", "1592.4", {
        x86_64: { uri: "gs://images-bucket/flatcar-1592.4-x86_64-gcpimage.tar.gz" },
        arm64: { uri: "gs://images-bucket/flatcar-1592.4-arm64-gcpimage.tar.gz" },
    }, overrides);
}

/** Release 1592.4 with AliCloud artifacts in OSS (x86_64 qcow2, arm64 raw) in eu-central-1. */
export function alicloudRelease(overrides: Partial<Release> = {}): Release {
    return releaseIn("alicloud", "1592.4", {
        x86_64: { uri: "oss://acmelinux-artifacts-eu-central-1/1592.4/acmelinux-1592.4-x86_64.qcow2" },
        arm64: { uri: "oss://acmelinux-artifacts-eu-central-1/1592.4/acmelinux-1592.4-arm64.raw" },
    }, overrides);
}
