import { CheckContext } from "./context";
import { rawArtifact } from "./artifacts";
import { regionCatalogue } from "../catalogue";
import { architectures } from "../schema";

/**
 * An image's raw disk is read from Cloud Storage only: images.insert takes `rawDisk.source` as "the
 * full Google Cloud Storage URL where the raw disk image archive is stored", that is
 * https://storage.googleapis.com/<bucket>/<object> (https://cloud.google.com/compute/docs/reference/rest/v1/images).
 */
export const GCS_HOST = "storage.googleapis.com";

/** The host of an https:// artifact URI, or undefined for another scheme. */
function httpsHost(uri: string): string | undefined {
    return /^https:\/\/([^/]+)\//.exec(uri)?.[1]?.toLowerCase();
}

/** Rules of the gcp key that one field alone cannot say. */
export function checkGcp(ctx: CheckContext): void {
    const { config, add, dev, checkRegions } = ctx;
    const gcp = config.gcp;
    if (gcp?.enabled) {
        if (!gcp.project) {
            add(["gcp", "project"], undefined, "is missing: GCP is enabled; allowed: a project ID");
        }
        checkRegions(["gcp", "storageLocations"], gcp.storageLocations, regionCatalogue.gcp);
        if (dev && gcp.sharing.public) {
            add(["gcp", "sharing", "public"], true, "makes images public in a dev stack; allowed: false in dev");
        }
        (config.releases ?? []).forEach((release, i) => {
            if (!release) {
                return;
            }
            const spec = release.artifacts.gcp;
            const perArch = typeof spec === "object" && !("uri" in spec);
            for (const arch of perArch ? architectures : [architectures[0]]) {
                const artifact = rawArtifact(release, "gcp", arch);
                const host = artifact && httpsHost(artifact.uri);
                if (host !== undefined && host !== GCS_HOST && !gcp.stagingBucket) {
                    add(["releases", i, "artifacts", "gcp", ...(perArch ? [arch] : [])], artifact!.uri,
                        `is on ${host}, and Compute Engine reads an image's raw disk only from Cloud Storage; allowed: gs://bucket/object or https://${GCS_HOST}/bucket/object, or set gcp.stagingBucket to copy it there first`);
                }
            }
        });
        gcp.sharing.members.forEach((member, i) => {
            if (dev && member.startsWith("domain:")) {
                add(["gcp", "sharing", "members", i], member, "shares with a whole domain in a dev stack, as broad as allAuthenticatedUsers; allowed: user:, group: or serviceAccount: in dev");
            }
        });
    }
}
