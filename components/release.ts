import * as pulumi from "@pulumi/pulumi";
import { Architecture, Cloud, Release as ReleaseSpec, StackConfig, renderTemplate } from "./config";
import { AwsImage } from "./aws/image";
import { AwsMarketplaceVersion } from "./aws/marketplace";
import { GcpImage, gceName } from "./gcp/image";
import { AliCloudImage } from "./alicloud/image";
import { AliCloudRegions } from "./alicloud/regions";
import { OpenStackImage } from "./openstack/image";
import { OpenStackClouds } from "./openstack/clouds";

/** One marketplace listing of a release and architecture, as the stack outputs report it. */
export interface MarketplaceListing {
    /** The product (AWS) or offer (Azure) it belongs to. */
    productId: string;
    /** The change set (AWS) or configure job (Azure) that made it. */
    changeSetId: string;
    /** That change set's or job's status. */
    status: string;
    /** The AWS delivery option of this version, once known. */
    deliveryOptionId?: string;
}

/** The marketplace listings of one release: cloud → architecture → listing. */
export type ReleaseMarketplace = Partial<Record<Cloud, Partial<Record<Architecture, MarketplaceListing>>>>;

/** The IDs of one release: cloud → architecture → region → image ID. */
export type ReleaseImages = Partial<Record<Cloud, Partial<Record<Architecture, Record<string, string>>>>>;

/** What the stack decided once for all releases: resolved regions and shared per-cloud resources. */
export interface StackContext {
    /** The AWS regions, "all" resolved, source region first; absent when AWS is off. */
    awsRegions?: string[];
    /** Resources that launch permissions wait for, such as unblocked public AMI access. */
    awsSharingDependsOn?: pulumi.Resource[];
    /** One AliCloud provider per region; absent when AliCloud is off. */
    alicloud?: AliCloudRegions;
    /** One OpenStack provider per cloud and region; absent when OpenStack is off. */
    openstack?: OpenStackClouds;
}

/** Arguments of {@link Release}. */
export interface ReleaseArgs {
    /** The release, resolved from config. */
    release: ReleaseSpec;
    /** The validated stack config. */
    config: StackConfig;
    /** What the stack resolved and created once for every release. */
    context: StackContext;
    /** The release that replaces this one once it is deprecated: the newest release that is not. */
    successor?: ReleaseSpec;
}

/** One release: every enabled cloud and every architecture, and the manifest of their image IDs. */
export class Release extends pulumi.ComponentResource {
    /** The image IDs: cloud → architecture → region → ID. */
    public readonly images: pulumi.Output<ReleaseImages>;
    /** The marketplace listings: cloud → architecture → listing. */
    public readonly marketplace: pulumi.Output<ReleaseMarketplace>;

    constructor(name: string, args: ReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("image-publisher:index:Release", name, {}, opts);
        const { release, config, context } = args;
        const images: Record<string, Record<string, pulumi.Output<Record<string, string>>>> = {};
        const marketplace: Record<string, Record<string, pulumi.Output<MarketplaceListing>>> = {};
        const imageName = (arch: Architecture, cloud: Cloud) =>
            renderTemplate(config.naming.image, { product: config.product.name, version: release.version, arch, cloud });

        if (config.aws.enabled && context.awsRegions) {
            images.aws = {};
            for (const arch of release.architectures) {
                const image = new AwsImage(`${name}-aws-${arch}`, {
                    release,
                    architecture: arch,
                    target: config.aws,
                    product: config.product.name,
                    imageName: imageName(arch, "aws"),
                    environment: config.environment,
                    regions: context.awsRegions,
                    sharingDependsOn: context.awsSharingDependsOn,
                }, { parent: this });
                images.aws[arch] = image.imageIds;
                const listing = this.awsMarketplace(`${name}-aws-${arch}-marketplace`, args, arch, image);
                if (listing) {
                    marketplace.aws ??= {};
                    marketplace.aws[arch] = listing;
                }
            }
        }

        const common = (arch: Architecture, cloud: Cloud) => ({
            release,
            architecture: arch,
            product: config.product.name,
            imageName: imageName(arch, cloud),
            environment: config.environment,
        });
        if (config.gcp.enabled) {
            images.gcp = {};
            for (const arch of release.architectures) {
                const replacement = args.successor && release.deprecation && config.gcp.project
                    ? `https://www.googleapis.com/compute/v1/projects/${config.gcp.project}/global/images/` +
                      gceName(renderTemplate(config.naming.image, { product: config.product.name, version: args.successor.version, arch, cloud: "gcp" }))
                    : undefined;
                images.gcp[arch] = new GcpImage(`${name}-gcp-${arch}`, { ...common(arch, "gcp"), target: config.gcp, replacement }, { parent: this }).imageIds;
            }
        }
        if (config.alicloud.enabled && context.alicloud) {
            images.alicloud = {};
            for (const arch of release.architectures) {
                images.alicloud[arch] = new AliCloudImage(`${name}-alicloud-${arch}`, {
                    ...common(arch, "alicloud"), target: config.alicloud, regions: context.alicloud,
                }, { parent: this }).imageIds;
            }
        }
        if (config.openstack.enabled && context.openstack) {
            images.openstack = {};
            for (const arch of release.architectures) {
                images.openstack[arch] = new OpenStackImage(`${name}-openstack-${arch}`, {
                    ...common(arch, "openstack"), target: config.openstack, clouds: context.openstack,
                }, { parent: this }).imageIds;
            }
        }

        this.images = pulumi.output(images) as pulumi.Output<ReleaseImages>;
        this.marketplace = pulumi.output(marketplace) as pulumi.Output<ReleaseMarketplace>;
        this.registerOutputs({ images: this.images, marketplace: this.marketplace });
    }

    /**
     * The AWS Marketplace version of one architecture, when config maps the release's major
     * version and architecture to a product. A dev stack only ever uses the dev/test product.
     */
    private awsMarketplace(name: string, args: ReleaseArgs, arch: Architecture, image: AwsImage): pulumi.Output<MarketplaceListing> | undefined {
        const { release, config } = args;
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
            amiId: image.sourceImageId,
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
        }, { parent: this, protect: config.environment === "prod" });
        return pulumi.all([version.changeSetId, version.changeSetStatus, version.deliveryOptionId]).apply(([changeSetId, status, deliveryOptionId]) =>
            deliveryOptionId ? { productId, changeSetId, status, deliveryOptionId } : { productId, changeSetId, status });
    }
}
