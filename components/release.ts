import * as pulumi from "@pulumi/pulumi";
import { Cloud, Release as ReleaseSpec, StackConfig, renderTemplate } from "./config";
import { AwsListing, AzureListing } from "./outputs";
import { CloudPublisher, PerArch, PublishedImage } from "./publisher";
import { releaseTransformation } from "./lifecycle";

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

/** Arguments of {@link Release}. */
export interface ReleaseArgs {
    /** The release, resolved from config. */
    release: ReleaseSpec;
    /** The validated stack config. */
    config: StackConfig;
    /** The publisher of each enabled cloud, set up for the stack, in config's order of clouds. */
    publishers: CloudPublisher[];
}

/** One release: every enabled cloud and every architecture, and the manifest of their image IDs. */
export class Release extends pulumi.ComponentResource {
    /** The image IDs: cloud → architecture → region → ID. */
    public readonly images: pulumi.Output<ReleaseImages>;
    /** The marketplace listings: cloud → architecture → listing. */
    public readonly marketplace: pulumi.Output<ReleaseMarketplace>;
    /** The community image IDs: cloud → architecture → ID. */
    public readonly community: pulumi.Output<ReleaseCommunity>;

    constructor(name: string, args: ReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        // Every resource of the release is protected, retained or neither together, and keeps the
        // stack-wide settings it was published with (components/lifecycle.ts).
        super("image-publisher:index:Release", name, {}, {
            ...opts, transformations: [...(opts?.transformations ?? []), releaseTransformation(args.release, args.config.environment)],
        });
        const { release, config } = args;
        const images: Record<string, PerArch<pulumi.Output<Record<string, string>>>> = {};
        const marketplace: Record<string, PerArch<pulumi.Output<unknown>>> = {};
        const community: Record<string, PerArch<pulumi.Output<string>>> = {};

        for (const publisher of args.publishers) {
            const cloud = publisher.cloud;
            const published: PerArch<PublishedImage> = {};
            images[cloud] = {};
            for (const arch of release.architectures) {
                const imageName = renderTemplate(config.naming.image, { product: config.product.name, version: release.version, arch, cloud });
                const image = publisher.image(`${name}-${cloud}-${arch}`, { release, architecture: arch, imageName }, this);
                published[arch] = image;
                images[cloud][arch] = image.imageIds;
                if (image.listing) {
                    (marketplace[cloud] ??= {})[arch] = image.listing;
                }
                if (image.communityId) {
                    (community[cloud] ??= {})[arch] = image.communityId;
                }
            }
            const listings = publisher.finishRelease?.(`${name}-${cloud}`, release, published, this);
            if (listings) {
                marketplace[cloud] = listings;
            }
        }

        this.images = pulumi.output(images) as pulumi.Output<ReleaseImages>;
        this.marketplace = pulumi.output(marketplace) as pulumi.Output<ReleaseMarketplace>;
        this.community = pulumi.output(community) as pulumi.Output<ReleaseCommunity>;
        this.registerOutputs({ images: this.images, marketplace: this.marketplace, community: this.community });
    }
}
