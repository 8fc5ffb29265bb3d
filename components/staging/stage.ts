/** The hook the GCP and AliCloud images call: stage the artifact when the import cannot read it where it is. */
import * as pulumi from "@pulumi/pulumi";
import type { Artifact } from "../config/model";
import { needsStaging, stagedLocation, StagingCloud } from "./location";
import { StagedArtifact } from "./staged-artifact";

/** The artifact the import reads, and what the import must wait for. */
export interface ImportSource {
    /** The artifact's URI as the import reads it: the original, or the staged gs:// / oss:// copy. */
    uri: string;
    /** The staging copy, when there is one: the import depends on it. */
    dependsOn: pulumi.Resource[];
}

/**
 * Registers `<name>-staging` copying the artifact into `bucket` when `cloud` cannot import it where
 * it is; otherwise registers nothing. Config validation makes sure a bucket is set when one is needed.
 */
export function importSource(name: string, cloud: StagingCloud, artifact: Artifact, bucket: string | undefined,
    opts: { parent: pulumi.Resource; region?: string }): ImportSource {
    if (!needsStaging(cloud, artifact.uri)) {
        return { uri: artifact.uri, dependsOn: [] };
    }
    if (!bucket) {
        throw new Error(`${artifact.uri} must be staged for ${cloud}, but no staging bucket is set`);
    }
    const location = stagedLocation(cloud, artifact.uri, bucket);
    const staged = new StagedArtifact(`${name}-staging`, {
        source: /\?./.test(artifact.uri) ? pulumi.secret(artifact.uri) : artifact.uri,
        ...(artifact.sha256 ? { sha256: artifact.sha256 } : {}),
        store: location.store,
        bucket: location.bucket,
        key: location.key,
        ...(opts.region ? { region: opts.region } : {}),
    }, { parent: opts.parent });
    return { uri: location.uri, dependsOn: [staged] };
}
