/**
 * AzureGallery: what every Azure release shares, created once per stack. A resource group and a
 * storage account (created, with Storage Blob Data Contributor for the deploying identity, or reused
 * by name: the preflight checks that access), the container the VHDs are copied into, the
 * compute gallery, its community sharing (prod only, when config asks for it), and one image
 * definition per architecture and Hyper-V generation.
 *
 * In prod the gallery, its definitions and the community sharing are protected, and a definition
 * ignores changes to the fields that would replace it, so that a definition in use is never
 * replaced. Nothing is ever shared with the community in dev.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as compute from "@pulumi/azure-native/compute";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import { Architecture, AzureTarget, architectures as allArchitectures } from "../config";
import { BLOB_DATA_ROLE_ID } from "./blob-access";
import { CommunityGallerySharing } from "./community-sharing";
import {
    HyperVGeneration, azureArchitecture, definitionKey, definitionName, definitionSku, generationsFor, storageAccountId, subscriptionOf,
} from "./names";

/** The fields of an image definition whose change would replace it; prod ignores their changes. */
export const definitionReplacingFields = ["identifier", "osType", "osState", "hyperVGeneration", "architecture"];

/** Arguments of {@link AzureGallery}. */
export interface AzureGalleryArgs {
    /** The Azure target block of the stack config. */
    target: AzureTarget;
    /** The product name. */
    product: string;
    /** "dev" or "prod"; dev never shares anything with the community. */
    environment: "dev" | "prod";
    /** The architectures any release ships; each gets a definition per configured generation (arm64: V2 only). */
    architectures: Architecture[];
    /** With variants: each variant that goes to Azure, with its target; each gets its own definitions. */
    variants?: { name: string; target: AzureTarget }[];
    /** With variants: true when releases published before them keep the definitions a stack without variants has. */
    unvaried?: boolean;
}

/** One image definition of the gallery. */
export interface GalleryDefinition {
    /** The definition's name, as community image IDs use it. */
    name: string;
    /** x86_64 or arm64. */
    architecture: Architecture;
    /** V1 or V2. */
    generation: HyperVGeneration;
    /** The definition resource. */
    resource: compute.GalleryImage;
}

/** The gallery and everything around it that all releases share. */
export class AzureGallery extends pulumi.ComponentResource {
    /** The resource group's name. */
    public readonly resourceGroupName: pulumi.Output<string>;
    /** The Azure region of the group, storage account and gallery. */
    public readonly location: string;
    /** The subscription: from config, else read from the gallery's resource ID. */
    public readonly subscriptionId: pulumi.Output<string>;
    /** The storage account's name. */
    public readonly storageAccountName: pulumi.Output<string>;
    /** The storage account's resource ID, the source account of gallery image versions. */
    public readonly storageAccountId: pulumi.Output<string>;
    /** The storage account's blob endpoint, such as https://account.blob.core.windows.net. */
    public readonly blobEndpoint: pulumi.Output<string>;
    /** The name of the container the VHDs are copied into. */
    public readonly containerName: pulumi.Output<string>;
    /** The grant of blob data access to the deploying identity, when the account is created here; the VHD copies wait for it. */
    public readonly blobDataAccess?: authorization.RoleAssignment;
    /** The gallery. */
    public readonly gallery: compute.Gallery;
    /** The gallery's name. */
    public readonly galleryName: pulumi.Output<string>;
    /** Whether the gallery is shared with the community (prod and config say so). */
    public readonly communityEnabled: boolean;
    /** The community sharing, when enabled. */
    public readonly sharing?: CommunityGallerySharing;
    /** The gallery's public name, when shared with the community. */
    public readonly publicName?: pulumi.Output<string>;
    /** The image definitions, keyed "<arch>/<generation>", or "<variant>:<arch>/<generation>" with variants. */
    public readonly definitions: Record<string, GalleryDefinition>;

    constructor(name: string, args: AzureGalleryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("image-publisher:azure:Gallery", name, {}, opts);
        const { target, product, environment } = args;
        const prod = environment === "prod";
        const tags = { ...target.tags, product };
        this.location = target.location;

        this.resourceGroupName = target.resourceGroup.create
            ? new resources.ResourceGroup(`${name}-rg`, {
                resourceGroupName: target.resourceGroup.name, location: target.location, tags,
            }, { parent: this }).name
            : pulumi.output(target.resourceGroup.name);

        this.communityEnabled = prod && target.sharing.community;
        this.gallery = new compute.Gallery(`${name}-gallery`, {
            galleryName: target.gallery.name,
            resourceGroupName: this.resourceGroupName,
            location: target.location,
            description: `${product} images`,
            sharingProfile: this.communityEnabled ? {
                permissions: "Community",
                communityGalleryInfo: {
                    publicNamePrefix: target.gallery.publicNamePrefix,
                    publisherContact: target.gallery.publisherContact,
                    publisherUri: target.gallery.publisherUri,
                    eula: target.gallery.eula,
                },
            } : undefined,
            tags,
        }, { parent: this, protect: prod });
        this.galleryName = this.gallery.name;
        this.subscriptionId = target.subscriptionId !== undefined ? pulumi.output(target.subscriptionId) : this.gallery.id.apply(subscriptionOf);

        if (target.storageAccount.create) {
            const account = new storage.StorageAccount(`${name}-storage`, {
                accountName: target.storageAccount.name,
                resourceGroupName: this.resourceGroupName,
                location: target.location,
                kind: "StorageV2",
                sku: { name: "Standard_LRS" },
                allowBlobPublicAccess: false,
                enableHttpsTrafficOnly: true,
                minimumTlsVersion: "TLS1_2",
                tags,
            }, { parent: this });
            this.storageAccountName = account.name;
            this.storageAccountId = account.id;
            // The VHD copy signs in with Microsoft Entra ID, which needs a data role on the account: Owner and
            // Contributor carry no data actions ("Assign an Azure role for access to blob data", Microsoft Learn).
            const client = authorization.getClientConfigOutput({ parent: this });
            this.blobDataAccess = new authorization.RoleAssignment(`${name}-blob-data`, {
                scope: account.id,
                principalId: client.objectId,
                principalType: target.storageAccount.deployerType,
                roleDefinitionId: pulumi.interpolate`/subscriptions/${client.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BLOB_DATA_ROLE_ID}`,
            }, { parent: this });
        } else {
            this.storageAccountName = pulumi.output(target.storageAccount.name);
            this.storageAccountId = pulumi.all([this.subscriptionId, this.resourceGroupName])
                .apply(([subscription, group]) => storageAccountId(subscription, group, target.storageAccount.name));
        }
        this.blobEndpoint = this.storageAccountName.apply((account) => `https://${account}.blob.core.windows.net`);
        this.containerName = new storage.BlobContainer(`${name}-container`, {
            accountName: this.storageAccountName,
            resourceGroupName: this.resourceGroupName,
            containerName: target.container,
            publicAccess: "None",
        }, { parent: this }).name;

        if (this.communityEnabled) {
            this.sharing = new CommunityGallerySharing(`${name}-community`, {
                subscriptionId: this.subscriptionId,
                resourceGroupName: this.resourceGroupName,
                galleryName: this.gallery.name,
            }, { parent: this, protect: true });
            this.publicName = this.sharing.publicName;
        }

        this.definitions = {};
        const wanted = allArchitectures.filter((arch) => args.architectures.includes(arch));
        // Without variants, one set of definitions under the names a stack without variants has always had.
        const groups = args.variants === undefined ? [undefined] : [...(args.unvaried ? [undefined] : []), ...args.variants];
        for (const variant of groups) {
            const image = (variant?.target ?? target).image;
            for (const arch of wanted) {
                for (const generation of generationsFor(arch, image.hyperVGenerations)) {
                    const sku = definitionSku(target.image.sku, product, arch, generation, variant?.name);
                    const definition = definitionName(sku);
                    const resourceName = variant ? `${name}-${variant.name}-${arch}-${generation.toLowerCase()}` : `${name}-${arch}-${generation.toLowerCase()}`;
                    const resource = new compute.GalleryImage(resourceName, {
                        galleryImageName: definition,
                        galleryName: this.gallery.name,
                        resourceGroupName: this.resourceGroupName,
                        location: target.location,
                        identifier: { publisher: target.image.publisher, offer: target.image.offer, sku },
                        osType: "Linux",
                        osState: "Generalized",
                        hyperVGeneration: generation,
                        architecture: azureArchitecture(arch),
                        features: definitionFeatures(variant?.target ?? target, generation),
                        // "Must be set to true if the gallery image features are being updated" (GalleryImageProperties,
                        // Compute REST API): without it a change of security type, disk controllers or accelerated
                        // networking fails the update instead of applying.
                        allowUpdateImage: true,
                        description: `${product}${variant ? ` ${variant.name}` : ""} for ${arch}, Hyper-V generation ${generation === "V1" ? 1 : 2}`,
                        eula: target.gallery.eula,
                        tags,
                    }, prod ? { parent: this, protect: true, ignoreChanges: definitionReplacingFields } : { parent: this });
                    this.definitions[definitionKey(arch, generation, variant?.name)] = { name: definition, architecture: arch, generation, resource };
                }
            }
        }

        this.registerOutputs({
            resourceGroupName: this.resourceGroupName,
            storageAccountId: this.storageAccountId,
            containerName: this.containerName,
            galleryName: this.galleryName,
            publicName: this.publicName,
            definitions: Object.fromEntries(Object.entries(this.definitions).map(([key, d]) => [key, d.resource.id])),
        });
    }

    /** The definition of an architecture and generation (and variant); throws, naming what exists, when there is none. */
    definitionFor(architecture: Architecture, generation: HyperVGeneration, variant?: string): GalleryDefinition {
        const found = this.definitions[definitionKey(architecture, generation, variant)];
        if (!found) {
            throw new Error(`the gallery has no image definition for ${architecture} Hyper-V ${generation}; it has: ${Object.keys(this.definitions).join(", ") || "none"}` +
                (architecture === "arm64" ? " (arm64 needs V2 in azure.image.hyperVGenerations)" : ""));
        }
        return found;
    }
}

/** The features of a definition: the security type and NVMe need generation V2; Standard security is no feature. */
export function definitionFeatures(target: AzureTarget, generation: HyperVGeneration): { name: string; value: string }[] {
    const features: { name: string; value: string }[] = [];
    if (generation === "V2" && target.image.securityType !== "Standard") {
        features.push({ name: "SecurityType", value: target.image.securityType });
    }
    const controllers = generation === "V2" ? target.image.diskControllerTypes : target.image.diskControllerTypes.filter((c) => c === "SCSI");
    if (controllers.length > 0) {
        features.push({ name: "DiskControllerTypes", value: controllers.join(", ") });
    }
    features.push({ name: "IsAcceleratedNetworkSupported", value: target.image.acceleratedNetworking ? "True" : "False" });
    return features;
}
