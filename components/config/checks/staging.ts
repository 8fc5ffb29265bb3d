import { needsStaging } from "../../staging/location";
import { regionCatalogue } from "../catalogue";
import { rawArtifact } from "./artifacts";
import { CheckContext } from "./context";

/**
 * Artifacts that an import cannot read where they are need a staging bucket. GCE reads rawDisk.source
 * only from Cloud Storage (images.insert: "a storage.googleapis.com URL"); ECS ImportImage reads only
 * OSS, from a bucket in the import region (ImportImage: OSSBucket "in the same region as the image").
 */
export function checkStaging(ctx: CheckContext): void {
    const { config, add, checkRegion } = ctx;
    const gcp = config.gcp;
    const ali = config.alicloud;
    if (ali?.stagingBucket) {
        for (const region of Object.keys(ali.stagingBucket)) {
            checkRegion(["alicloud", "stagingBucket", region], region, regionCatalogue.alicloud);
        }
    }
    (config.releases ?? []).forEach((r, i) => {
        if (r === undefined) {
            return;
        }
        const staged = (cloud: "gcp" | "alicloud") => r.architectures
            .map((arch) => rawArtifact(r, cloud, arch)?.uri)
            .find((uri): uri is string => uri !== undefined && needsStaging(cloud, uri));
        const gcpUri = gcp?.enabled ? staged("gcp") : undefined;
        // An https:// URL off Cloud Storage without a staging bucket is reported by checks/gcp.ts.
        if (gcpUri !== undefined && !gcp?.stagingBucket && !gcpUri.startsWith("https://")) {
            add(["releases", i, "artifacts", "gcp"], gcpUri,
                "cannot be imported where it is: GCE imports only from Cloud Storage; allowed: gs:// or https://storage.googleapis.com/ URIs, "
                + "or set gcp.stagingBucket to copy it there first");
        }
        const aliUri = ali?.enabled ? staged("alicloud") : undefined;
        if (aliUri !== undefined && !ali?.stagingBucket?.[ali.sourceRegion]) {
            add(["releases", i, "artifacts", "alicloud"], aliUri,
                `cannot be imported where it is: ECS imports only from OSS in the import region (${ali?.sourceRegion}); allowed: oss:// URIs, `
                + `or set alicloud.stagingBucket.${ali?.sourceRegion} to an OSS bucket in that region to copy it there first`);
        }
    });
}
