/**
 * AzureImage: one release's image for one architecture. The release's VHD is copied into the
 * gallery's storage account as a page blob, and a gallery image version is made straight from it
 * under each Hyper-V generation's definition, replicated to the configured regions. A dated
 * release's versions carry the end-of-life date at once and are excluded from "latest" from that date on. In prod the
 * versions are protected.
 */
import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import { Architecture, AzureTarget, Release, VariantEntry } from "../config";
import { AzureGallery } from "./gallery";
import { HyperVGeneration, communityImageId, galleryVersionName, generationsFor, primaryGeneration } from "./names";
import { VhdBlob } from "./vhd-blob";

/** Arguments of {@link AzureImage}. */
export interface AzureImageArgs {
    /** The release, resolved from config: version, artifacts, deprecation. */
    release: Release;
    /** x86_64 or arm64. */
    architecture: Architecture;
    /** The Azure target block of the stack config. */
    target: AzureTarget;
    /** The product name. */
    product: string;
    /** The image name, rendered from the naming template; the VHD blob is named after it. */
    imageName: string;
    /** The variant, when variants are configured: it picks its own definitions, family and labels. */
    variant?: VariantEntry;
    /** "dev" or "prod"; prod protects the versions. */
    environment: "dev" | "prod";
    /** The stack's gallery, with its storage account and definitions. */
    gallery: AzureGallery;
}

/** One target region of a version. */
interface TargetRegion {
    /** The region name. */
    name: string;
    /** Replicas in the region. */
    regionalReplicaCount: number;
    /** The replicas' storage type. */
    storageAccountType: string;
}

/** An Azure region's programmatic name: "West Europe" and "westeurope" are one region. */
export function regionKey(region: string): string {
    return region.replace(/\s+/g, "").toLowerCase();
}

/** The configured regions, with the gallery's own region first when config leaves it out, however it is spelt: Azure requires it. */
export function targetRegions(target: AzureTarget): TargetRegion[] {
    const regions = target.regions.map((r) => ({ name: r.name, regionalReplicaCount: r.replicaCount, storageAccountType: r.storageAccountType }));
    if (!regions.some((r) => regionKey(r.name) === regionKey(target.location))) {
        regions.unshift({ name: target.location, regionalReplicaCount: 1, storageAccountType: "Standard_LRS" });
    }
    return regions;
}

/** One release's gallery image versions for one architecture, and their IDs. */
export class AzureImage extends pulumi.ComponentResource {
    /** Region → the gallery image version's resource ID (of the primary generation: V2 when configured, else V1). */
    public readonly imageIds: pulumi.Output<Record<string, string>>;
    /** Generation → the gallery image version's resource ID. */
    public readonly versionIds: pulumi.Output<Partial<Record<HyperVGeneration, string>>>;
    /** The version name, three numbers, such as 1592.4.0. */
    public readonly versionName: string;
    /** The community image ID of the primary generation's version, when the gallery is shared with the community. */
    public readonly communityImageId?: pulumi.Output<string>;
    /** The URL of the VHD blob the versions were made from. */
    public readonly vhdUrl: pulumi.Output<string>;

    constructor(name: string, args: AzureImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("image-publisher:azure:Image", name, {}, opts);
        const { release, architecture, target, gallery, environment } = args;
        const prod = environment === "prod";
        const artifact = release.artifacts.azure?.[architecture];
        if (!artifact) {
            throw new Error(`release ${release.version} has no azure artifact for ${architecture}; set releases[].artifacts.azure`);
        }
        const generations = generationsFor(architecture, target.image.hyperVGenerations);
        if (generations.length === 0) {
            throw new Error(`release ${release.version}: ${architecture} cannot be published to Azure with Hyper-V generations ` +
                `${target.image.hyperVGenerations.join(", ")}; arm64 needs V2 in azure.image.hyperVGenerations`);
        }
        const definitions = generations.map((generation) => gallery.definitionFor(architecture, generation, args.variant?.name));
        this.versionName = galleryVersionName(release.version);
        const tags = { ...target.tags, product: args.product, version: release.version, architecture };

        const vhd = new VhdBlob(`${name}-vhd`, {
            sourceUrl: artifact.uri,
            sha256: artifact.sha256,
            accountUrl: gallery.blobEndpoint,
            containerName: gallery.containerName,
            blobName: `${args.imageName}.vhd`,
            transferMode: target.transferMode,
        }, { parent: this, dependsOn: gallery.blobDataAccess ? [gallery.blobDataAccess] : [] });
        this.vhdUrl = vhd.url;

        const regions = targetRegions(target);
        const versions = definitions.map((definition) => new compute.GalleryImageVersion(`${name}-${definition.generation.toLowerCase()}`, {
            galleryImageVersionName: this.versionName,
            galleryImageName: definition.resource.name,
            galleryName: gallery.galleryName,
            resourceGroupName: gallery.resourceGroupName,
            location: target.location,
            storageProfile: {
                osDiskImage: { source: { storageAccountId: gallery.storageAccountId, uri: vhd.url } },
            },
            publishingProfile: {
                targetRegions: regions,
                replicationMode: "Full",
                // The end-of-life date is informational (Azure Compute Gallery docs: "users will still be able to
                // create VMs from versions past the end-of-life date"), so it is set as soon as config dates the
                // release; leaving "latest" changes what users get, so it waits for the date.
                // Azure refuses an end-of-life date that is not ahead: "EndOfLifeDate must be set to a future
                // date" (MicrosoftDocs/azure-docs#86025). So it is sent only while the date is ahead; once it
                // has passed it is left out and ignored, so that a version that got it keeps it and a new
                // version (a region or generation added late, `release deprecate` writing today) gets none.
                ...(release.deprecation && !release.deprecation.passed ? { endOfLifeDate: release.deprecation.time } : {}),
                ...(release.deprecation?.passed ? { excludeFromLatest: true } : {}),
            },
            tags,
        }, { parent: this, protect: prod, ...(release.deprecation?.passed ? { ignoreChanges: ["publishingProfile.endOfLifeDate"] } : {}) }));

        this.versionIds = pulumi.all(versions.map((v) => v.id)).apply((ids) =>
            Object.fromEntries(definitions.map((d, i) => [d.generation, ids[i]])) as Partial<Record<HyperVGeneration, string>>);
        const primary = primaryGeneration(generations);
        const primaryIndex = definitions.findIndex((d) => d.generation === primary);
        this.imageIds = versions[primaryIndex].id.apply((id) => Object.fromEntries(regions.map((r) => [r.name, id])));
        if (gallery.communityEnabled && gallery.publicName) {
            const definition = definitions[primaryIndex].name;
            const version = this.versionName;
            // Through the version's ID, so that the community ID only resolves once the version exists.
            this.communityImageId = pulumi.all([gallery.publicName, versions[primaryIndex].id])
                .apply(([publicName]) => communityImageId(publicName, definition, version));
        }
        this.registerOutputs({ imageIds: this.imageIds, versionIds: this.versionIds, communityImageId: this.communityImageId });
    }
}
