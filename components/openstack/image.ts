import * as pulumi from "@pulumi/pulumi";
// The SDK's modules, not its root, which loads all of its service modules.
import * as images from "@pulumi/openstack/images";
import { Architecture, OpenStackTarget, Release } from "../config/model";
import { OpenStackClouds } from "./clouds";
import { glanceDiskFormat } from "./disk-format";

/** Arguments of {@link OpenStackImage}. */
export interface OpenStackImageArgs {
    /** The release, resolved: version, artifacts, deprecation. */
    release: Release;
    /** x86_64 or arm64. */
    architecture: Architecture;
    /** The OpenStack target block of the stack config. */
    target: OpenStackTarget;
    /** The product name. */
    product: string;
    /** The image name, already rendered from the naming template. */
    imageName: string;
    /** The stack's environment; a dev stack's images are always private. */
    environment: "dev" | "prod";
    /** The stack's per-cloud, per-region providers; one image is made for each. */
    clouds: OpenStackClouds;
}

/** The architecture names Glance and Nova use. */
const glanceArchitecture: Record<Architecture, string> = { x86_64: "x86_64", arm64: "aarch64" };

/**
 * One release's Glance image for one architecture in every configured cloud and region, each made
 * with that cloud's provider. Glance fetches the artifact itself (web-download import), so nothing
 * passes through the machine that runs Pulumi, unless the artifact has a sha256: then the provider
 * downloads it and verifies what Glance stored. The image carries the config's properties plus
 * `architecture` and `hw_architecture` (x86_64 or aarch64) and `os_version`. Visibility comes from
 * config in prod and is always "private" in dev. In prod the images are protected.
 *
 * Deprecation: Glance has no deprecation state, so from the first run on or after the release's
 * deprecation date its images are hidden
 * (`os_hidden`, the provider's `hidden`): they leave the default image list but keep working for
 * anything that names them by ID.
 */
export class OpenStackImage extends pulumi.ComponentResource {
    /** The image ID in each cloud and region, keyed "<cloud>/<region>". */
    public readonly imageIds: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: OpenStackImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("image-publisher:openstack:Image", name, {}, opts);
        const { release, architecture, target } = args;
        const artifact = release.artifacts.openstack[architecture];
        if (!artifact) {
            throw new Error(`release ${release.version} has no OpenStack artifact for ${architecture}`);
        }
        const prod = args.environment === "prod";
        const diskFormat = glanceDiskFormat(artifact.uri);
        const properties: Record<string, string> = {
            ...target.properties,
            architecture: glanceArchitecture[architecture],
            hw_architecture: glanceArchitecture[architecture],
            os_version: release.version,
        };

        // Glance's web-download import checks nothing against a checksum we know. With a sha256 in
        // config the provider downloads the artifact itself instead and, with verifyChecksum, fails
        // the image when what Glance stored differs from what it downloaded ("Error wrong checksum",
        // terraform-provider-openstack resource_openstack_images_image_v2.go). That check compares
        // Glance's checksum with the download's, not with the configured sha256 itself.
        const downloadAndVerify = artifact.sha256 !== undefined;
        const ids: Record<string, pulumi.Output<string>> = {};
        for (const { cloud, region } of args.clouds.locations) {
            ids[`${cloud}/${region}`] = new images.Image(`${name}-${cloud}-${region}`, {
                name: args.imageName,
                region,
                containerFormat: "bare",
                diskFormat,
                imageSourceUrl: artifact.uri,
                webDownload: !downloadAndVerify,
                ...(downloadAndVerify ? { verifyChecksum: true } : {}),
                visibility: prod ? target.visibility : "private",
                properties,
                minDiskGb: target.minDiskGb,
                tags: target.tags,
                hidden: release.deprecation?.passed === true,
            // A web-download import that stalls (in "queued", or on a cloud with web-download switched off) fails after an hour.
            }, { parent: this, provider: args.clouds.providerFor(cloud, region), protect: prod, customTimeouts: { create: "1h" } }).id;
        }

        this.imageIds = pulumi.output(ids);
        this.registerOutputs({ imageIds: this.imageIds });
    }
}
