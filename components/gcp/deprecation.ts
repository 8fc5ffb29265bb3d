import * as pulumi from "@pulumi/pulumi";
import { imageDeprecationProvider } from "./deprecation-provider";
import { withFormerType } from "../dynamic/named-type";

/** Arguments of {@link GcpImageDeprecation}. */
export interface GcpImageDeprecationArgs {
    /** The project of the image. */
    project: pulumi.Input<string>;
    /** The name of the image to deprecate. */
    image: pulumi.Input<string>;
    /** When the image is deprecated, RFC 3339. */
    deprecated: pulumi.Input<string>;
    /** The URL of the image that replaces it, such as the next release's image. */
    replacement?: pulumi.Input<string>;
}

let defaultProvider: ReturnType<typeof imageDeprecationProvider> | undefined;

/**
 * The deprecation status of an image (images.deprecate with state DEPRECATED), which
 * `gcp.compute.Image` cannot set. Deleting this resource clears the status: the image is ACTIVE again.
 */
export class GcpImageDeprecation extends pulumi.dynamic.Resource {
    /** The deprecation state, DEPRECATED. */
    declare public readonly state: pulumi.Output<string>;

    constructor(name: string, args: GcpImageDeprecationArgs, opts?: pulumi.CustomResourceOptions) {
        defaultProvider ??= imageDeprecationProvider();
        super(defaultProvider, name, { state: "DEPRECATED", ...args }, withFormerType(opts), "gcp", "ImageDeprecation");
    }
}
