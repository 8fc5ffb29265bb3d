import { Architecture, Artifact, Cloud, ReleaseEntry } from "../model";
import { clouds } from "../schema";
import { PartialConfig } from "./context";

/** The artifact of one cloud and architecture, templates not yet filled in. */
export function rawArtifact(entry: ReleaseEntry, cloud: Cloud, arch: Architecture): Artifact | undefined {
    const spec = entry.artifacts[cloud];
    if (spec === undefined) {
        return undefined;
    }
    if (typeof spec === "string") {
        return { uri: spec };
    }
    if ("uri" in spec && typeof spec.uri === "string") {
        return { uri: spec.uri, sha256: spec.sha256 as string | undefined };
    }
    const one = (spec as Partial<Record<Architecture, string | Artifact>>)[arch];
    if (one === undefined) {
        return undefined;
    }
    return typeof one === "string" ? { uri: one } : one;
}

/** The clouds switched on in this config. */
export function enabledClouds(config: Pick<PartialConfig, Cloud>): Cloud[] {
    return clouds.filter((c) => config[c]?.enabled === true);
}
