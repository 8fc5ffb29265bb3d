import * as pulumi from "@pulumi/pulumi";
import { Cloud, Release as ReleaseSpec, StackConfig, releaseVariantsOf, renderTemplate } from "./config";
import { AwsListing, AzureListing } from "./outputs";
import { CloudPublisher, PerArch, PublishedImage } from "./publisher";
import { releaseTransformation } from "./lifecycle";

/** The IDs of one release: cloud → architecture → region → image ID (cloud → variant → architecture → … with variants). */
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
        // cloud → architecture → value, or cloud → variant → architecture → value with variants.
        const images: Record<string, unknown> = {};
        const marketplace: Record<string, unknown> = {};
        const community: Record<string, unknown> = {};

        for (const publisher of args.publishers) {
            const cloud = publisher.cloud;
            for (const variant of releaseVariantsOf(config, cloud, release)) {
                // With variants, each variant's images sit under its name, in the resource names and
                // the outputs alike; without, the names and outputs are those of a stack without variants.
                const slot = <T>(byCloud: Record<string, unknown>): PerArch<T> => (variant
                    ? (((byCloud[cloud] ??= {}) as Record<string, PerArch<T>>)[variant.name] ??= {})
                    : ((byCloud[cloud] ??= {}) as PerArch<T>));
                const prefix = variant ? `${name}-${cloud}-${variant.name}` : `${name}-${cloud}`;
                const variantRelease = variant ? { ...release, artifacts: release.variantArtifacts?.[variant.name] ?? release.artifacts } : release;
                const published: PerArch<PublishedImage> = {};
                const imageIds = slot<pulumi.Output<Record<string, string>>>(images);
                for (const arch of release.architectures) {
                    const imageName = renderTemplate(config.naming.image, {
                        product: config.product.name, version: release.version, arch, cloud, variant: variant?.name,
                    });
                    const image = publisher.image(`${prefix}-${arch}`, { release: variantRelease, architecture: arch, imageName, variant }, this);
                    published[arch] = image;
                    imageIds[arch] = image.imageIds;
                    if (image.listing) {
                        slot<pulumi.Output<unknown>>(marketplace)[arch] = image.listing;
                    }
                    if (image.communityId) {
                        slot<pulumi.Output<string>>(community)[arch] = image.communityId;
                    }
                }
                const listings = publisher.finishRelease?.(prefix, variantRelease, published, this, variant);
                if (listings) {
                    Object.assign(slot<pulumi.Output<unknown>>(marketplace), listings);
                }
            }
        }

        this.images = pulumi.output(images) as pulumi.Output<ReleaseImages>;
        this.marketplace = pulumi.output(marketplace) as pulumi.Output<ReleaseMarketplace>;
        this.community = pulumi.output(community) as pulumi.Output<ReleaseCommunity>;
        this.registerOutputs({ images: this.images, marketplace: this.marketplace, community: this.community });
    }
}
