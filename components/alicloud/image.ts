import * as pulumi from "@pulumi/pulumi";
// The SDK's modules, not its root, which loads all of its service modules (about 90 ms of CPU in
// every process that loads it).
import * as ecs from "@pulumi/alicloud/ecs";
import { AliCloudTarget, Architecture, Release } from "../config/model";
import { ossDiskImage } from "./artifact";
import { AliCloudCommunityShare } from "./community-share";
import { AliCloudImportImage } from "./import-image";
import { AliCloudRegions } from "./regions";
import { importSource } from "../staging/stage";

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
 * bucket's region) as `<name>-source`, which stays private as the source of every copy; copied to every
 * other configured region, and imported a second time as the published image of the source region (CopyImage
 * does not copy within a region); each published image shared with the configured accounts and then, in
 * prod with `sharing.public`, made a community image. x86_64 goes through
 * `alicloud.ecs.ImageImport`; arm64 through {@link AliCloudImportImage}, since ImageImport accepts only
 * x86_64 and i386. In prod the imports and copies are protected. The config's tags go on the copies
 * (ImageCopy takes tags; ImageImport does not, and the arm64 import matches it).
 *
 * Deprecation: ECS has no image deprecation to set here, so from the first run on or after the
 * release's deprecation date it stops being a community image (IsPublic=false in every region). Its images and account shares stay, so that
 * running instances and launch templates that name them keep working; removing the release from
 * config deletes them (in prod only once protection is lifted).
 */
export class AliCloudImage extends pulumi.ComponentResource {
    /** The published image in each configured region (the second import in the source region, a copy elsewhere); the private source is not among them. */
    public readonly imageIds: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: AliCloudImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("image-publisher:alicloud:Image", name, {}, opts);
        const { release, architecture, target, regions } = args;
        const artifact = release.artifacts.alicloud[architecture];
        if (!artifact) {
            throw new Error(`release ${release.version} has no AliCloud artifact for ${architecture}`);
        }
        // An artifact outside OSS is copied into the source region's alicloud.stagingBucket first; the import waits for the copy.
        const staged = importSource(name, "alicloud", artifact, target.stagingBucket?.[target.sourceRegion], { parent: this, region: target.sourceRegion });
        const afterStaging = staged.dependsOn.length > 0 ? { dependsOn: staged.dependsOn } : {};
        const disk = ossDiskImage(staged.uri);
        const prod = args.environment === "prod";
        const source = target.sourceRegion;
        const description = target.image.description ?? `${args.product} ${release.version} ${architecture}`;
        const image = target.image;

        /** Imports the artifact in the source region as an image of the given name. */
        const importAs = (resourceName: string, imageName: string): pulumi.Output<string> => architecture === "x86_64"
            ? new ecs.ImageImport(resourceName, {
                diskDeviceMappings: [{ ...disk, diskImageSize: image.diskImageSize }],
                architecture: "x86_64",
                osType: image.osType,
                platform: image.platform,
                bootMode: image.bootMode,
                imageName,
                description,
            }, { parent: this, provider: regions.providerFor(source), protect: prod, customTimeouts: { create: "3h" }, ...afterStaging }).id
            : new AliCloudImportImage(resourceName, {
                regionId: source,
                ...disk,
                diskImageSize: image.diskImageSize,
                architecture: "arm64",
                osType: image.osType,
                platform: image.platform,
                bootMode: image.bootMode,
                imageName,
                description,
            }, { parent: this, protect: prod, ...afterStaging }).imageId;

        // The first import is the private source of every copy and is never shared: "Community images
        // cannot be shared, exported, or copied" (ModifyImageSharePermission,
        // https://www.alibabacloud.com/help/en/ecs/developer-reference/api-modifyimagesharepermission), so
        // an image made public could never be copied to a region added later. ECS takes an image name
        // once in a region, so this one carries a "-source" suffix and the published name stays free.
        const sourceImageId = importAs(`${name}-import`, `${args.imageName}-source`);

        const ids: Record<string, pulumi.Output<string>> = {};
        const community = prod && target.sharing.public;
        for (const region of target.regions) {
            // CopyImage refuses an unencrypted copy within the source region (403 IncorrectDestinationRegion,
            // "The source region must be different from the destination region",
            // https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-copyimage), so the
            // source region publishes a second import of the artifact; every other region a copy.
            const imageId = region === source
                ? importAs(`${name}-${region}`, args.imageName)
                : new ecs.ImageCopy(`${name}-${region}`, {
                    sourceImageId,
                    sourceRegionId: source,
                    imageName: args.imageName,
                    description,
                    tags: target.tags,
                }, { parent: this, provider: regions.providerFor(region), protect: prod, customTimeouts: { create: "2h" } }).id;
            ids[region] = imageId;

            // Accounts are shared with before the image turns public: a community image cannot be shared,
            // and shares made before publishing survive unpublishing (ModifyImageSharePermission, as above).
            const accountShares = target.sharing.accounts.map((accountId) =>
                new ecs.ImageSharePermission(`${name}-${region}-account-${accountId}`, { imageId, accountId },
                    { parent: this, provider: regions.providerFor(region) }));
            if (community) {
                // The image's ID resolves once it is Available, so it turns public only after its copy or
                // import is done; nothing is ever copied from it.
                new AliCloudCommunityShare(`${name}-${region}-community`, {
                    regionId: region,
                    imageId,
                    isPublic: !release.deprecation?.passed,
                }, { parent: this, dependsOn: accountShares });
            }
        }

        this.imageIds = pulumi.output(ids);
        this.registerOutputs({ imageIds: this.imageIds });
    }
}
