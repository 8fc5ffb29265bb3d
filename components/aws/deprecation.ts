import * as pulumi from "@pulumi/pulumi";
import { imageDeprecationProvider } from "./deprecation-provider";

/** Arguments of {@link AwsImageDeprecation}. */
export interface AwsImageDeprecationArgs {
    /** The AMI's region. */
    region: pulumi.Input<string>;
    /** The AMI or copy to deprecate. */
    imageId: pulumi.Input<string>;
    /** The UTC day it is deprecated from, YYYY-MM-DD; the time is decided when the provider runs. */
    date: pulumi.Input<string>;
}

let defaultProvider: ReturnType<typeof imageDeprecationProvider> | undefined;

/**
 * An AMI's deprecation (EnableImageDeprecation) from a date: the date's midnight UTC while it is ahead,
 * else the nearest time EC2 accepts. The plan carries the date only, so it reads the same on any day.
 * Deleting it (the date left config) sends DisableImageDeprecation. Type `pulumi-nodejs:dynamic/aws:ImageDeprecation`.
 */
export class AwsImageDeprecation extends pulumi.dynamic.Resource {
    /** The DeprecationTime the AMI carries. */
    declare public readonly deprecationTime: pulumi.Output<string>;

    constructor(name: string, args: AwsImageDeprecationArgs, opts?: pulumi.CustomResourceOptions) {
        defaultProvider ??= imageDeprecationProvider();
        super(defaultProvider, name, { ...args, deprecationTime: undefined }, opts, "aws", "ImageDeprecation");
    }
}
