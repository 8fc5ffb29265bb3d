import { CheckContext } from "./context";
import { regionCatalogue } from "../catalogue";

/** The only region the Marketplace Catalog API is served from. */
const MARKETPLACE_REGION = "us-east-1";
/** How far ahead EnableImageDeprecation takes a time: 10 years; for a public AMI, 2 years from its creation. */
const DEPRECATION_YEARS = { any: 10, public: 2 };

/** The date `years` years after `now`, YYYY-MM-DD. */
function yearsAhead(now: Date, years: number): string {
    return new Date(Date.UTC(now.getUTCFullYear() + years, now.getUTCMonth(), now.getUTCDate())).toISOString().slice(0, 10);
}

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
        // ImportSnapshot: "KmsKeyId ... If a KmsKeyId is specified, the Encrypted flag must also be set."
        if (aws.image.kmsKeyId !== undefined && !aws.image.encrypted) {
            add(["aws", "image", "kmsKeyId"], aws.image.kmsKeyId, "is set while aws.image.encrypted is false, which AWS refuses; allowed: encrypted: true with a KMS key, or no kmsKeyId");
        }
        // NitroTPM needs UEFI boot ("Amazon EC2 NitroTPM", prerequisites: the AMI's boot mode is uefi or uefi-preferred).
        // Graviton boots UEFI only ("Boot modes", docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-boot.html).
        if (aws.image.bootMode === "legacy-bios" && (config.releases ?? []).some((r) => r?.architectures.includes("arm64") && r.artifacts.aws !== undefined)) {
            add(["aws", "image", "bootMode"], "legacy-bios", "cannot boot arm64, which a release ships: Graviton instances boot UEFI only; allowed: uefi or uefi-preferred");
        }
        // A UEFI variable store is for an AMI that boots UEFI ("UEFI Secure Boot for Amazon EC2 instances": the AMI's boot mode is uefi).
        if (aws.image.uefiData !== undefined && aws.image.bootMode === "legacy-bios") {
            add(["aws", "image", "uefiData"], "[UEFI variable store]", "is set while aws.image.bootMode is legacy-bios, which has no UEFI variables; allowed: bootMode uefi or uefi-preferred, or no uefiData");
        }
        if (aws.image.tpmSupport && aws.image.bootMode === "legacy-bios") {
            add(["aws", "image", "tpmSupport"], true, "needs UEFI boot and aws.image.bootMode is legacy-bios; allowed: tpmSupport false, or bootMode uefi or uefi-preferred");
        }
        checkDeprecationDates(ctx);
        checkMarketplace(ctx);
    }
}

/**
 * EnableImageDeprecation: "The upper limit for DeprecateAt is 10 years from now, except for public
 * AMIs, where the upper limit is 2 years from the creation date." An AMI made now is created at the
 * earliest now, so a public prod image cannot take a date more than 2 years ahead.
 */
function checkDeprecationDates(ctx: CheckContext): void {
    const { config, add, dev, now } = ctx;
    const publicImages = !dev && config.aws?.sharing.public === true;
    const years = publicImages ? DEPRECATION_YEARS.public : DEPRECATION_YEARS.any;
    const latest = yearsAhead(now, years);
    (config.releases ?? []).forEach((r, i) => {
        if (typeof r?.deprecated === "string" && r.deprecated > latest) {
            add(["releases", i, "deprecated"], r.deprecated,
                `is more than ${years} years ahead, which AWS refuses for ${publicImages ? "a public AMI" : "an AMI"}; allowed: a date up to ${latest}`);
        }
    });
}

/** The Marketplace rules: where the Catalog API reads the AMI, and which product each release goes to. */
function checkMarketplace(ctx: CheckContext): void {
    const { config, add, dev } = ctx;
    const aws = config.aws!;
    const mp = aws.marketplace;
    if (!mp.enabled) {
        return;
    }
    if (!mp.accessRoleArn) {
        add(["aws", "marketplace", "accessRoleArn"], undefined, "is missing: the marketplace is enabled; allowed: the ARN of the role that AWS Marketplace uses to read the AMI");
    }
    if (dev && !mp.devProductId) {
        add(["aws", "marketplace", "devProductId"], undefined, "is missing: a dev stack only ever publishes to the dev/test product; allowed: its product ID");
    }
    if (!dev && Object.keys(mp.products).length === 0) {
        add(["aws", "marketplace", "products"], mp.products, "is empty: the marketplace is enabled in prod; allowed: a map of major version to {x86_64, arm64} product IDs");
    }
    const prodProducts = Object.values(mp.products).flatMap((p) => Object.values(p));
    if (dev && mp.devProductId && prodProducts.includes(mp.devProductId)) {
        add(["aws", "marketplace", "devProductId"], mp.devProductId, "is one of the prod products in aws.marketplace.products, and a dev stack never touches a prod listing; allowed: the dev/test product's ID");
    }
    // The Catalog API is served from us-east-1 only, and AmiSource.AmiId must be an AMI "located in the
    // region where CatalogMarketplace is called" (aws-samples/aws-marketplace-api-samples, AddDeliveryOptions).
    const regions = aws.regions === "all" ? "all" : [aws.sourceRegion, ...aws.regions];
    if (regions !== "all" && !regions.includes(MARKETPLACE_REGION)) {
        add(["aws", "regions"], aws.regions, `leaves out ${MARKETPLACE_REGION}, where AWS Marketplace reads the AMI of each version; allowed: a list that includes ${MARKETPLACE_REGION}, or aws.marketplace.enabled false`);
    }
    if (dev) {
        return;
    }
    (config.releases ?? []).forEach((r, i) => {
        if (r === undefined || r.awsMarketplace === false || Object.keys(mp.products).length === 0) {
            return;
        }
        const major = r.version.split(".")[0];
        const products = mp.products[major];
        if (!products) {
            add(["aws", "marketplace", "products", major], undefined,
                `is missing: release ${r.version} (releases[${i}]) has major version ${major} and the marketplace is enabled; ` +
                `allowed: {x86_64, arm64} product IDs for ${major}, or awsMarketplace: false on releases[${i}] to leave it unlisted`);
            return;
        }
        for (const arch of r.architectures) {
            if (!products[arch]) {
                add(["aws", "marketplace", "products", major, arch], undefined,
                    `is missing: release ${r.version} (releases[${i}]) ships ${arch} and the marketplace is enabled; ` +
                    `allowed: the ${arch} product ID for ${major}, or awsMarketplace: false on releases[${i}] to leave it unlisted`);
            }
        }
    });
}
