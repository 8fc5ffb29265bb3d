import * as pulumi from "@pulumi/pulumi";
import { Architecture, Release, StackConfig, marketplaceVariant, renderTemplate } from "../config";
import { AwsListing } from "../outputs";
import { AwsMarketplaceVersion } from "./marketplace";
import { MARKETPLACE_REGION } from "./marketplace-changeset";

/** The product a release's architecture is published to: the dev/test product in dev, else the one its major version maps to. */
export function marketplaceProduct(config: StackConfig, release: Release, arch: Architecture): string | undefined {
    const mp = config.aws.marketplace;
    if (release.awsMarketplace === false) {
        return undefined;
    }
    return config.environment === "dev" ? mp.devProductId : mp.products[release.major]?.[arch];
}

/**
 * The version title: `aws.marketplace.versionTitle` filled in (`{version}` by default), with the
 * architecture added when the release's other architecture goes to the same product (always in dev,
 * which has one product) and the template does not name it. A title is unique within a product, and
 * delivery options cannot be added to an existing version ("All delivery options must be added to a
 * version when the version is created", Catalog API, AMI products, Add a new version), so two
 * architectures of one release in one product need two titles.
 */
export function marketplaceVersionTitle(config: StackConfig, release: Release, arch: Architecture): string {
    const template = config.aws.marketplace.versionTitle;
    const title = renderTemplate(template, listingValues(config, release, arch));
    const product = marketplaceProduct(config, release, arch);
    const shared = release.architectures.some((other) => other !== arch && marketplaceProduct(config, release, other) === product);
    return shared && !template.includes("{arch}") ? `${title} ${arch}` : title;
}

/** The release notes: the release's own, else `aws.marketplace.releaseNotes`, filled in. */
export function marketplaceReleaseNotes(config: StackConfig, release: Release, arch: Architecture): string {
    return renderTemplate(release.releaseNotes ?? config.aws.marketplace.releaseNotes, listingValues(config, release, arch));
}

/** What a listing template's placeholders stand for. */
function listingValues(config: StackConfig, release: Release, arch: Architecture) {
    return { product: config.product.name, version: release.version, arch, variant: marketplaceVariant(config, "aws") };
}

/**
 * The AWS Marketplace version of one release and architecture, when config maps the release's
 * major version and architecture to a product. A dev stack only ever uses the dev/test product.
 * `regionImageIds` are the release's AMIs by region: the Catalog API is served from us-east-1 only and
 * takes an AMI of that region, so the version gets the us-east-1 AMI or copy.
 * Returns the listing as the stack outputs report it, or undefined when there is no product.
 */
export function awsMarketplaceVersion(
    name: string, release: Release, arch: Architecture, regionImageIds: Record<string, pulumi.Output<string>>, config: StackConfig,
    opts: pulumi.CustomResourceOptions,
): pulumi.Output<AwsListing> | undefined {
    const mp = config.aws.marketplace;
    if (!mp.enabled || !mp.accessRoleArn) {
        return undefined;
    }
    const productId = marketplaceProduct(config, release, arch);
    if (!productId) {
        return undefined;
    }
    const amiId = regionImageIds[MARKETPLACE_REGION];
    if (!amiId) {
        // Validation refuses this; the component refuses it again rather than list another region's AMI.
        throw new Error(`release ${release.version} has no AMI in ${MARKETPLACE_REGION}, where AWS Marketplace reads it; add ${MARKETPLACE_REGION} to aws.regions`);
    }
    const values = { product: config.product.name, version: release.version, arch };
    const version = new AwsMarketplaceVersion(name, {
        productId,
        amiId,
        architecture: arch,
        version: release.version,
        versionTitle: marketplaceVersionTitle(config, release, arch),
        releaseNotes: marketplaceReleaseNotes(config, release, arch),
        accessRoleArn: mp.accessRoleArn,
        osName: mp.osName,
        osVersion: renderTemplate(mp.osVersion ?? "{version}", values),
        username: mp.username,
        scanningPort: mp.scanningPort,
        usageInstructions: mp.usageInstructions,
        securityGroups: mp.securityGroups,
        recommendedInstanceType: mp.recommendedInstanceType,
        // Marketplace has no scheduled restriction: the version is restricted on the first run on or after the date.
        deprecated: release.deprecation?.passed === true,
        waitForCompletion: mp.waitForCompletion,
        pollTimeoutMinutes: config.aws.timeouts.marketplaceMinutes,
    }, { ...opts, protect: config.environment === "prod" });
    return pulumi.all([version.changeSetId, version.changeSetStatus, version.deliveryOptionId]).apply(([changeSetId, status, deliveryOptionId]) =>
        deliveryOptionId ? { productId, changeSetId, status, deliveryOptionId } : { productId, changeSetId, status });
}
