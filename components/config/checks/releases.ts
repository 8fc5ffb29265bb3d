import { CheckContext } from "./context";
import { enabledClouds, rawArtifact } from "./artifacts";

/** Rules across releases: unique versions, architectures once, an artifact for every enabled cloud and architecture. */
export function checkReleases(ctx: CheckContext): void {
    const { config, add } = ctx;
    const seen = new Map<string, number>();
    (config.releases ?? []).forEach((r, i) => {
        if (r === undefined) {
            return;
        }
        const first = seen.get(r.version);
        if (first !== undefined) {
            add(["releases", i, "version"], r.version, `duplicates releases[${first}].version; allowed: each version once`);
        } else {
            seen.set(r.version, i);
        }
        if (r.retire && r.unpublish) {
            add(["releases", i], { retire: r.retire, unpublish: r.unpublish },
                `sets both retire and unpublish; allowed: one of them (retire leaves release ${r.version}'s images public when the entry is removed, unpublish deletes them)`);
        }
        if (new Set(r.architectures).size !== r.architectures.length) {
            add(["releases", i, "architectures"], r.architectures, "lists an architecture twice; allowed: x86_64 and arm64, each once");
        }
        for (const cloud of enabledClouds(config)) {
            for (const arch of r.architectures) {
                if (rawArtifact(r, cloud, arch) === undefined) {
                    add(["releases", i, "artifacts", cloud, arch], undefined,
                        `is missing: ${cloud} is enabled and release ${r.version} ships ${arch}; allowed: an artifact URI, or drop ${arch} from architectures`);
                }
            }
        }
        const aws = rawArtifact(r, "aws", r.architectures[0]);
        if (config.aws?.enabled && aws?.uri.startsWith("file://") && !config.aws.uploadBucket) {
            add(["aws", "uploadBucket"], undefined, "is missing: a release has a file:// artifact; allowed: the S3 bucket to upload it to");
        }
    });
}
