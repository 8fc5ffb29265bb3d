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
