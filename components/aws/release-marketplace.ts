import * as pulumi from "@pulumi/pulumi";
import { Architecture, Release, StackConfig, renderTemplate } from "../config";
import { AwsListing } from "../outputs";
import { AwsMarketplaceVersion } from "./marketplace";

/**
 * The AWS Marketplace version of one release and architecture, when config maps the release's
 * major version and architecture to a product. A dev stack only ever uses the dev/test product.
 * Returns the listing as the stack outputs report it, or undefined when there is no product.
 */
export function awsMarketplaceVersion(
    name: string, release: Release, arch: Architecture, amiId: pulumi.Input<string>, config: StackConfig, opts: pulumi.CustomResourceOptions,
): pulumi.Output<AwsListing> | undefined {
    const mp = config.aws.marketplace;
    if (!mp.enabled || !mp.accessRoleArn) {
        return undefined;
    }
    const productId = config.environment === "dev" ? mp.devProductId : mp.products[release.major]?.[arch];
    if (!productId) {
        return undefined;
    }
    const values = { product: config.product.name, version: release.version, arch };
    const version = new AwsMarketplaceVersion(name, {
        productId,
        amiId,
        architecture: arch,
        version: release.version,
        versionTitle: release.version,
        releaseNotes: release.releaseNotes ?? `${config.product.name} ${release.version}`,
        accessRoleArn: mp.accessRoleArn,
        osName: mp.osName,
        osVersion: renderTemplate(mp.osVersion ?? "{version}", values),
        username: mp.username,
        scanningPort: mp.scanningPort,
        usageInstructions: mp.usageInstructions,
        securityGroups: mp.securityGroups,
        recommendedInstanceType: mp.recommendedInstanceType,
        deprecated: release.deprecation !== undefined,
        waitForCompletion: mp.waitForCompletion,
    }, { ...opts, protect: config.environment === "prod" });
    return pulumi.all([version.changeSetId, version.changeSetStatus, version.deliveryOptionId]).apply(([changeSetId, status, deliveryOptionId]) =>
        deliveryOptionId ? { productId, changeSetId, status, deliveryOptionId } : { productId, changeSetId, status });
}
