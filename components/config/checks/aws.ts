import { CheckContext } from "./context";
import { regionCatalogue } from "../catalogue";

/** Rules of the aws key that one field alone cannot say. */
export function checkAws(ctx: CheckContext): void {
    const { config, add, dev, checkRegion, checkRegions } = ctx;
    const aws = config.aws;
    if (aws?.enabled) {
        checkRegion(["aws", "sourceRegion"], aws.sourceRegion, regionCatalogue.aws);
        checkRegions(["aws", "regions"], aws.regions, regionCatalogue.aws);
        if (dev && aws.sharing.public) {
            add(["aws", "sharing", "public"], true, "makes images public in a dev stack; allowed: false in dev");
        }
        if (dev && aws.sharing.unblockPublicAccess) {
            add(["aws", "sharing", "unblockPublicAccess"], true, "unblocks public AMIs in a dev stack; allowed: false in dev");
        }
        if (aws.sharing.public && aws.image.encrypted) {
            add(["aws", "image", "encrypted"], true, "encrypts the snapshots of public images, which AWS cannot share; allowed: false when aws.sharing.public is true");
        }
        const mp = aws.marketplace;
        if (mp.enabled) {
            if (!mp.accessRoleArn) {
                add(["aws", "marketplace", "accessRoleArn"], undefined, "is missing: the marketplace is enabled; allowed: the ARN of the role that AWS Marketplace uses to read the AMI");
            }
            if (dev && !mp.devProductId) {
                add(["aws", "marketplace", "devProductId"], undefined, "is missing: a dev stack only ever publishes to the dev/test product; allowed: its product ID");
            }
            const prodProducts = Object.values(mp.products).flatMap((p) => Object.values(p));
            if (dev && mp.devProductId && prodProducts.includes(mp.devProductId)) {
                add(["aws", "marketplace", "devProductId"], mp.devProductId, "is one of the prod products in aws.marketplace.products, and a dev stack never touches a prod listing; allowed: the dev/test product's ID");
            }
            if (!dev && Object.keys(mp.products).length === 0) {
                add(["aws", "marketplace", "products"], mp.products, "is empty: the marketplace is enabled in prod; allowed: a map of major version to {x86_64, arm64} product IDs");
            }
        }
    }
}
