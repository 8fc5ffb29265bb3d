import * as pulumi from "@pulumi/pulumi";
import { ShieldedInstanceInitialState } from "./compute-client";
import { armImageProvider } from "./arm-image-provider";
import { withFormerType } from "../dynamic/named-type";

/** Arguments of {@link GcpArmImage}. */
export interface GcpArmImageArgs {
    /** The project the image is created in. */
    project: pulumi.Input<string>;
    /** The image name, already GCE-safe. */
    name: pulumi.Input<string>;
    /** The https://storage.googleapis.com/ URL of the .tar.gz that holds disk.raw. */
    source: pulumi.Input<string>;
    /** The image family, when there is one. */
    family?: pulumi.Input<string>;
    /** The image description. */
    description?: pulumi.Input<string>;
    /** Guest OS features, such as UEFI_COMPATIBLE and GVNIC. */
    guestOsFeatures: pulumi.Input<pulumi.Input<string>[]>;
    /** License URLs. */
    licenses: pulumi.Input<pulumi.Input<string>[]>;
    /** Labels, GCE-safe. */
    labels: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Cloud Storage locations of the image; empty for the API's default. */
    storageLocations: pulumi.Input<pulumi.Input<string>[]>;
    /** Secure Boot variables, when config sets them. */
    shieldedInstanceInitialState?: pulumi.Input<ShieldedInstanceInitialState>;
}

let defaultProvider: ReturnType<typeof armImageProvider> | undefined;

/**
 * A Compute Engine image with `architecture: "ARM64"`, made by a dynamic provider (see
 * arm-image-provider.ts) because `gcp.compute.Image` has no architecture input. The provider reaches
 * the API with Application Default Credentials, or the endpoint in CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE.
 */
export class GcpArmImage extends pulumi.dynamic.Resource {
    /** The image name. */
    declare public readonly name: pulumi.Output<string>;
    /** The image URL. */
    declare public readonly selfLink: pulumi.Output<string>;
    /** The numeric image ID. */
    declare public readonly imageId: pulumi.Output<string>;
    /** The image status, READY once created. */
    declare public readonly status: pulumi.Output<string>;

    constructor(name: string, args: GcpArmImageArgs, opts?: pulumi.CustomResourceOptions) {
        defaultProvider ??= armImageProvider();
        super(defaultProvider, name, {
            ...args,
            selfLink: undefined,
            imageId: undefined,
            status: undefined,
            creationTimestamp: undefined,
        }, withFormerType(opts), "gcp", "ArmImage");
    }
}
