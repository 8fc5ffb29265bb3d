import * as pulumi from "@pulumi/pulumi";
import { Release, StackConfig, awsTargetFor, isListed, releaseVariantsOf, renderTemplate } from "../config";
import { CloudPublisher, ImageRequest, PublishedImage } from "../publisher";
import { AwsImage } from "./image";
import { awsPreflight } from "./preflight";
import { AwsPublicAccess } from "./public-access";
import { awsMarketplaceVersion } from "./release-marketplace";

/**
 * AWS: the preflight resolves the regions (and checks quotas and names), prod with public sharing
 * unblocks public AMI access per region first, and each image is an {@link AwsImage} with, where
 * config maps its product, an AWS Marketplace version of its us-east-1 AMI.
 */
export class AwsPublisher implements CloudPublisher {
    public readonly cloud = "aws";
    /** The regions, "all" resolved, source region first; set by the preflight. */
    private regions: string[] = [];
    /** Per region, what launch permissions wait for: the unblocked public AMI access. */
    private sharingDependsOn?: Record<string, pulumi.Resource>;

    constructor(private readonly config: StackConfig, private readonly releases: Release[]) {}

    async preflight(): Promise<void> {
        const { config } = this;
        const imageNames = this.releases.flatMap((r) => releaseVariantsOf(config, "aws", r).flatMap((variant) => r.architectures.map((arch) =>
            renderTemplate(config.naming.image, { product: config.product.name, version: r.version, arch, cloud: "aws", variant: variant?.name }))));
        this.regions = (await awsPreflight(config.aws, config.environment, imageNames)).regions;
    }

    setUp(): void {
        const { config } = this;
        if (config.environment === "prod" && config.aws.sharing.public && config.aws.sharing.unblockPublicAccess) {
            this.sharingDependsOn = new AwsPublicAccess("aws-public-access", { regions: this.regions }).settings;
        }
    }

    image(name: string, request: ImageRequest, parent: pulumi.Resource): PublishedImage {
        const { config } = this;
        const image = new AwsImage(name, {
            ...request, product: config.product.name, environment: config.environment,
            target: awsTargetFor(config.aws, request.variant), regions: this.regions, sharingDependsOn: this.sharingDependsOn,
        }, { parent });
        // With variants, only the variant aws.marketplace.variant names goes to the products.
        const listing = isListed(config, "aws", request.variant)
            ? awsMarketplaceVersion(`${name}-marketplace`, request.release, request.architecture, image.regionImageIds, config, { parent })
            : undefined;
        return { imageIds: image.imageIds, ...(listing ? { listing } : {}) };
    }
}
