import * as pulumi from "@pulumi/pulumi";
import * as alicloud from "@pulumi/alicloud";
import { AliCloudTarget, Architecture, Release } from "../config/model";
import { ossDiskImage } from "./artifact";
import { AliCloudCommunityShare } from "./community-share";
import { AliCloudImportImage } from "./import-image";
import { AliCloudRegions } from "./regions";

/** Arguments of {@link AliCloudImage}. */
export interface AliCloudImageArgs {
    /** The release, resolved: version, artifacts, deprecation. */
    release: Release;
    /** x86_64 or arm64. */
    architecture: Architecture;
    /** The AliCloud target block of the stack config. */
    target: AliCloudTarget;
    /** The product name. */
    product: string;
    /** The image name, already rendered from the naming template. */
    imageName: string;
    /** The stack's environment; a dev stack never makes an image public. */
    environment: "dev" | "prod";
    /** The stack's per-region providers; they must cover the source region and every configured region. */
    regions: AliCloudRegions;
}

/**
 * One release's ECS image for one architecture: imported from OSS in the source region (the
 * bucket's region), where it stays private as the source of every copy; copied to every configured
 * region (the source region included); each copy shared with the configured accounts and then, in prod
 * with `sharing.public`, made a community image. x86_64 goes through
 * `alicloud.ecs.ImageImport`; arm64 through {@link AliCloudImportImage}, since ImageImport accepts only
 * x86_64 and i386. In prod the image and its copies are protected. The config's tags go on the copies
 * (ImageCopy takes tags; ImageImport does not, and the arm64 import matches it).
 *
 * Deprecation: ECS has no image deprecation to set here, so a deprecated release stops being a
 * community image (IsPublic=false in every region). Its images and account shares stay, so that
 * running instances and launch templates that name them keep working; removing the release from
 * config deletes them (in prod only once protection is lifted).
 */
export class AliCloudImage extends pulumi.ComponentResource {
    /** The published image (a copy) in each configured region; the private imported image is not among them. */
    public readonly imageIds: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: AliCloudImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("image-publisher:alicloud:Image", name, {}, opts);
        const { release, architecture, target, regions } = args;
        const artifact = release.artifacts.alicloud[architecture];
        if (!artifact) {
            throw new Error(`release ${release.version} has no AliCloud artifact for ${architecture}`);
        }
        const disk = ossDiskImage(artifact.uri);
        const prod = args.environment === "prod";
        const source = target.sourceRegion;
        const description = target.image.description ?? `${args.product} ${release.version} ${architecture}`;
        const image = target.image;

        const sourceImageId = architecture === "x86_64"
            ? new alicloud.ecs.ImageImport(`${name}-import`, {
                diskDeviceMappings: [{ ...disk, diskImageSize: image.diskImageSize }],
                architecture: "x86_64",
                osType: image.osType,
                platform: image.platform,
                bootMode: image.bootMode,
                imageName: args.imageName,
                description,
            }, { parent: this, provider: regions.providerFor(source), protect: prod, customTimeouts: { create: "3h" } }).id
            : new AliCloudImportImage(`${name}-import`, {
                regionId: source,
                ...disk,
                diskImageSize: image.diskImageSize,
                architecture: "arm64",
                osType: image.osType,
                platform: image.platform,
                bootMode: image.bootMode,
                imageName: args.imageName,
                description,
            }, { parent: this, protect: prod }).imageId;

        // The imported image is the private source of every copy and is never shared: "Community images
        // cannot be shared, exported, or copied" (ModifyImageSharePermission,
        // https://www.alibabacloud.com/help/en/ecs/developer-reference/api-modifyimagesharepermission), so
        // an image made public could never be copied to a region added later. Every configured region,
        // the source region included, gets a copy (CopyImage copies within a region too), and the copies
        // are what is published.
        const ids: Record<string, pulumi.Output<string>> = {};
        const community = prod && target.sharing.public;
        for (const region of target.regions) {
            const copy = new alicloud.ecs.ImageCopy(`${name}-${region}`, {
                sourceImageId,
                sourceRegionId: source,
                imageName: args.imageName,
                description,
                tags: target.tags,
            }, { parent: this, provider: regions.providerFor(region), protect: prod, customTimeouts: { create: "2h" } });
            ids[region] = copy.id;

            // Accounts are shared with before the image turns public: a community image cannot be shared,
            // and shares made before publishing survive unpublishing (ModifyImageSharePermission, as above).
            const accountShares = target.sharing.accounts.map((accountId) =>
                new alicloud.ecs.ImageSharePermission(`${name}-${region}-account-${accountId}`, { imageId: copy.id, accountId },
                    { parent: this, provider: regions.providerFor(region) }));
            if (community) {
                // The copy's ID resolves once the copy is Available, so the image turns public only after
                // its copy is done; nothing is ever copied from it.
                new AliCloudCommunityShare(`${name}-${region}-community`, {
                    regionId: region,
                    imageId: copy.id,
                    isPublic: release.deprecation === undefined,
                }, { parent: this, dependsOn: accountShares });
            }
        }

        this.imageIds = pulumi.output(ids);
        this.registerOutputs({ imageIds: this.imageIds });
    }
}
