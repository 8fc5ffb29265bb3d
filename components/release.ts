import * as pulumi from "@pulumi/pulumi";
import { Architecture, Cloud, Release as ReleaseSpec, StackConfig, renderTemplate } from "./config";
import { AwsListing, AzureListing } from "./outputs";
import type { AzureGallery } from "./azure/gallery";
import type { AzureMarketplaceVersion } from "./azure/partner-center";
import type { AliCloudRegions } from "./alicloud/regions";
import type { OpenStackClouds } from "./openstack/clouds";

// Each cloud's components, and with them its Pulumi SDK (hundreds of milliseconds to load), are
// loaded only when the cloud is on; the types come from `import type`, which loads nothing.
const awsImage = () => require("./aws/image") as typeof import("./aws/image");
const awsMarketplace = () => require("./aws/release-marketplace") as typeof import("./aws/release-marketplace");
const azureImage = () => require("./azure/image") as typeof import("./azure/image");
const azurePartnerCenter = () => require("./azure/partner-center") as typeof import("./azure/partner-center");
const gcpImage = () => require("./gcp/image") as typeof import("./gcp/image");
const aliCloudImage = () => require("./alicloud/image") as typeof import("./alicloud/image");
const openStackImage = () => require("./openstack/image") as typeof import("./openstack/image");

/** Per-architecture values. */
type PerArch<T> = Partial<Record<Architecture, T>>;

/** The IDs of one release: cloud → architecture → region → image ID. */
export type ReleaseImages = Partial<Record<Cloud, PerArch<Record<string, string>>>>;

/** The marketplace listings of one release: cloud → architecture → listing. */
export interface ReleaseMarketplace {
    /** AWS Marketplace versions. */
    aws?: PerArch<AwsListing>;
    /** Partner Center plan versions. */
    azure?: PerArch<AzureListing>;
}

/** The community image IDs of one release. */
export interface ReleaseCommunity {
    /** Azure community gallery image versions. */
    azure?: PerArch<string>;
}

/** What the stack decided once for all releases: resolved regions and shared per-cloud resources. */
export interface StackContext {
    /** The AWS regions, "all" resolved, source region first; absent when AWS is off. */
    awsRegions?: string[];
    /** Per region, what launch permissions wait for, such as unblocked public AMI access. */
    awsSharingDependsOn?: Record<string, pulumi.Resource>;
    /** The Azure gallery with its image definitions; absent when Azure is off. */
    azure?: AzureGallery;
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
    /** The previous release's Partner Center update: one plan takes one update at a time. */
    azureMarketplaceAfter?: pulumi.Resource;
}

/** One release: every enabled cloud and every architecture, and the manifest of their image IDs. */
export class Release extends pulumi.ComponentResource {
    /** The image IDs: cloud → architecture → region → ID. */
    public readonly images: pulumi.Output<ReleaseImages>;
    /** The marketplace listings: cloud → architecture → listing. */
    public readonly marketplace: pulumi.Output<ReleaseMarketplace>;
    /** The community image IDs: cloud → architecture → ID. */
    public readonly community: pulumi.Output<ReleaseCommunity>;
    /** This release's Partner Center update, which the next release's waits for. */
    public readonly azureMarketplace?: AzureMarketplaceVersion;

    constructor(name: string, args: ReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("image-publisher:index:Release", name, {}, opts);
        const { release, config, context } = args;
        const child = { parent: this };
        const images: Record<string, PerArch<pulumi.Output<Record<string, string>>>> = {};
        const marketplace: Record<string, PerArch<pulumi.Output<unknown>>> = {};
        const community: Record<string, PerArch<pulumi.Output<string>>> = {};
        const imageName = (version: string, arch: Architecture, cloud: Cloud) =>
            renderTemplate(config.naming.image, { product: config.product.name, version, arch, cloud });
        const common = (arch: Architecture, cloud: Cloud) => ({
            release,
            architecture: arch,
            product: config.product.name,
            imageName: imageName(release.version, arch, cloud),
            environment: config.environment,
        });

        if (config.aws.enabled && context.awsRegions) {
            const { AwsImage } = awsImage();
            const { awsMarketplaceVersion } = awsMarketplace();
            images.aws = {};
            for (const arch of release.architectures) {
                const image = new AwsImage(`${name}-aws-${arch}`, {
                    ...common(arch, "aws"), target: config.aws, regions: context.awsRegions, sharingDependsOn: context.awsSharingDependsOn,
                }, child);
                images.aws[arch] = image.imageIds;
                const listing = awsMarketplaceVersion(`${name}-aws-${arch}-marketplace`, release, arch, image.regionImageIds, config, child);
                if (listing) {
                    (marketplace.aws ??= {})[arch] = listing;
                }
            }
        }

        if (config.azure?.enabled && context.azure) {
            const { AzureImage } = azureImage();
            images.azure = {};
            const versionIds: PerArch<pulumi.Output<Record<string, string>>> = {};
            for (const arch of release.architectures) {
                const image = new AzureImage(`${name}-azure-${arch}`, { ...common(arch, "azure"), target: config.azure, gallery: context.azure }, child);
                images.azure[arch] = image.imageIds;
                versionIds[arch] = image.versionIds as pulumi.Output<Record<string, string>>;
                if (image.communityImageId) {
                    (community.azure ??= {})[arch] = image.communityImageId;
                }
            }
            const mp = config.azure.marketplace;
            if (mp.enabled && config.secrets.partnerCenterClientSecret) {
                const { AzureMarketplaceVersion } = azurePartnerCenter();
                const plan = new AzureMarketplaceVersion(`${name}-azure-marketplace`, {
                    release, target: config.azure, environment: config.environment, versionIds,
                    clientSecret: pulumi.secret(config.secrets.partnerCenterClientSecret),
                }, { ...child, dependsOn: args.azureMarketplaceAfter ? [args.azureMarketplaceAfter] : [] });
                this.azureMarketplace = plan;
                const listing = pulumi.all([plan.jobId, plan.status, plan.state]).apply(([jobId, status, state]) =>
                    ({ offerId: plan.offerId, planId: plan.planId, jobId, status, state }));
                marketplace.azure = Object.fromEntries(release.architectures.map((arch) => [arch, listing]));
            }
        }

        if (config.gcp.enabled) {
            const { GcpImage, gceName } = gcpImage();
            images.gcp = {};
            for (const arch of release.architectures) {
                const replacement = args.successor && release.deprecation && config.gcp.project
                    ? `https://www.googleapis.com/compute/v1/projects/${config.gcp.project}/global/images/` +
                      gceName(imageName(args.successor.version, arch, "gcp"))
                    : undefined;
                images.gcp[arch] = new GcpImage(`${name}-gcp-${arch}`, { ...common(arch, "gcp"), target: config.gcp, replacement }, child).imageIds;
            }
        }

        if (config.alicloud.enabled && context.alicloud) {
            const { AliCloudImage } = aliCloudImage();
            images.alicloud = {};
            for (const arch of release.architectures) {
                images.alicloud[arch] = new AliCloudImage(`${name}-alicloud-${arch}`, {
                    ...common(arch, "alicloud"), target: config.alicloud, regions: context.alicloud,
                }, child).imageIds;
            }
        }

        if (config.openstack.enabled && context.openstack) {
            const { OpenStackImage } = openStackImage();
            images.openstack = {};
            for (const arch of release.architectures) {
                images.openstack[arch] = new OpenStackImage(`${name}-openstack-${arch}`, {
                    ...common(arch, "openstack"), target: config.openstack, clouds: context.openstack,
                }, child).imageIds;
            }
        }

        this.images = pulumi.output(images) as pulumi.Output<ReleaseImages>;
        this.marketplace = pulumi.output(marketplace) as pulumi.Output<ReleaseMarketplace>;
        this.community = pulumi.output(community) as pulumi.Output<ReleaseCommunity>;
        this.registerOutputs({ images: this.images, marketplace: this.marketplace, community: this.community });
    }
}
