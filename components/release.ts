import * as pulumi from "@pulumi/pulumi";
import { Architecture, Cloud, Release as ReleaseSpec, StackConfig, renderTemplate } from "./config";
import { AwsImage } from "./aws/image";

/** The IDs of one release: cloud → architecture → region → image ID. */
export type ReleaseImages = Partial<Record<Cloud, Partial<Record<Architecture, Record<string, string>>>>>;

/** What the stack decided once for all releases: resolved regions and shared per-cloud resources. */
export interface StackContext {
    /** The AWS regions, "all" resolved, source region first; absent when AWS is off. */
    awsRegions?: string[];
    /** Resources that launch permissions wait for, such as unblocked public AMI access. */
    awsSharingDependsOn?: pulumi.Resource[];
}

/** Arguments of {@link Release}. */
export interface ReleaseArgs {
    /** The release, resolved from config. */
    release: ReleaseSpec;
    /** The validated stack config. */
    config: StackConfig;
    /** What the stack resolved and created once for every release. */
    context: StackContext;
}

/** One release: every enabled cloud and every architecture, and the manifest of their image IDs. */
export class Release extends pulumi.ComponentResource {
    /** The image IDs: cloud → architecture → region → ID. */
    public readonly images: pulumi.Output<ReleaseImages>;

    constructor(name: string, args: ReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("image-publisher:index:Release", name, {}, opts);
        const { release, config, context } = args;
        const images: Record<string, Record<string, pulumi.Output<Record<string, string>>>> = {};
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
            }
        }

        this.images = pulumi.output(images) as pulumi.Output<ReleaseImages>;
        this.registerOutputs({ images: this.images });
    }
}
